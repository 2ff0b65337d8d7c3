#pragma once

#include "core/Result.h"

namespace steward {

// What Steward does to itself at start so that the processes it runs, which are the same user,
// cannot take what it holds or escape it.
class ProcessHardening
{
public:
    // Not dumpable and no core file: Steward's memory holds every secret, and a dumpable
    // process's /proc/<pid>/mem and /environ are open to any process of the same user (ptrace
    // rules). Call first in main(), before any secret is read. Children are dumpable again
    // after their exec, so services are unaffected. A third layer for a Steward run as root
    // (which may raise its core limit again): its coredump_filter leaves every anonymous
    // mapping (heap, stacks, the buffers secrets are in) out of any dump. Children inherit the
    // filter and the core limit of 0.
    [[nodiscard]] static Status protectSelf();
    // Orphans of the services (a daemonised grandchild) become Steward's children rather than
    // init's, so nothing of a service's tree leaves Steward's sight (Linux only).
    [[nodiscard]] static Status becomeSubreaper();
};

} // namespace steward
