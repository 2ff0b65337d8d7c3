#pragma once

#include <QWizardPage>

class QLabel;
class QPushButton;

namespace steward {

class StewardRuntime;

// Shown when the keychain cannot be used: says so plainly and lets the person keep the secrets
// in an encrypted file (its key beside it) or quit.
class NoKeychainPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit NoKeychainPage(StewardRuntime &runtime, QWidget *parent = nullptr);

    void setReason(const QString &reason);
    bool isComplete() const override { return m_ready; }

Q_SIGNALS:
    void quitRequested();

private:
    StewardRuntime &m_runtime;
    QLabel *m_reason = nullptr;
    QLabel *m_progress = nullptr;
    QPushButton *m_useFile = nullptr;
    bool m_ready = false;
};

} // namespace steward
