#include "RunMarker.h"

#include <QDir>
#include <QFile>

#if defined(Q_OS_UNIX)
#include <csignal>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace steward {

QString RunMarker::value(const QString &installId, const QString &runId, const QString &serviceId)
{
    return installId + QLatin1Char('/') + runId + QLatin1Char('/') + serviceId;
}

QList<RunMarker::Process> RunMarker::find(const QString &marker)
{
    QList<Process> out;
#if defined(Q_OS_LINUX)
    const bool prefix = marker.endsWith(QLatin1Char('/'));
    const QByteArray key = QByteArray(Variable) + '=';
    const qint64 self = ::getpid();
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid || pid == self)
            continue;
        const QByteArray dir = "/proc/" + entry.toLatin1();
        struct stat st
        {
        };
        if (::stat(dir.constData(), &st) != 0 || st.st_uid != ::getuid())
            continue;
        QFile environ(QString::fromLatin1(dir + "/environ"));
        if (!environ.open(QIODevice::ReadOnly))
            continue;
        for (const QByteArray &var : environ.readAll().split('\0')) {
            if (!var.startsWith(key))
                continue;
            const QString found = QString::fromUtf8(var.mid(key.size()));
            if (prefix ? found.startsWith(marker) : found == marker) {
                QFile cmdline(QString::fromLatin1(dir + "/cmdline"));
                const QByteArray argv0 = cmdline.open(QIODevice::ReadOnly)
                    ? cmdline.readAll().split('\0').value(0)
                    : QByteArray();
                out << Process {pid, found, QString::fromLocal8Bit(argv0)};
            }
            break;
        }
    }
#else
    Q_UNUSED(marker);
#endif
    return out;
}

QList<RunMarker::Process> RunMarker::leftovers(const QString &installId, const QString &runId)
{
    QList<Process> out;
    if (installId.isEmpty())
        return out;
    const QString current = installId + QLatin1Char('/') + runId + QLatin1Char('/');
    for (const Process &p : find(installId + QLatin1Char('/'))) {
        if (!p.marker.startsWith(current))
            out << p;
    }
    return out;
}

QList<RunMarker::Process> RunMarker::signal(const QList<Process> &processes, int signal)
{
    QList<Process> out;
#if defined(Q_OS_UNIX)
    for (const Process &p : processes) {
        if (p.pid > 0 && ::kill(pid_t(p.pid), signal) == 0)
            out << p;
    }
#else
    Q_UNUSED(processes);
    Q_UNUSED(signal);
#endif
    return out;
}

} // namespace steward
