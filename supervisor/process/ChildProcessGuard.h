#pragma once

#include <QtGlobal>

#include <memory>

class QProcess;

namespace steward {

class Cgroup;
class Sandbox;

// Where a child of a service is kept besides its process group; either may be absent.
struct Confinement
{
    std::shared_ptr<Sandbox> sandbox; // its own Landlock domain (ServiceSandbox)
    std::shared_ptr<Cgroup> cgroup; // its own cgroup (CgroupTree)
};

// Keeps a service's whole process tree tied to the service and to Steward.
// Linux/Unix: the child leads its own process group and gets SIGKILL when Steward dies
// (PR_SET_PDEATHSIG); stops and kills go to the whole group and, for a service, to every process
// carrying its run marker (RunMarker), which finds what left the group (setsid, daemons). Where
// Steward has cgroups (CgroupTree), the child joins its own before exec and stops reach every
// process in it: nothing it forks can leave, whatever group, session or environment it takes.
// Windows: each child is put in its own Job Object with kill-on-close, so the tree dies with
// Steward's handle; a soft stop is CTRL_BREAK to the child's console process group.
class ChildProcessGuard
{
public:
    enum class Stop { Soft, Hard };
    // Group: the process group only (migrations, probes: they share the service's marker).
    // Marked: also every process carrying the run marker of the process's environment.
    enum class Tree { Group, Marked };

    // Call before QProcess::start(), after its environment is set. The child joins its cgroup
    // and enters its Landlock domain before exec, or exits with 126 saying why: it never runs
    // unconfined by accident.
    static void prepare(QProcess &process, Tree tree, Confinement confinement = {});
    // For a helper of a service (migration, command probe): prepare(Group) now, adopt once
    // started, release once finished, all by itself. Stop it with stopHelper().
    static void guardHelper(QProcess &process, Confinement confinement = {});
    static void stopHelper(QProcess &process);
    // Call once the process has started.
    static void adopt(QProcess &process);
    // Sends the stop (a Unix signal number for Soft, ignored on Windows) to the process tree.
    static void stop(qint64 pid, Stop how, int unixSignal);
    // Forgets a process that has ended (releases its job on Windows).
    static void release(qint64 pid);
    // Whether pid is a child Steward started and has not released.
    static bool isAdopted(qint64 pid);
};

} // namespace steward
