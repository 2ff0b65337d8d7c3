#include "AppRegistry.h"

#include "AtomicFile.h"
#include "SafeFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStandardPaths>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace steward {

namespace {

bool alive(qint64 pid)
{
    return pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno == EPERM);
}

// When `pid` started, in clock ticks since boot (field 22 of /proc/<pid>/stat), so that a pid
// the kernel gave to another process later is not taken for the Steward that wrote the entry.
// Empty where there is no /proc.
QByteArray startTimeOf(qint64 pid)
{
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray line = f.readAll();
    // After "pid (comm) ": field 3 (state) is the first; the start time is field 22.
    const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 19 ? fields.at(19) : QByteArray();
}

struct Read
{
    AppRegistry::Entry entry;
    QByteArray startTime;
};

std::optional<Read> readEntry(const QString &file)
{
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly) || f.size() > 64 * 1024)
        return std::nullopt;
    const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
    Read r {{o.value(QLatin1String("app")).toString(),
             o.value(QLatin1String("app_data")).toString(),
             o.value(QLatin1String("port_file")).toString(),
             qint64(o.value(QLatin1String("pid")).toDouble())},
            o.value(QLatin1String("start_time")).toString().toLatin1()};
    if (r.entry.pid <= 0 || r.entry.app.isEmpty() || r.entry.appData.isEmpty())
        return std::nullopt;
    return r;
}

bool live(const Read &r)
{
    return alive(r.entry.pid) && r.startTime == startTimeOf(r.entry.pid);
}

QStringList entryFiles(const QString &dir)
{
    QStringList files;
    const QDir d(dir);
    for (const QString &name : d.entryList({QStringLiteral("*.json")}, QDir::Files))
        files << d.filePath(name);
    return files;
}

} // namespace

QString AppRegistry::directory()
{
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    if (!runtime.isEmpty() && QDir::isAbsolutePath(runtime))
        return runtime + QStringLiteral("/steward");
    // Not /tmp, which every sandboxed service may write: the user's cache folder, of which a
    // service is granted only $XDG_CACHE_HOME/<app>.
    return QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
        + QStringLiteral("/.steward/running");
}

Result<QString> AppRegistry::add(const Entry &entry, const QString &dir)
{
    if (Status st = AtomicFile::ensureDirectory(dir, 0700); !st)
        return Result<QString>::failure(st.error());
    for (const QString &file : entryFiles(dir)) {
        const std::optional<Read> r = readEntry(file);
        if (!r || !live(*r))
            QFile::remove(file);
    }
    const QJsonObject o {
        {QLatin1String("app"), entry.app},
        {QLatin1String("app_data"), QDir(entry.appData).absolutePath()},
        {QLatin1String("port_file"), entry.portFile},
        {QLatin1String("pid"), double(entry.pid)},
        {QLatin1String("start_time"), QString::fromLatin1(startTimeOf(entry.pid))}};
    const QString file = QDir(dir).filePath(QStringLiteral("%1.json").arg(entry.pid));
    if (Status st = AtomicFile::write(file, QJsonDocument(o).toJson(), 0600); !st)
        return Result<QString>::failure(st.error());
    return file;
}

void AppRegistry::remove(const QString &entryFile)
{
    if (!entryFile.isEmpty())
        QFile::remove(entryFile);
}

QList<AppRegistry::Entry> AppRegistry::running(const QString &dir)
{
    // Only a registry that is the user's own and closed to others is believed: another user
    // could otherwise point stewardctl at a port of theirs.
    if (!QFileInfo(dir).isDir() || !SafeFile::checkDirectory(dir))
        return {};
    QList<Entry> out;
    for (const QString &file : entryFiles(dir)) {
        if (const std::optional<Read> r = readEntry(file); r && live(*r))
            out << r->entry;
    }
    std::sort(out.begin(), out.end(), [](const Entry &a, const Entry &b) { return a.pid < b.pid; });
    return out;
}

} // namespace steward
