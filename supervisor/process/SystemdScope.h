#pragma once

#include "core/Result.h"

#include <QString>

namespace steward {

// Asks the user's systemd, over the session bus, for a cgroup Steward may manage itself: a
// transient scope unit with Delegate=yes holding Steward's own process, as desktop launchers and
// container runtimes do. Systemd owns every cgroup of the session and expects no one else to make
// cgroups inside its units unless it delegated them; this is how Steward gets one.
class SystemdScope
{
public:
    // The unit Steward asks for: steward-<app>-<pid>.scope (app: letters, digits, - and _).
    static QString unitName(const QString &appName);
    // Moves Steward into a new delegated scope and returns the scope's cgroup directory, once
    // the kernel shows Steward in it (within `timeoutMs`), or says why not.
    static Result<QString> enter(const QString &appName, int timeoutMs = 3000);
    // Whether systemd delegated the cgroup directory `dir` (its user.delegate or
    // trusted.delegate attribute).
    static bool isDelegated(const QString &dir);
};

} // namespace steward
