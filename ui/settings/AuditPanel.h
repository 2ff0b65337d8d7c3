#pragma once

#include "secrets/AuditTrail.h"

#include <QWidget>

class QLabel;
class QPushButton;

namespace steward {

class StatusTable;
class StewardRuntime;

// The Settings dialog's Activity tab: the newest entries of the audit trail (who changed, read
// or was refused which secret, and when; never a value), and a check of the trail's chain.
class AuditPanel : public QWidget
{
    Q_OBJECT
public:
    static constexpr int Shown = 200;

    explicit AuditPanel(StewardRuntime &runtime, QWidget *parent = nullptr);

    // Reads the trail's files again.
    void refresh();
    // Checks the chain now and says what it found.
    void verify();

private:
    QStringList row(const AuditTrail::Entry &entry) const;
    void prepend(const AuditTrail::Entry &entry);

    StewardRuntime &m_runtime;
    StatusTable *m_table = nullptr;
    QPushButton *m_verify = nullptr;
    QLabel *m_verdict = nullptr;
};

} // namespace steward
