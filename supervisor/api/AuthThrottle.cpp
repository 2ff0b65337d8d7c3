#include "AuthThrottle.h"

#include "logging/Logging.h"

#include <QCryptographicHash>

namespace steward {

QByteArray AuthThrottle::key(const QByteArray &credential)
{
    return QCryptographicHash::hash(credential, QCryptographicHash::Sha256);
}

void AuthThrottle::expire(std::deque<QDateTime> &failures, const QDateTime &now)
{
    while (!failures.empty() && failures.front().secsTo(now) > WindowS)
        failures.pop_front();
}

qint64 AuthThrottle::retryAfter(const QByteArray &credential, const QDateTime &now) const
{
    qint64 wait = 0;
    if (m_floodUntil.isValid() && now < m_floodUntil)
        wait = now.secsTo(m_floodUntil) + 1;
    const auto it = m_records.constFind(key(credential));
    if (it != m_records.cend() && it->lockedUntil.isValid() && now < it->lockedUntil)
        wait = std::max(wait, now.secsTo(it->lockedUntil) + 1);
    return wait;
}

void AuthThrottle::failed(const QByteArray &credential, const QDateTime &now)
{
    expire(m_allFailures, now);
    m_allFailures.push_back(now);
    if (int(m_allFailures.size()) > MaxFloodFailures && !(now < m_floodUntil)) {
        m_floodUntil = now.addSecs(LockoutS);
        m_allFailures.clear();
        Logging::api()->warn(
            "more than {} requests with wrong tokens within {} s; wrong tokens are refused "
            "for {} s (valid tokens are not)",
            MaxFloodFailures, WindowS, LockoutS);
    }
    const QByteArray k = key(credential);
    if (!m_records.contains(k) && m_records.size() >= MaxTracked) {
        // Forget the credentials that are not locked out; the flood limit still holds.
        for (auto it = m_records.begin(); it != m_records.end();)
            it = it->lockedUntil.isValid() && now < it->lockedUntil ? std::next(it)
                                                                    : m_records.erase(it);
        if (m_records.size() >= MaxTracked)
            return;
    }
    Record &r = m_records[k];
    expire(r.failures, now);
    r.failures.push_back(now);
    if (int(r.failures.size()) >= MaxFailures) {
        r.lockedUntil = now.addSecs(LockoutS);
        r.failures.clear();
        Logging::api()->warn(
            "{} requests with the same wrong token within {} s; that token is refused for "
            "{} s",
            MaxFailures, WindowS, LockoutS);
    }
}

} // namespace steward
