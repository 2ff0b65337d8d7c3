#include "ProcessHardening.h"

#include <QtGlobal>

#include <cerrno>
#include <cstring>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif
#if defined(Q_OS_LINUX)
#include <sys/prctl.h>
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
