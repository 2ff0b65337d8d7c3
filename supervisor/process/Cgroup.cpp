#include "Cgroup.h"

#include "SystemdScope.h"
#include "manifest/Manifest.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#if defined(Q_OS_LINUX)
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace steward {

namespace {

#if defined(Q_OS_LINUX)
QString errorText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

QByteArray readSmallFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly | QIODevice::Unbuffered) ? f.readAll() : QByteArray();
}

bool writeControl(const QString &path, const QByteArray &value)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = ::write(fd, value.constData(), size_t(value.size())) == value.size();
    ::close(fd);
    return ok;
}

bool isPopulated(const QString &dir)
{
    // "populated 1" while any process is in the cgroup or below it; zombies do not count.
    for (const QByteArray &line :
         readSmallFile(dir + QStringLiteral("/cgroup.events")).split('\n')) {
        if (line.startsWith("populated "))
            return line.endsWith('1');
    }
    return false;
}

// Waits until no process is left in `dir` or below, woken by the kernel's change of cgroup.events.
bool waitUntilEmpty(const QString &dir, int timeoutMs)
{
    if (!isPopulated(dir))
        return true;
    const int watch = ::inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (watch < 0)
        return false;
    ::inotify_add_watch(
        watch, QFile::encodeName(dir + QStringLiteral("/cgroup.events")).constData(), IN_MODIFY);
    const QDeadlineTimer deadline(timeoutMs);
    bool empty = false;
    while (!(empty = !isPopulated(dir)) && !deadline.hasExpired()) {
        pollfd p {watch, POLLIN, 0};
        if (::poll(&p, 1, int(deadline.remainingTime())) > 0) {
            char drain[4096];
            while (::read(watch, drain, sizeof drain) > 0) { }
        }
    }
    ::close(watch);
    return empty;
}

QString commandOf(qint64 pid)
{
    return QString::fromLocal8Bit(
        readSmallFile(QStringLiteral("/proc/%1/cmdline").arg(pid)).split('\0').value(0));
}

// The cgroups directly below `dir`.
QStringList childrenOf(const QString &dir)
{
    return QDir(dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot | QDir::NoSymLinks);
}

// Ends everything in `dir` and below, then removes the cgroups, deepest first.
void killAndRemove(const QString &dir, int timeoutMs)
{
    Cgroup(dir, -1).kill();
    waitUntilEmpty(dir, timeoutMs);
    for (const QString &child : childrenOf(dir))
        ::rmdir(QFile::encodeName(dir + QLatin1Char('/') + child).constData());
    ::rmdir(QFile::encodeName(dir).constData());
}
#endif

// A service id as a cgroup name: ids are letters, digits, '-' and '_' already; anything else
// (and a name the kernel keeps for itself, "cgroup.*") is spelled out in hex.
QString cgroupName(const QString &serviceId)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_-]{1,100}$"));
    if (plain.match(serviceId).hasMatch())
        return serviceId;
    return QStringLiteral("x") + QString::fromLatin1(serviceId.toUtf8().toHex().left(200));
}

} // namespace

Cgroup::Cgroup(const QString &path, int procsFd)
    : m_path(path)
    , m_procsFd(procsFd)
{ }

Cgroup::~Cgroup()
{
#if defined(Q_OS_LINUX)
    if (m_procsFd >= 0)
        ::close(m_procsFd);
#endif
}

QList<qint64> Cgroup::pidsIn(const QString &path)
{
    QList<qint64> out;
#if defined(Q_OS_LINUX)
    for (const QByteArray &line :
         readSmallFile(path + QStringLiteral("/cgroup.procs")).split('\n')) {
        if (const qint64 pid = line.trimmed().toLongLong(); pid > 0)
            out << pid;
    }
#else
    Q_UNUSED(path);
#endif
    return out;
}

QList<qint64> Cgroup::pids() const
{
    return pidsIn(m_path);
}

void Cgroup::signal(int signal) const
{
#if defined(Q_OS_LINUX)
    for (const qint64 pid : pids())
        ::kill(pid_t(pid), signal);
#else
    Q_UNUSED(signal);
#endif
}

