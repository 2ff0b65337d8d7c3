#pragma once

#include "core/Result.h"

#include <QHash>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace steward {

struct ResourceLimits;

// A cgroup (v2) Steward made for one service or one helper (migration, command probe). The child
// joins it between fork and exec, through a descriptor opened here; whatever it forks then stays
// in it, whatever group, session or environment it takes, and one write to cgroup.kill ends them
// all. A sandboxed process cannot leave it: Landlock gives it no write access to the cgroup files.
class Cgroup
{
public:
    Cgroup(const QString &path, int procsFd);
    ~Cgroup();
    Cgroup(const Cgroup &) = delete;
    Cgroup &operator=(const Cgroup &) = delete;

    QString path() const { return m_path; }
    // Open for writing; the child writes "0" to it to move itself in (async-signal-safe).
    int procsFd() const { return m_procsFd; }
    // The processes in it now.
    QList<qint64> pids() const;
    // Sends `signal` to every process in it.
    void signal(int signal) const;
    // Ends every process in it and below at once (cgroup.kill; SIGKILL to each where the kernel
    // is older than 5.14).
    void kill() const;

    // The processes in the cgroup at `path`; empty when it cannot be read.
    static QList<qint64> pidsIn(const QString &path);

private:
    QString m_path;
    int m_procsFd = -1;
};

// The cgroups of one run of Steward, in a cgroup v2 directory Steward may manage: its own cgroup
// when that is the root of the hierarchy (root, a container) or systemd delegated it; otherwise a
// delegated scope Steward asks the user's systemd for (SystemdScope):
//   <Steward's cgroup>/steward-<install id>.<run id>.<pid>/<service>       a service, across
//   restarts <Steward's cgroup>/steward-<install id>.<run id>.<pid>/<service>.h<n>  one migration
//   or probe
// Linux only; elsewhere, and where no such directory is writable, open() says why and services
// are kept by their process group and run marker alone.
class CgroupTree
{
public:
    ~CgroupTree();
    CgroupTree(const CgroupTree &) = delete;
    CgroupTree &operator=(const CgroupTree &) = delete;

    // Makes the run's cgroup under `base`, by default the cgroup Steward may manage (above).
    static Result<std::shared_ptr<CgroupTree>> open(const QString &appName,
                                                    const QString &installId, const QString &runId,
                                                    const QString &base = {});
    // Steward's own cgroup v2 directory (from /proc/self/cgroup and the cgroup2 mount), or empty;
    // `isRoot` tells whether it is the root of the hierarchy as Steward sees it.
    static QString ownDirectory(bool *isRoot = nullptr);

    QString path() const { return m_path; }
    // Makes the memory, cpu and pids controllers (those `limits` need) available to the
    // services' cgroups. Outside the hierarchy's root, Steward first moves itself into a cgroup
    // of its own in the run ("steward"), since the kernel lets a cgroup either hold processes or
    // hand controllers down. Says why not when they cannot be had; later calls of service() then
    // leave limits unset.
    Status enableLimits(const QList<ResourceLimits> &wanted);
    // Why limits are not set here (empty: they are).
    QString limitsUnavailable() const { return m_limitsUnavailable; }
    // The service's cgroup, made at the first call and kept for its restarts, with `limits` set
    // on it where enableLimits() succeeded; a limit the kernel refuses fails the call.
    Result<std::shared_ptr<Cgroup>> service(const QString &serviceId, const ResourceLimits &limits);
    // A fresh cgroup for one helper of the service; removed once the helper has ended and every
    // handle to it is gone.
    Result<std::shared_ptr<Cgroup>> helper(const QString &serviceId);

    struct Leftover
    {
        qint64 pid = 0;
        QString service;
        QString command; // the first word of its command line
    };
    // Ends what earlier runs of this install left in their cgroups (a Steward killed with
    // SIGKILL cannot stop them), removes those cgroups, and says what was there. Also removes
    // the empty cgroups other apps' killed runs left (whose Steward is gone).
    QList<Leftover> stopLeftovers() const;
    // Ends every process of the run and removes its cgroups (at exit). What is still dying after
    // a short wait is left for the next start's stopLeftovers().
    void close();

private:
    CgroupTree(QString path, QString prefix, QString runName, bool baseIsRoot);
    Result<std::shared_ptr<Cgroup>> make(const QString &name);
    // stopLeftovers() in one directory that holds run cgroups.
    void stopLeftoversIn(const QString &base, QList<Leftover> &out) const;
    // Removes the helper cgroups nobody holds any more that have emptied.
    void sweep();

    QString m_path;
    QString m_prefix; // "steward-<install id>.": the run directories of this install
    QString m_runName;
    QHash<QString, std::shared_ptr<Cgroup>> m_services;
    std::vector<std::pair<QString, std::weak_ptr<Cgroup>>> m_helpers;
    quint64 m_helperCount = 0;
    bool m_closed = false;
    bool m_baseIsRoot = false; // the run's parent is the hierarchy's root
    bool m_selfInRun = false; // Steward moved itself into <run>/steward (enableLimits)
    QString m_limitsUnavailable = QStringLiteral("no service asked for limits");
};

} // namespace steward
