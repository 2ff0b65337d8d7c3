#include "ChildProcessGuard.h"

#include "Cgroup.h"
#include "RunMarker.h"
#include "Sandbox.h"

#include <QHash>
#include <QProcess>
#include <QVariant>

#include <memory>

#if defined(Q_OS_WIN)
#include <windows.h>
#elif defined(Q_OS_UNIX)
#include <csignal>
#include <unistd.h>
#endif
#if defined(Q_OS_LINUX)
#include <sys/prctl.h>
#endif

namespace steward {

void ChildProcessGuard::guardHelper(QProcess &process, Confinement confinement)
{
    prepare(process, Tree::Group, std::move(confinement));
    auto pid = std::make_shared<qint64>(0);
    QObject::connect(&process, &QProcess::started, &process, [&process, pid] {
        *pid = process.processId();
        adopt(process);
    });
    QObject::connect(&process, &QProcess::finished, &process, [pid] {
        release(*pid);
        *pid = 0;
    });
}

void ChildProcessGuard::stopHelper(QProcess &process)
{
    if (process.state() == QProcess::Running)
        stop(process.processId(), Stop::Hard, 0);
    else
        process.kill();
}

#if defined(Q_OS_WIN)

namespace {
QHash<qint64, HANDLE> &jobs()
{
    static QHash<qint64, HANDLE> map;
    return map;
}
} // namespace

void ChildProcessGuard::prepare(QProcess &process, Tree, Confinement)
{
    process.setCreateProcessArgumentsModifier([](QProcess::CreateProcessArguments *args) {
        // Its own console process group, so CTRL_BREAK reaches it and not Steward.
        args->flags |= CREATE_NEW_PROCESS_GROUP;
    });
}

void ChildProcessGuard::adopt(QProcess &process)
{
    HANDLE job = CreateJobObjectW(nullptr, nullptr);
    if (!job)
        return;
    JOBOBJECT_EXTENDED_LIMIT_INFORMATION info {};
    info.BasicLimitInformation.LimitFlags = JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE;
    SetInformationJobObject(job, JobObjectExtendedLimitInformation, &info, sizeof info);
    HANDLE child
        = OpenProcess(PROCESS_SET_QUOTA | PROCESS_TERMINATE, FALSE, DWORD(process.processId()));
    if (child) {
        AssignProcessToJobObject(job, child);
        CloseHandle(child);
    }
    jobs().insert(process.processId(), job);
}

void ChildProcessGuard::stop(qint64 pid, Stop how, int)
{
    if (how == Stop::Soft) {
        GenerateConsoleCtrlEvent(CTRL_BREAK_EVENT, DWORD(pid));
        return;
    }
    if (HANDLE job = jobs().value(pid))
        TerminateJobObject(job, 1);
}

void ChildProcessGuard::release(qint64 pid)
{
    if (HANDLE job = jobs().take(pid)) {
        TerminateJobObject(job, 1); // anything the service left behind
        CloseHandle(job);
    }
}

bool ChildProcessGuard::isAdopted(qint64 pid)
{
    return jobs().contains(pid);
}

#else

namespace {
const char *const MarkerProperty = "steward_tree_marker";

// What finds the rest of an adopted child's tree besides its group.
struct Adopted
{
    QString marker; // empty: none
    std::shared_ptr<Cgroup> cgroup; // null: none
};

// A child's cgroup from prepare() to adopt(), by its QProcess.
QHash<const QProcess *, std::shared_ptr<Cgroup>> &pending()
{
    static QHash<const QProcess *, std::shared_ptr<Cgroup>> map;
    return map;
}

QHash<qint64, Adopted> &adopted()
{
    static QHash<qint64, Adopted> map;
    return map;
}
} // namespace

void ChildProcessGuard::prepare(QProcess &process, Tree tree, Confinement confinement)
{
    if (tree == Tree::Marked)
        process.setProperty(MarkerProperty,
                            process.processEnvironment().value(QLatin1String(RunMarker::Variable)));
    if (confinement.cgroup) {
        pending().insert(&process, confinement.cgroup);
        QObject::connect(&process, &QObject::destroyed, [p = &process] { pending().remove(p); });
    }
#if defined(Q_OS_UNIX)
    // The modifier holds the sandbox and the cgroup, so the ruleset and cgroup.procs stay open
    // until the child has forked.
    process.setChildProcessModifier([sandbox = confinement.sandbox, cgroup = confinement.cgroup] {
        // Own process group, so a stop reaches the service's own children too.
        ::setpgid(0, 0);
#if defined(Q_OS_LINUX)
        // If Steward dies, even by SIGKILL, the kernel kills the service.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        // Into its own cgroup, before the sandbox closes the cgroup files to it for good.
        if (cgroup && ::write(cgroup->procsFd(), "0", 1) != 1) {
            static const char why[] = "steward: cannot enter the service's cgroup\n";
            (void)!::write(STDERR_FILENO, why, sizeof why - 1);
            ::_exit(126);
        }
#endif
        if (sandbox && !Sandbox::restrictSelf(sandbox->rulesetFd())) {
            static const char why[] = "steward: cannot enter the service's sandbox\n";
            (void)!::write(STDERR_FILENO, why, sizeof why - 1);
            ::_exit(126);
        }
    });
#else
    Q_UNUSED(process);
#endif
}

void ChildProcessGuard::adopt(QProcess &process)
{
    adopted().insert(process.processId(),
                     {process.property(MarkerProperty).toString(), pending().take(&process)});
}

void ChildProcessGuard::stop(qint64 pid, Stop how, int unixSignal)
{
#if defined(Q_OS_UNIX)
    if (pid <= 0)
        return;
    const int sig = how == Stop::Hard ? SIGKILL : unixSignal;
    ::kill(pid_t(-pid), sig);
    const Adopted child = adopted().value(pid);
    if (child.cgroup) {
        if (how == Stop::Hard)
            child.cgroup->kill();
        else
            child.cgroup->signal(sig);
    }
    if (!child.marker.isEmpty())
        RunMarker::signal(RunMarker::find(child.marker), sig);
#else
    Q_UNUSED(pid);
    Q_UNUSED(how);
    Q_UNUSED(unixSignal);
#endif
}

void ChildProcessGuard::release(qint64 pid)
{
    // Anything the service left behind in its group, or marked as its own, goes with it.
    stop(pid, Stop::Hard, 0);
    adopted().remove(pid);
}

bool ChildProcessGuard::isAdopted(qint64 pid)
{
    return adopted().contains(pid);
}

#endif

} // namespace steward
