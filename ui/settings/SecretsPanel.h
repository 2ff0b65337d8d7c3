#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QPushButton;

namespace steward {

class StatusTable;
class ChangeSecretDialog;
class SecretHistoryDialog;
class StewardRuntime;

// The Settings dialog's Secrets tab: one row per secret (label, class, status, source, last
// updated; never the value) and the actions its class allows, each behind a confirmation that
// names the services that will restart.
class SecretsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SecretsPanel(StewardRuntime &runtime, QWidget *parent = nullptr);

    void refresh();
    // Selects the row of `secretId` (keyboard users and tests).
    void select(const QString &secretId);
    // The open Change dialog, if any.
    ChangeSecretDialog *changeDialog() const;
    // The open History dialog, if any.
    SecretHistoryDialog *historyDialog() const;

private:
    QString selectedId() const;
    void updateButtons();
    void change();
    void regenerate();
    void clear();
    void showHistory();
    void report(const QString &secretId, const QString &done, const QStringList &problems);

    StewardRuntime &m_runtime;
    StatusTable *m_table = nullptr;
    QPushButton *m_change = nullptr;
    QPushButton *m_regenerate = nullptr;
    QPushButton *m_clear = nullptr;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_history = nullptr;
    QLabel *m_outcome = nullptr;
    QPointer<ChangeSecretDialog> m_changeDialog;
    QPointer<SecretHistoryDialog> m_historyDialog;
    QStringList m_ids;
};

} // namespace steward
