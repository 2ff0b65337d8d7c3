#pragma once

#include <QObject>

class QTimer;

namespace steward {

// Makes Steward a child subreaper (Linux): what a service's process forks and abandons becomes
// Steward's child rather than init's, so it stays in sight and dies with Steward's tree. Such
// orphans are waited for here once they end. Children Steward started itself (QProcess) are
// left to Qt, which must get their exit status.
class OrphanReaper : public QObject
{
    Q_OBJECT
public:
    explicit OrphanReaper(QObject *parent = nullptr);

    // False, with why, where the system has no subreapers.
    [[nodiscard]] bool start(QString *why = nullptr);
    // Waits for the orphans that have ended; returns how many.
    int reap();

private:
    QTimer *m_timer;
};

} // namespace steward
