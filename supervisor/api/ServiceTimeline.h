#pragma once

#include "process/ManagedService.h"

#include <QDateTime>
#include <QHash>
#include <QObject>

namespace steward {

class Supervisor;

// When each service last changed state, started, became ready and exited, as /readyz reports
// them (the Vrooli runtime's readiness details carry timestamps). Learnt from the supervisor's
// signals, so it must be attached before the services start.
class ServiceTimeline : public QObject
{
    Q_OBJECT
public:
    struct Times
    {
        QDateTime startedAt; // last entry into starting
        QDateTime readyAt; // last entry into ready
        QDateTime exitedAt; // last time its process ended (backoff, stopped or failed after a run)
        QDateTime updatedAt; // last change of state or message
    };

    explicit ServiceTimeline(QObject *parent = nullptr);
    void attach(Supervisor *supervisor);
    Times times(const QString &serviceId) const { return m_times.value(serviceId); }

private:
    void onStateChanged(const QString &serviceId, ManagedService::State state);

    QHash<QString, Times> m_times;
    QHash<QString, ManagedService::State> m_last;
};

} // namespace steward
