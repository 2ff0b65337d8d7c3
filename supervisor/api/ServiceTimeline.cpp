#include "ServiceTimeline.h"

#include "process/Supervisor.h"

namespace steward {

ServiceTimeline::ServiceTimeline(QObject *parent)
    : QObject(parent)
{ }

void ServiceTimeline::attach(Supervisor *supervisor)
{
    if (supervisor)
        connect(supervisor, &Supervisor::serviceStateChanged, this,
                &ServiceTimeline::onStateChanged);
}

void ServiceTimeline::onStateChanged(const QString &serviceId, ManagedService::State state)
{
    using State = ManagedService::State;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    Times &t = m_times[serviceId];
    const State before = m_last.value(serviceId, State::Waiting);
    m_last.insert(serviceId, state);
    t.updatedAt = now;
    const bool wasRunning
        = before == State::Starting || before == State::Ready || before == State::Stopping;
    switch (state) {
    case State::Starting:
        if (before != State::Starting)
            t.startedAt = now;
        break;
    case State::Ready:
        t.readyAt = now;
        break;
    case State::Backoff:
    case State::Stopped:
    case State::Failed:
        if (wasRunning)
            t.exitedAt = now;
        break;
    case State::Waiting:
    case State::Stopping:
        break;
    }
}

} // namespace steward
