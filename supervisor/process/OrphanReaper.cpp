#include "OrphanReaper.h"

#include "ChildProcessGuard.h"
#include "core/ProcessHardening.h"

#include <QDir>
#include <QFile>
#include <QTimer>

#if defined(Q_OS_LINUX)
#include <sys/wait.h>
#include <unistd.h>
#endif

namespace steward {

namespace {

#if defined(Q_OS_LINUX)
// Children of any of Steward's threads (an orphan goes to one of them).
QList<pid_t> childrenOfSteward()
{
    QList<pid_t> out;
    for (const QString &tid : QDir(QStringLiteral("/proc/self/task")).entryList(QDir::Dirs)) {
        QFile f(QStringLiteral("/proc/self/task/%1/children").arg(tid));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &pid : f.readAll().split(' ')) {
            if (const int p = pid.trimmed().toInt(); p > 0)
                out << pid_t(p);
        }
    }
    return out;
}

struct Stat
{
    char state = 0;
    pid_t pgid = 0;
    pid_t sid = 0;
};

Stat statOf(pid_t pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = f.readAll();
    // After "pid (comm) ": state ppid pgrp session ...
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 4 || fields.at(0).isEmpty())
        return {};
    return {fields.at(0).at(0), pid_t(fields.at(2).toInt()), pid_t(fields.at(3).toInt())};
}
#endif

} // namespace

OrphanReaper::OrphanReaper(QObject *parent)
    : QObject(parent)
    , m_timer(new QTimer(this))
{
    // Orphans are rare and harmless for a while as zombies; a scan of Steward's own children
    // costs a few small reads.
    m_timer->setInterval(1000);
    connect(m_timer, &QTimer::timeout, this, &OrphanReaper::reap);
}

bool OrphanReaper::start(QString *why)
{
    if (const Status st = ProcessHardening::becomeSubreaper(); !st) {
        if (why)
            *why = st.error();
        return false;
    }
#if defined(Q_OS_LINUX)
    m_timer->start();
    return true;
#else
    if (why)
        *why = QStringLiteral("no child subreaper on this system");
    return false;
#endif
}

int OrphanReaper::reap()
{
    int reaped = 0;
#if defined(Q_OS_LINUX)
    const pid_t group = ::getpgrp();
    const pid_t session = ::getsid(0);
    for (pid_t pid : childrenOfSteward()) {
        const Stat st = statOf(pid);
        if (st.state != 'Z' || ChildProcessGuard::isAdopted(pid))
            continue;
        // Qt's own children: in Steward's group (not guarded), or leading their own group in
        // Steward's session (guarded, started but not adopted yet). An orphan is in its
        // service's group, or in a session of its own.
        if (st.pgid == group || (st.pgid == pid && st.sid == session))
            continue;
        int status = 0;
        reaped += ::waitpid(pid, &status, WNOHANG) == pid ? 1 : 0;
    }
#endif
    return reaped;
}

} // namespace steward
