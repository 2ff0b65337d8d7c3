#pragma once

#include "core/Result.h"

#include <QStringList>

#include <memory>
#include <optional>

namespace steward {

// A Landlock ruleset (Linux 5.13+) confining a child to the files it is granted. Built in
// Steward, applied in the child between fork and exec (restrictSelf(), async-signal-safe), so
// a service, migration or probe starts in a domain of its own: it opens nothing else on the
// file system, and cannot ptrace or read the /proc files (environ, mem) of processes outside
// its domain, Steward and sibling services included.
class Sandbox
{
public:
    struct Rules
    {
        QStringList readExecute; // the bundle, the system (/usr, /lib*, /etc, ...)
        QStringList readWrite; // the service's data, /tmp
        QStringList readOnly; // its own secret dir
        // ABI 4+: TCP bind only to these ports (and 0, an ephemeral one).
        // Unset: bind is not restricted.
        std::optional<QList<quint16>> bindPorts;
        // ABI 4+: TCP connect only to these ports. Unset: connect is not restricted.
        std::optional<QList<quint16>> connectPorts;
        // ABI 6+: no signal to, and no abstract unix socket of, a process outside the domain.
        bool scope = true;
    };

    // The Landlock ABI the running kernel offers; 0 when it has none (or it is off).
    static int abi();
    // What the kernel's ABI lets a ruleset enforce, in words ("files, TCP bind, signals and
    // abstract sockets"); empty without Landlock.
    static QString enforced();
    // A ruleset granting `rules`; paths that do not exist are skipped. Fails where the kernel
    // has no Landlock.
    [[nodiscard]] static Result<std::shared_ptr<Sandbox>> build(const Rules &rules);
    ~Sandbox();
    Sandbox(const Sandbox &) = delete;
    Sandbox &operator=(const Sandbox &) = delete;

    int rulesetFd() const { return m_fd; }
    // In the child only: no_new_privs, then enter the ruleset's domain. False on failure (the
    // child should then _exit rather than run unconfined).
    static bool restrictSelf(int rulesetFd) noexcept;

private:
    explicit Sandbox(int fd)
        : m_fd(fd)
    { }
    int m_fd = -1;
};

} // namespace steward