void Cgroup::kill() const
{
#if defined(Q_OS_LINUX)
    if (writeControl(m_path + QStringLiteral("/cgroup.kill"), "1"))
        return;
    // Before Linux 5.14: every process in it and in the cgroups below (a run's, a service's
    // helpers), a few passes, since one may miss a process forked meanwhile, until a pass finds
    // nobody.
    QStringList dirs {m_path};
    for (const QString &child : childrenOf(m_path))
        dirs << m_path + QLatin1Char('/') + child;
    for (int pass = 0; pass < 8; ++pass) {
        QList<qint64> left;
        for (const QString &dir : std::as_const(dirs))
            left << pidsIn(dir);
        if (left.isEmpty())
            return;
        for (const qint64 pid : std::as_const(left))
            ::kill(pid_t(pid), SIGKILL);
    }
#endif
}

CgroupTree::CgroupTree(QString path, QString prefix, QString runName, bool baseIsRoot)
    : m_path(std::move(path))
    , m_prefix(std::move(prefix))
    , m_runName(std::move(runName))
    , m_baseIsRoot(baseIsRoot)
{ }

CgroupTree::~CgroupTree()
{
    close();
}

QString CgroupTree::ownDirectory(bool *isRoot)
{
#if defined(Q_OS_LINUX)
    QString own;
    for (const QByteArray &line : readSmallFile(QStringLiteral("/proc/self/cgroup")).split('\n')) {
        if (line.startsWith("0::"))
            own = QString::fromUtf8(line.mid(3));
    }
    if (own.isEmpty())
        return {};
    if (isRoot)
        *isRoot = own == QLatin1String("/");
    // mountinfo: id parent dev root mountpoint options ... - fstype source options
    for (const QByteArray &line :
         readSmallFile(QStringLiteral("/proc/self/mountinfo")).split('\n')) {
        const QList<QByteArray> f = line.split(' ');
        const qsizetype dash = f.indexOf("-");
        if (dash < 0 || dash + 1 >= f.size() || f.at(dash + 1) != "cgroup2" || f.size() < 5)
            continue;
        const QString root = QString::fromUtf8(f.at(3));
        QString mount = QString::fromUtf8(f.at(4));
        mount.replace(QLatin1String("\\040"), QLatin1String(" "));
        if (root == QLatin1String("/"))
            return QDir::cleanPath(mount + own);
        if (own == root || own.startsWith(root + QLatin1Char('/')))
            return QDir::cleanPath(mount + own.mid(root.size()));
    }
#endif
    return {};
}

Result<std::shared_ptr<CgroupTree>> CgroupTree::open(const QString &appName,
                                                     const QString &installId, const QString &runId,
                                                     const QString &base)
{
    using R = Result<std::shared_ptr<CgroupTree>>;
#if defined(Q_OS_LINUX)
    bool isRoot = false;
    QString dir = base.isEmpty() ? ownDirectory(&isRoot) : base;
    if (dir.isEmpty())
        return R::failure(QStringLiteral("this system has no cgroup v2 hierarchy for Steward"));
    // Systemd owns the cgroups of a session: inside one of its units only what it delegated.
    if (base.isEmpty() && !isRoot && !SystemdScope::isDelegated(dir)) {
        const Result<QString> scope = SystemdScope::enter(appName);
        if (!scope)
            return R::failure(QStringLiteral("Steward's cgroup %1 is not delegated to it, and "
                                             "systemd gave it none: %2")
                                  .arg(dir, scope.error()));
        dir = scope.value();
    }
    const QByteArray procs = QFile::encodeName(dir + QStringLiteral("/cgroup.procs"));
    if (::access(QFile::encodeName(dir).constData(), W_OK) != 0
        || ::access(procs.constData(), W_OK) != 0)
        return R::failure(
            QStringLiteral("Steward's cgroup %1 is not delegated to it (it cannot write there)")
                .arg(dir));
    const QString prefix = QStringLiteral("steward-") + installId + QLatin1Char('.');
    const QString runName = prefix + runId + QLatin1Char('.') + QString::number(::getpid());
    const QString path = dir + QLatin1Char('/') + runName;
    if (::mkdir(QFile::encodeName(path).constData(), 0755) != 0 && errno != EEXIST)
        return R::failure(
            QStringLiteral("cannot make the cgroup %1: %2").arg(path, errorText(errno)));
    return std::shared_ptr<CgroupTree>(
        new CgroupTree(path, prefix, runName, isRoot && base.isEmpty()));
#else
    Q_UNUSED(appName);
    Q_UNUSED(installId);
    Q_UNUSED(runId);
    Q_UNUSED(base);
    return R::failure(QStringLiteral("cgroups exist on Linux only"));
#endif
}

