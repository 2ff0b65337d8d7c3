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

QList<AppLocator::RunningApp> AppLocator::running(const QString &root, const QString &registry)
{
    QList<RunningApp> out;
    QStringList seen; // app data dirs by their real path
    for (const AppRegistry::Entry &e : AppRegistry::running(registry)) {
        out.append({e.app, e.appData, e.pid});
        seen << QFileInfo(e.appData).canonicalFilePath();
    }
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
        if (!lock.getLockInfo(&pid, &host, &app) || !processAlive(pid)
            || seen.contains(QFileInfo(appData).canonicalFilePath()))
            continue;
        out.append({name, appData, pid});
    }
    return out;
}

Result<QString> AppLocator::find(const QString &name, const QString &root, const QString &registry)
{
    const QList<RunningApp> apps = running(root, registry);
    if (!name.isEmpty()) {
        QStringList dirs;
        for (const RunningApp &a : apps) {
            if (a.name == name)
                dirs << a.appData;
        }
        if (dirs.size() == 1)
            return dirs.first();
        if (dirs.size() > 1)
            return Result<QString>::failure(
                QStringLiteral("%1 runs more than once (%2); say which with --app-data DIR")
                    .arg(name, dirs.join(QStringLiteral(", "))));
        return Result<QString>::failure(
            QStringLiteral("%1 is not running (it is not registered in %2, and no Steward holds "
                           "%3/%1/runtime/steward.lock)")
                .arg(name, registry, root));
    }
    if (apps.size() == 1)
        return apps.first().appData;
    if (apps.isEmpty())
        return Result<QString>::failure(
            QStringLiteral("no Steward is running (none is registered in %1, and none keeps its "
                           "app data in %2); start the app, or give --app-data DIR")
                .arg(registry, root));
    QStringList names;
    for (const RunningApp &a : apps)
        names << a.name;
    return Result<QString>::failure(
        QStringLiteral("several apps are running (%1); say which with --app NAME")
            .arg(names.join(QStringLiteral(", "))));
}

} // namespace steward
