#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>

#include <deque>

namespace steward {

// Slows down wrong bearer tokens, one credential at a time: a token that failed MaxFailures
// times within WindowS seconds is refused (429) for LockoutS seconds, and while more than
// MaxFloodFailures wrong tokens of any kind arrive within WindowS, every wrong token is. Only
// wrong tokens are counted and refused: a request without a token, or with a valid one, never
// meets the throttle, so no one can lock the admin or a service out by failing on purpose.
class AuthThrottle
{
public:
    static constexpr int MaxFailures = 10;
    static constexpr int WindowS = 60;
    static constexpr int LockoutS = 30;
    static constexpr int MaxFloodFailures = 100;
    static constexpr int MaxTracked = 1024; // credentials remembered at once

    // Seconds before `credential` (a wrong token) may be tried again; 0 when it may now.
    qint64 retryAfter(const QByteArray &credential, const QDateTime &now) const;
    // `credential` was presented and was wrong.
    void failed(const QByteArray &credential, const QDateTime &now);

private:
    struct Record
    {
        std::deque<QDateTime> failures;
        QDateTime lockedUntil;
    };
    static QByteArray key(const QByteArray &credential);
    static void expire(std::deque<QDateTime> &failures, const QDateTime &now);

    QHash<QByteArray, Record> m_records; // by the credential's SHA-256, never the credential
    std::deque<QDateTime> m_allFailures;
    QDateTime m_floodUntil;
};

} // namespace steward
