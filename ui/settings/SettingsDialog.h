#pragma once

#include <QDialog>

class QTabWidget;

namespace steward {

class AuditPanel;
class SecretsPanel;
class ServicesPanel;
class StewardRuntime;

// The app's Settings window: its secrets (change, regenerate, clear, refresh, history and
// rollback), its services (state, restarts, ports, logs) and the audit trail's recent activity.
// Non-modal; closing it leaves the app running.
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(StewardRuntime &runtime, QWidget *parent = nullptr);

    SecretsPanel *secrets() const { return m_secrets; }
    ServicesPanel *services() const { return m_services; }
    AuditPanel *activity() const { return m_audit; }
    void showServices();

Q_SIGNALS:
    void quitRequested();

private:
    QTabWidget *m_tabs = nullptr;
    SecretsPanel *m_secrets = nullptr;
    ServicesPanel *m_services = nullptr;
    AuditPanel *m_audit = nullptr;
};

} // namespace steward
