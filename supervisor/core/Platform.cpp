#include "Platform.h"

#include <QSysInfo>

namespace steward {

QString Platform::current()
{
    const QString arch = QSysInfo::currentCpuArchitecture();
    const QString cpu
        = arch == QLatin1String("arm64") ? QStringLiteral("arm64") : QStringLiteral("x64");
#if defined(Q_OS_WIN)
    return QStringLiteral("win-") + cpu;
#elif defined(Q_OS_MACOS)
    return QStringLiteral("darwin-") + cpu;
#else
    return QStringLiteral("linux-") + cpu;
#endif
}

const QStringList &Platform::knownKeys()
{
    static const QStringList keys {
        QStringLiteral("linux-x64"),   QStringLiteral("linux-arm64"),  QStringLiteral("darwin-x64"),
        QStringLiteral("mac-x64"),     QStringLiteral("darwin-arm64"), QStringLiteral("win-x64"),
        QStringLiteral("windows-x64"),
    };
    return keys;
}

QString Platform::canonical(const QString &key)
{
    if (key == QLatin1String("mac-x64"))
        return QStringLiteral("darwin-x64");
    if (key == QLatin1String("windows-x64"))
        return QStringLiteral("win-x64");
    return key;
}

} // namespace steward
