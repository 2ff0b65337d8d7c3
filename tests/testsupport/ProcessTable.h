#pragma once

#include <QDir>
#include <QFile>
#include <QList>

namespace steward::test {

// The machine's processes as Linux's /proc shows them, for tests that check what outlives a
// supervisor.

inline QList<qint64> processIds()
{
    QList<qint64> out;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool ok = false;
        const qint64 pid = entry.toLongLong(&ok);
        if (ok)
            out << pid;
    }
    return out;
}

// The fields of /proc/<pid>/stat after the command name: state, parent pid, ...
inline QList<QByteArray> statFields(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = stat.readAll();
    return line.mid(line.lastIndexOf(')') + 2).split(' ');
}

// True while the process exists and is not a zombie.
inline bool isAlive(qint64 pid)
{
    const QList<QByteArray> fields = statFields(pid);
    return !fields.isEmpty() && fields.first() != "Z";
}

inline qint64 parentOf(qint64 pid)
{
    return statFields(pid).value(1).toLongLong();
}

// Pids whose parent is `parent`.
inline QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> out;
    for (qint64 pid : processIds()) {
        if (parentOf(pid) == parent)
            out << pid;
    }
    return out;
}

} // namespace steward::test
