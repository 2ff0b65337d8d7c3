#pragma once

#include <QWizardPage>

class QLabel;
class QProgressBar;
class QPushButton;

namespace steward {

class StatusTable;
class StewardRuntime;

// Saves the secrets, then follows each service (waiting / starting / ready / failed with the
// reason) with an overall progress bar; Finish is enabled once the app has settled.
class StartingPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit StartingPage(StewardRuntime &runtime, QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    void savingSecrets();
    // `problems` empty: stored; otherwise why nothing was stored.
    void secretsSaved(const QStringList &problems);

Q_SIGNALS:
    void openAppRequested();
    void retryRequested();

private:
    void refresh();

    StewardRuntime &m_runtime;
    QLabel *m_secrets = nullptr;
    QPushButton *m_retry = nullptr;
    StatusTable *m_table = nullptr;
    QProgressBar *m_progress = nullptr;
    QLabel *m_overall = nullptr;
    QPushButton *m_openApp = nullptr;
    bool m_saved = false;
};

} // namespace steward
