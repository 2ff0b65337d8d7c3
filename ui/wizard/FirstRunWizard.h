#pragma once

#include <QMap>
#include <QWizard>

namespace steward {

class PromptedSecretsPage;
class StartingPage;
class StewardRuntime;

// The first-run wizard: welcome, (no keychain), generated secrets, the person's secrets,
// (remote secrets), review, starting. Pages read the runtime and validate themselves; the
// wizard only routes between them and hands the entered values to the SecretKeeper.
class FirstRunWizard : public QWizard
{
    Q_OBJECT
public:
    enum PageId { Welcome, NoKeychain, Generated, Prompted, Remote, Review, Starting };

    explicit FirstRunWizard(StewardRuntime &runtime, QWidget *parent = nullptr);
    ~FirstRunWizard() override;

    // The keychain failed: the no-keychain page follows the welcome page.
    void setStoreUnavailable(const QString &reason);
    bool storeUnavailable() const { return m_storeUnavailable; }
    int nextId() const override;
    // Stores the entered values (all or none); the starting page reports the outcome.
    void saveSecrets();

Q_SIGNALS:
    void openAppRequested();
    void quitRequested();

protected:
    void done(int result) override;

private:
    StewardRuntime &m_runtime;
    PromptedSecretsPage *m_prompted = nullptr;
    StartingPage *m_starting = nullptr;
    bool m_storeUnavailable = false;
};

} // namespace steward
