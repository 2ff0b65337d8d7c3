#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace steward {

class RemoteSecretProvider;
class SecretKeeper;

// Fetches the remote secrets again while Steward runs. After a good fetch: the shortest
// refresh interval of the providers plus a jitter, so the installs sharing one store do not all
// ask at the same second. After a failed one: again after 1, 2, 4, ... s (+-20%), up to that
// interval, so an outage ends for the app soon after it ends for the store. When a secret a
// provider authenticates with changes, that provider forgets its credentials and everything is
// fetched at once.
//
// Every fetch of all the remote secrets (at start, on a request, or its own) sets the next one.
class RemoteRefresher : public QObject
{
    Q_OBJECT
public:
    RemoteRefresher(SecretKeeper &keeper, QList<RemoteSecretProvider *> providers,
                    QObject *parent = nullptr);

    // No refresh is started from now on (Steward is stopping).
    void stop();
    bool isScheduled() const { return m_timer.isActive(); }
    // Milliseconds until the next refresh; -1 when none is scheduled.
    int remainingMs() const { return m_timer.remainingTime(); }
    // Consecutive failed fetches (the backoff's exponent).
    int failures() const { return m_failures; }

private:
    void schedule(bool lastOk);
    void onSecretsChanged(const QStringList &ids);

    SecretKeeper &m_keeper;
    QList<QPointer<RemoteSecretProvider>> m_providers;
    QTimer m_timer;
    int m_failures = 0;
    bool m_stopped = false;
};

} // namespace steward