Result<std::shared_ptr<Cgroup>> CgroupTree::make(const QString &name)
{
    using R = Result<std::shared_ptr<Cgroup>>;
#if defined(Q_OS_LINUX)
    const QString path = m_path + QLatin1Char('/') + name;
    if (::mkdir(QFile::encodeName(path).constData(), 0755) != 0 && errno != EEXIST)
        return R::failure(
            QStringLiteral("cannot make the cgroup %1: %2").arg(path, errorText(errno)));
    const int fd = ::open(QFile::encodeName(path + QStringLiteral("/cgroup.procs")).constData(),
                          O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return R::failure(
            QStringLiteral("cannot open the cgroup %1: %2").arg(path, errorText(errno)));
    return std::make_shared<Cgroup>(path, fd);
#else
    Q_UNUSED(name);
    return R::failure(QStringLiteral("cgroups exist on Linux only"));
#endif
}

Status CgroupTree::enableLimits(const QList<ResourceLimits> &wanted)
{
#if defined(Q_OS_LINUX)
    QStringList needed;
    for (const ResourceLimits &l : wanted) {
        if (l.memoryMb && !needed.contains(QLatin1String("memory")))
            needed << QStringLiteral("memory");
        if (l.cpuPercent && !needed.contains(QLatin1String("cpu")))
            needed << QStringLiteral("cpu");
        if (l.pids && !needed.contains(QLatin1String("pids")))
            needed << QStringLiteral("pids");
    }
    if (needed.isEmpty())
        return {};
    const QString parent = QFileInfo(m_path).path();
    const QStringList available
        = QString::fromLatin1(readSmallFile(parent + QStringLiteral("/cgroup.controllers")))
              .simplified()
              .split(QLatin1Char(' '), Qt::SkipEmptyParts);
    QStringList missing;
    for (const QString &c : std::as_const(needed)) {
        if (!available.contains(c))
            missing << c;
    }
    if (!missing.isEmpty()) {
        m_limitsUnavailable
            = QStringLiteral("the system gives Steward's cgroup %1 no %2 controller (it has: %3)")
                  .arg(parent, missing.join(QStringLiteral(", ")),
                       available.isEmpty() ? QStringLiteral("none")
                                           : available.join(QStringLiteral(", ")));
        return Status::failure(m_limitsUnavailable);
    }
    if (!m_baseIsRoot && !m_selfInRun) {
        Result<std::shared_ptr<Cgroup>> self = make(QStringLiteral("steward"));
        if (!self || ::write(self.value()->procsFd(), "0", 1) != 1) {
            m_limitsUnavailable = QStringLiteral("Steward cannot move itself out of %1: %2")
                                      .arg(parent, self ? errorText(errno) : self.error());
            return Status::failure(m_limitsUnavailable);
        }
        m_selfInRun = true;
    }
    QByteArray enable;
    for (const QString &c : std::as_const(needed))
        enable += '+' + c.toLatin1() + ' ';
    enable.chop(1);
    for (const QString &dir : {parent, m_path}) {
        if (!writeControl(dir + QStringLiteral("/cgroup.subtree_control"), enable)) {
            m_limitsUnavailable
                = QStringLiteral("cannot hand the %1 controllers down from %2: %3")
                      .arg(needed.join(QStringLiteral(", ")), dir, errorText(errno));
            return Status::failure(m_limitsUnavailable);
        }
    }
    m_limitsUnavailable.clear();
    return {};
#else
    Q_UNUSED(wanted);
    m_limitsUnavailable = QStringLiteral("limits are set on Linux only");
    return Status::failure(m_limitsUnavailable);
#endif
}

Result<std::shared_ptr<Cgroup>> CgroupTree::service(const QString &serviceId,
                                                    const ResourceLimits &limits)
{
    using R = Result<std::shared_ptr<Cgroup>>;
    if (const std::shared_ptr<Cgroup> known = m_services.value(serviceId))
        return known;
    Result<std::shared_ptr<Cgroup>> made = make(cgroupName(serviceId));
    if (!made)
        return made;
#if defined(Q_OS_LINUX)
    if (m_limitsUnavailable.isEmpty()) {
        const QString dir = made.value()->path();
        QList<std::pair<QString, QByteArray>> settings;
        if (limits.memoryMb) {
            settings.append(
                {QStringLiteral("memory.max"), QByteArray::number(*limits.memoryMb * 1024 * 1024)});
            // An out-of-memory kill takes the whole service, not one process of it.
            settings.append({QStringLiteral("memory.oom.group"), QByteArrayLiteral("1")});
        }
        if (limits.cpuPercent)
            settings.append({QStringLiteral("cpu.max"),
                             QByteArray::number(qint64(*limits.cpuPercent) * 1000) + " 100000"});
        if (limits.pids)
            settings.append({QStringLiteral("pids.max"), QByteArray::number(*limits.pids)});
        for (const auto &[file, value] : std::as_const(settings)) {
            if (!writeControl(dir + QLatin1Char('/') + file, value))
                return R::failure(
                    QStringLiteral("cannot set its limit %1 to %2 in %3: %4")
                        .arg(file, QString::fromLatin1(value), dir, errorText(errno)));
        }
    }
#else
    Q_UNUSED(limits);
#endif
    m_services.insert(serviceId, made.value());
    return made;
}

Result<std::shared_ptr<Cgroup>> CgroupTree::helper(const QString &serviceId)
{
    sweep();
    const QString name
        = cgroupName(serviceId) + QStringLiteral(".h") + QString::number(++m_helperCount);
    Result<std::shared_ptr<Cgroup>> made = make(name);
    if (made)
        m_helpers.emplace_back(name, made.value());
    return made;
}

void CgroupTree::sweep()
{
#if defined(Q_OS_LINUX)
    std::erase_if(m_helpers, [this](const std::pair<QString, std::weak_ptr<Cgroup>> &h) {
        const QString path = m_path + QLatin1Char('/') + h.first;
        return h.second.expired() && !isPopulated(path)
            && ::rmdir(QFile::encodeName(path).constData()) == 0;
    });
#endif
}

QList<CgroupTree::Leftover> CgroupTree::stopLeftovers() const
{
    QList<Leftover> out;
#if defined(Q_OS_LINUX)
    // In a scope of its own (SystemdScope), each run of Steward has had another: those of earlier
    // runs stay while anything is left in them, and are looked through too.
    const QString own = QFileInfo(m_path).path();
    QStringList bases {own};
    const QString scope = QFileInfo(own).fileName();
    if (scope.startsWith(QLatin1String("steward-")) && scope.endsWith(QLatin1String(".scope"))) {
        const QString slice = QFileInfo(own).path();
        for (const QString &sibling : childrenOf(slice)) {
            if (sibling != scope && sibling.startsWith(QLatin1String("steward-"))
                && sibling.endsWith(QLatin1String(".scope")))
                bases << slice + QLatin1Char('/') + sibling;
        }
    }
    for (const QString &base : std::as_const(bases))
        stopLeftoversIn(base, out);
#endif
    return out;
}

void CgroupTree::stopLeftoversIn(const QString &base, QList<Leftover> &out) const
{
#if defined(Q_OS_LINUX)
    for (const QString &run : childrenOf(base)) {
        if (!run.startsWith(QLatin1String("steward-")) || run == m_runName)
            continue;
        if (!run.startsWith(m_prefix)) {
            // Another app's: left alone unless its Steward is gone and nothing is left in it.
            const pid_t owner = pid_t(run.section(QLatin1Char('.'), -1).toInt());
            const QString dir = base + QLatin1Char('/') + run;
            if (owner > 0 && ::kill(owner, 0) != 0 && errno == ESRCH && !isPopulated(dir))
                killAndRemove(dir, 0);
            continue;
        }
        const QString runDir = base + QLatin1Char('/') + run;
        for (const QString &name : childrenOf(runDir)) {
            const QString service = name.section(QStringLiteral(".h"), 0, 0);
            for (const qint64 pid : Cgroup::pidsIn(runDir + QLatin1Char('/') + name))
                out << Leftover {pid, service, commandOf(pid)};
        }
        killAndRemove(runDir, 2000);
    }
#else
    Q_UNUSED(base);
    Q_UNUSED(out);
#endif
}

void CgroupTree::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_services.clear();
    m_helpers.clear();
#if defined(Q_OS_LINUX)
    if (!m_selfInRun)
        return killAndRemove(m_path, 2000);
    // Steward is in <run>/steward: everything else ends; the run itself goes with systemd's
    // scope, or at the next start.
    for (const QString &child : childrenOf(m_path)) {
        if (child != QLatin1String("steward"))
            killAndRemove(m_path + QLatin1Char('/') + child, 2000);
    }
#endif
}

} // namespace steward
