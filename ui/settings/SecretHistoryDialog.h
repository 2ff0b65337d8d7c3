#pragma once

#include <QDialog>

class QLabel;
class QPushButton;

namespace steward {

class StatusTable;
class StewardRuntime;

// One secret's kept versions (number, when, where from, by whom; never a value), newest first,
// and a Rollback button for an earlier one. The rollback is asked first as a dry run, so the
// confirmation names exactly the services that will restart, then made with the same words.
// A remote secret lists the versions its source keeps (Vault KV v2) instead, and rolls back
// there.
class SecretHistoryDialog : public QDialog
{
    Q_OBJECT
public:
    SecretHistoryDialog(StewardRuntime &runtime, const QString &secretId,
                        QWidget *parent = nullptr);

    void refresh();
    // Selects the row of `version` (keyboard users and tests).
    void select(int version);
    QString outcome() const;

private:
    int selectedVersion() const;
    void updateButtons();
    void rollback();
    void refreshFromSource(int selected);

    StewardRuntime &m_runtime;
    QString m_id;
    StatusTable *m_table = nullptr;
    QPushButton *m_rollback = nullptr;
    QLabel *m_outcome = nullptr;
    QList<int> m_versions; // per row
    QList<int> m_gone; // versions deleted or destroyed at the source: nothing to roll back to
    int m_current = 0;
    bool m_remote = false;
};

} // namespace steward
