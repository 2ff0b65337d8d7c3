#include "AppLocator.h"

#include <QDir>
#include <QFileInfo>
#include <QLockFile>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <csignal>

namespace steward {

namespace {

bool processAlive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

} // namespace

QString AppLocator::dataRoot()
{
    // As StewardRuntime::defaultAppDataDir() without its app name.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/steward");
}

QList<AppLocator::RunningApp> AppLocator::running(const QString &root)
{
    QList<RunningApp> out;
    const QDir dir(root);
    for (const QString &name : dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QString appData = dir.absoluteFilePath(name);
        const QString lockPath = appData + QStringLiteral("/runtime/steward.lock");
        if (!QFileInfo::exists(lockPath)
            || !QFileInfo::exists(appData + QStringLiteral("/runtime/ipc_port")))
            continue;
        QLockFile lock(lockPath);
        qint64 pid = 0;
        QString host, app;
        if (!lock.getLockInfo(&pid, &host, &app) || !processAlive(pid))
            continue;
        out.append({name, appData, pid});
    }
    return out;
}

Result<QString> AppLocator::find(const QString &name, const QString &root)
{
    const QList<RunningApp> apps = running(root);
    if (!name.isEmpty()) {
        const auto it = std::find_if(apps.cbegin(), apps.cend(),
                                     [&name](const RunningApp &a) { return a.name == name; });
        if (it != apps.cend())
            return it->appData;
        return Result<QString>::failure(
            QStringLiteral("%1 is not running (no Steward holds %2/%1/runtime/steward.lock)")
                .arg(name, root));
    }
    if (apps.size() == 1)
        return apps.first().appData;
    if (apps.isEmpty())
        return Result<QString>::failure(
            QStringLiteral("no Steward is running for an app in %1; start the app, or give "
                           "--app-data DIR for one that keeps its data elsewhere")
                .arg(root));
    QStringList names;
    for (const RunningApp &a : apps)
        names << a.name;
    return Result<QString>::failure(
        QStringLiteral("several apps are running (%1); say which with --app NAME")
            .arg(names.join(QStringLiteral(", "))));
}

} // namespace steward
