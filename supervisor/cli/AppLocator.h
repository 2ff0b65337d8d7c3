#pragma once

#include "core/AppRegistry.h"
#include "core/Result.h"

#include <QList>
#include <QString>

namespace steward {

// Finds the running Stewards of this user, so that stewardctl needs no --app-data: each one
// registers itself in the session's AppRegistry while it runs, wherever its app data is. A
// Steward of an earlier version is found where it keeps app data by default,
// <XDG data home>/steward/<app>, by the runtime/steward.lock it holds there. An entry or a lock
// whose process is gone is stale and ignored.
class AppLocator
{
public:
    struct RunningApp
    {
        QString name; // the manifest's app name
        QString appData;
        qint64 pid = 0;
    };

    // Where Steward keeps apps' data by default.
    static QString dataRoot();
    // Every app whose Steward runs now: the registered ones, then those found only under `root`.
    static QList<RunningApp> running(const QString &root = dataRoot(),
                                     const QString &registry = AppRegistry::directory());
    // The app data directory of `name` when given (it must be running, once), else of the only
    // app running; the message says which apps run when there are several, or that none does.
    static Result<QString> find(const QString &name, const QString &root = dataRoot(),
                                const QString &registry = AppRegistry::directory());
};

} // namespace steward
