#pragma once

#include "Result.h"

#include <QList>
#include <QString>

namespace steward {

// The running Stewards of this user, so that stewardctl finds an app wherever its data is: each
// Steward, once its control API listens, writes one entry, <pid>.json, into
// $XDG_RUNTIME_DIR/steward/ (0700, the user's; ~/.cache/.steward/running when the session has
// no runtime dir) and removes it at exit. The entry names the app, its data dir and the port file,
// never the token. An entry whose process is gone, or whose pid now belongs to another process
// (a different start time), is stale: readers skip it and the next registration removes it.
class AppRegistry
{
public:
    struct Entry
    {
        QString app; // the manifest's app name
        QString appData;
        QString portFile; // where the port of its control API is written
        qint64 pid = 0;
    };

    // The registry of the current session.
    static QString directory();

    // Writes the entry of `entry.pid` (this process) into `dir`, first removing stale ones.
    // Returns the entry's file for remove().
    [[nodiscard]] static Result<QString> add(const Entry &entry, const QString &dir = directory());
    static void remove(const QString &entryFile);

    // The live entries, by pid; stale and unreadable entries are skipped.
    static QList<Entry> running(const QString &dir = directory());
};

} // namespace steward
