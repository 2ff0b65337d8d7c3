#pragma once

// What this machine lets Steward do with cgroups, told from the test's own cgroup, which a
// Steward the test starts inherits: the expectations of the cgroup and limits tests.

#include "process/Cgroup.h"

#include <QFile>
#include <QStringList>

#include <unistd.h>

namespace steward::test {

// Whether Steward may make cgroups here: its cgroup v2 directory is writable (root, a container).
inline bool cgroupsHere()
{
    const QString own = CgroupTree::ownDirectory();
    return !own.isEmpty()
        && ::access(QFile::encodeName(own + QStringLiteral("/cgroup.procs")).constData(), W_OK)
        == 0;
}

// Whether a service's limits are set here: cgroups, and these controllers in Steward's cgroup.
inline bool limitsHere(const QStringList &controllers)
{
    if (!cgroupsHere())
        return false;
    QFile f(CgroupTree::ownDirectory() + QStringLiteral("/cgroup.controllers"));
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QStringList available
        = QString::fromLatin1(f.readAll()).simplified().split(QLatin1Char(' '));
    for (const QString &c : controllers) {
        if (!available.contains(c))
            return false;
    }
    return true;
}

} // namespace steward::test
