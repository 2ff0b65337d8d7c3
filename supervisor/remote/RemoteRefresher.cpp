#include "RemoteRefresher.h"

#include "secrets/RemoteSecretProvider.h"
#include "secrets/SecretKeeper.h"

#include <QRandomGenerator>

#include <chrono>

namespace steward {

RemoteRefresher::RemoteRefresher(SecretKeeper &keeper, QList<RemoteSecretProvider *> providers,
                                 QObject *parent)
    : QObject(parent)
    , m_keeper(keeper)
{
    for (RemoteSecretProvider *p : providers)
        m_providers << p;
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (!m_stopped)
            m_keeper.refreshRemote();
    });
    connect(&m_keeper, &SecretKeeper::remoteRefreshed, this,
            [this](const SecretKeeper::RefreshResult &r) { schedule(r.ok()); });
    connect(&m_keeper, &SecretKeeper::secretsChanged, this, &RemoteRefresher::onSecretsChanged);
}

void RemoteRefresher::stop()
{
    m_stopped = true;
    m_timer.stop();
}

void RemoteRefresher::schedule(bool lastOk)
{
    if (m_stopped || m_providers.isEmpty())
        return;
    // The provider that wants the most frequent refresh sets the pace.
    RemoteSecretProvider::RefreshPolicy policy;
    bool first = true;
    for (const QPointer<RemoteSecretProvider> &p : std::as_const(m_providers)) {
        if (!p)
            continue;
        const RemoteSecretProvider::RefreshPolicy each = p->refreshPolicy();
        if (first || each.intervalS < policy.intervalS)
            policy = each;
        first = false;
    }
    const qint64 intervalMs = qint64(policy.intervalS) * 1000;
    qint64 delayMs = 0;
    if (lastOk) {
        m_failures = 0;
        const int jitterS = policy.jitterMaxS > policy.jitterMinS
            ? int(QRandomGenerator::global()->bounded(policy.jitterMinS, policy.jitterMaxS + 1))
            : policy.jitterMinS;
        delayMs = intervalMs + qint64(jitterS) * 1000;
    } else {
        // With +-20% of jitter, so installs that saw the same outage do not all come back at once.
        const qint64 backoffMs = std::min(intervalMs, qint64(1000) << std::min(m_failures, 20));
        delayMs = backoffMs * QRandomGenerator::global()->bounded(80, 121) / 100;
        ++m_failures;
    }
    m_timer.start(std::chrono::milliseconds(delayMs));
}

void RemoteRefresher::onSecretsChanged(const QStringList &ids)
{
    if (m_stopped)
        return;
    // New credentials (a token the person entered): log in with them and fetch.
    bool reset = false;
    for (const QPointer<RemoteSecretProvider> &p : std::as_const(m_providers)) {
        if (!p)
            continue;
        const QStringList auth = p->authSecretIds();
        if (std::any_of(ids.cbegin(), ids.cend(),
                        [&auth](const QString &id) { return auth.contains(id); })) {
            p->resetAuth();
            reset = true;
        }
    }
    if (reset)
        m_keeper.refreshRemote();
}

} // namespace steward
