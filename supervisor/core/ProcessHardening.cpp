#include "ProcessHardening.h"

#include <QtGlobal>

#include <cerrno>
#include <cstring>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif
#if defined(Q_OS_LINUX)
#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>
#endif

namespace steward {

namespace {

Status fromErrno(const char *what)
{
    return Status::failure(
        QStringLiteral("%1: %2").arg(QLatin1String(what), QString::fromLocal8Bit(strerror(errno))));
}

} // namespace

Status ProcessHardening::protectSelf()
{
#if defined(Q_OS_UNIX)
    const rlimit noCore {0, 0};
    if (::setrlimit(RLIMIT_CORE, &noCore) != 0)
        return fromErrno("cannot turn core dumps off");
#endif
#if defined(Q_OS_LINUX)
    // Before PR_SET_DUMPABLE: a process that is not dumpable no longer owns its /proc files.
    if (const int fd = ::open("/proc/self/coredump_filter", O_WRONLY | O_CLOEXEC); fd >= 0) {
        const bool written = ::write(fd, "0", 1) == 1;
        ::close(fd);
        if (!written)
            return fromErrno("cannot leave memory out of core dumps");
    } else if (errno != ENOENT) { // no /proc: the core limit and PR_SET_DUMPABLE still hold
        return fromErrno("cannot leave memory out of core dumps");
    }
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        return fromErrno("cannot make steward not dumpable");
#endif
    return {};
}

Status ProcessHardening::becomeSubreaper()
{
#if defined(Q_OS_LINUX)
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0)
        return fromErrno("cannot become a child subreaper");
#endif
    return {};
}

} // namespace steward
