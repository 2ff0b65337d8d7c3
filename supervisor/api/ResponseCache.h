#pragma once

#include "HttpMessage.h"

#include <QElapsedTimer>
#include <QHash>
#include <QString>

#include <optional>

namespace steward {

// The finished answers (built, serialized and redacted) of the read routes that shells, tray
// icons and services poll most: GET /secrets, /readyz and /status. An answer is kept until the
// state it shows changes: ControlApi calls invalidate() on every signal of the secret keeper
// and the supervisor, and whenever it is handed a new one. A kept answer is also dropped after
// MaxAgeMs, a bound on how stale an answer could be should some change ever come without a
// signal.
class ResponseCache
{
public:
    static constexpr qint64 MaxAgeMs = 1000;

    ResponseCache() { m_clock.start(); }

    void invalidate() { ++m_generation; }
    std::optional<HttpResponse> find(const QString &key) const;
    void store(const QString &key, const HttpResponse &response);

private:
    struct Entry
    {
        quint64 generation = 0;
        qint64 storedAt = 0;
        HttpResponse response;
    };
    QHash<QString, Entry> m_entries; // a few keys: route and caller (admin or one service)
    quint64 m_generation = 0;
    QElapsedTimer m_clock;
};

} // namespace steward
