#include "SecretStore.h"

namespace steward {

QString SecretStore::kindName(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::None:
        return QStringLiteral("ok");
    case ErrorKind::NotFound:
        return QStringLiteral("not found");
    case ErrorKind::NoBackend:
        return QStringLiteral("no keychain available");
    case ErrorKind::Locked:
        return QStringLiteral("keychain locked");
    case ErrorKind::Denied:
        return QStringLiteral("access denied");
    case ErrorKind::Timeout:
        return QStringLiteral("timed out");
    case ErrorKind::Corrupt:
        return QStringLiteral("corrupt");
    case ErrorKind::Io:
        return QStringLiteral("i/o error");
    }
    return {};
}

} // namespace steward
