#pragma once

#include <QFile>

namespace steward::test {

// AddressSanitizer keeps freed memory in quarantine instead of reusing it, so RSS says nothing
// about our memory use in such a build; tests check their memory bounds in every other build.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool RssIsMeaningful = false;
#else
constexpr bool RssIsMeaningful = true;
#endif

// This process's resident memory in KiB (VmRSS), 0 if it cannot be read.
inline qint64 rssKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

} // namespace steward::test
