#pragma once

#include "core/Result.h"

#include <QList>
#include <QString>

namespace steward {

// Finds the running Stewards of this user, so that stewardctl needs no --app-data: each runs
// with its app data in <XDG data home>/steward/<app> (unless given --app-data) and holds
// runtime/steward.lock there while it runs. A lock whose process is gone is stale and ignored.
class AppLocator
{
public:
    struct RunningApp
    {
        QString name; // the app data directory's name: the manifest's app name
        QString appData;
        qint64 pid = 0;
    };

    // Where Steward keeps apps' data by default.
    static QString dataRoot();
    // Every app whose Steward runs now, by name.
    static QList<RunningApp> running(const QString &root = dataRoot());
    // The app data directory of `name` when given (it must be running), else of the only app
    // running; the message says which apps run when there are several, or that none does.
    static Result<QString> find(const QString &name, const QString &root = dataRoot());
};

} // namespace steward
