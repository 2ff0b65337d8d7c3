#include "ChildProcessGuard.h"

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

void ChildProcessGuard::guardHelper(QProcess &process, std::shared_ptr<Sandbox> sandbox)
{
    prepare(process, Tree::Group, std::move(sandbox));
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

void ChildProcessGuard::prepare(QProcess &process, Tree, std::shared_ptr<Sandbox>)
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

// Adopted children and the run marker that finds the rest of their tree (empty: group only).
QHash<qint64, QString> &adopted()
{
    static QHash<qint64, QString> map;
    return map;
}
} // namespace

void ChildProcessGuard::prepare(QProcess &process, Tree tree, std::shared_ptr<Sandbox> sandbox)
{
    if (tree == Tree::Marked)
        process.setProperty(MarkerProperty,
                            process.processEnvironment().value(QLatin1String(RunMarker::Variable)));
#if defined(Q_OS_UNIX)
    // The modifier holds the sandbox, so its ruleset stays open until the child has forked.
    process.setChildProcessModifier([sandbox] {
        // Own process group, so a stop reaches the service's own children too.
        ::setpgid(0, 0);
#if defined(Q_OS_LINUX)
        // If Steward dies, even by SIGKILL, the kernel kills the service.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
        if (sandbox && !Sandbox::restrictSelf(sandbox->rulesetFd())) {
            static const char why[] = "steward: cannot enter the service's sandbox\n";
            (void)!::write(STDERR_FILENO, why, sizeof why - 1);
            ::_exit(126);
        }
    });
#else
    Q_UNUSED(process);
    Q_UNUSED(sandbox);
#endif
}

void ChildProcessGuard::adopt(QProcess &process)
{
    adopted().insert(process.processId(), process.property(MarkerProperty).toString());
}

void ChildProcessGuard::stop(qint64 pid, Stop how, int unixSignal)
{
#if defined(Q_OS_UNIX)
    if (pid <= 0)
        return;
    const int sig = how == Stop::Hard ? SIGKILL : unixSignal;
    ::kill(pid_t(-pid), sig);
    if (const QString marker = adopted().value(pid); !marker.isEmpty())
        RunMarker::signal(RunMarker::find(marker), sig);
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
