#include "Sandbox.h"

#include <QFile>

#include <cerrno>
#include <cstring>

#if defined(Q_OS_LINUX)
#include <fcntl.h>
#include <linux/landlock.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace steward {

#if defined(Q_OS_LINUX)

namespace {

constexpr __u64 Read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
constexpr __u64 Execute = LANDLOCK_ACCESS_FS_EXECUTE;
constexpr __u64 Write = LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_REMOVE_DIR
    | LANDLOCK_ACCESS_FS_REMOVE_FILE | LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR
    | LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO
    | LANDLOCK_ACCESS_FS_MAKE_BLOCK | LANDLOCK_ACCESS_FS_MAKE_SYM;
constexpr __u64 Refer = LANDLOCK_ACCESS_FS_REFER; // ABI 2: rename and link across dirs
// Later ABIs, which Debian 12's kernel headers do not have yet (the kernel's ABI is stable).
constexpr __u64 Truncate = 1ULL << 14; // ABI 3: LANDLOCK_ACCESS_FS_TRUNCATE
constexpr __u64 BindTcp = 1ULL << 0; // ABI 4: LANDLOCK_ACCESS_NET_BIND_TCP
constexpr __u64 ConnectTcp = 1ULL << 1; // ABI 4: LANDLOCK_ACCESS_NET_CONNECT_TCP
constexpr int RuleNetPort = 2; // ABI 4: LANDLOCK_RULE_NET_PORT
constexpr __u64 ScopeAbstractUnixSocket = 1ULL << 0; // ABI 6
constexpr __u64 ScopeSignal = 1ULL << 1; // ABI 6

struct RulesetAttr // landlock_ruleset_attr as of ABI 6
{
    __u64 handledAccessFs = 0;
    __u64 handledAccessNet = 0;
    __u64 scoped = 0;
};

struct NetPortAttr // landlock_net_port_attr
{
    __u64 allowedAccess = 0;
    __u64 port = 0;
};

// A file (not a directory) may only get the rights that apply to files.
constexpr __u64 FileRights = LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE
    | LANDLOCK_ACCESS_FS_READ_FILE | Truncate;

QString errnoText()
{
    return QString::fromLocal8Bit(strerror(errno));
}

} // namespace

int Sandbox::abi()
{
    static const int version = [] {
        const long v
            = ::syscall(__NR_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
        return v < 0 ? 0 : int(v);
    }();
    return version;
}

QString Sandbox::enforced()
{
    const int version = abi();
    if (version < 1)
        return {};
    QStringList what {QStringLiteral("files")};
    if (version >= 4)
        what << QStringLiteral("TCP ports");
    if (version >= 6)
        what << QStringLiteral("signals and abstract sockets");
    return what.join(QStringLiteral(", "));
}

Result<std::shared_ptr<Sandbox>> Sandbox::build(const Rules &rules)
{
    using R = Result<std::shared_ptr<Sandbox>>;
    const int version = abi();
    if (version < 1)
        return R::failure(QStringLiteral("this kernel has no Landlock"));
    const __u64 handled
        = Read | Execute | Write | (version >= 2 ? Refer : 0) | (version >= 3 ? Truncate : 0);
    RulesetAttr attr;
    attr.handledAccessFs = handled;
    const bool limitBind = version >= 4 && rules.bindPorts.has_value();
    const bool limitConnect = version >= 4 && rules.connectPorts.has_value();
    attr.handledAccessNet = (limitBind ? BindTcp : 0) | (limitConnect ? ConnectTcp : 0);
    if (version >= 6 && rules.scope)
        attr.scoped = ScopeAbstractUnixSocket | ScopeSignal;
    // An older kernel takes only the fields it knows.
    const size_t size = version >= 6 ? sizeof attr
        : version >= 4               ? 2 * sizeof(__u64)
                                     : sizeof(__u64);
    const int fd = int(::syscall(__NR_landlock_create_ruleset, &attr, size, 0));
    if (fd < 0)
        return R::failure(QStringLiteral("cannot create a Landlock ruleset: %1").arg(errnoText()));
    std::shared_ptr<Sandbox> sandbox(new Sandbox(fd));
    auto grant = [&](const QStringList &paths, __u64 access) -> Status {
        for (const QString &path : paths) {
            const int at = ::open(QFile::encodeName(path).constData(), O_PATH | O_CLOEXEC);
            if (at < 0)
                continue; // absent on this system (/lib32, say)
            struct stat st
            {
            };
            const bool dir = ::fstat(at, &st) == 0 && S_ISDIR(st.st_mode);
            landlock_path_beneath_attr rule {};
            rule.allowed_access = (dir ? access : (access & FileRights)) & handled;
            rule.parent_fd = at;
            const long rc
                = ::syscall(__NR_landlock_add_rule, fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
            ::close(at);
            if (rc != 0)
                return Status::failure(
                    QStringLiteral("cannot grant %1 in the sandbox: %2").arg(path, errnoText()));
        }
        return {};
    };
    for (const auto &[paths, access] :
         {std::pair {&rules.readExecute, Read | Execute}, std::pair {&rules.readOnly, Read},
          std::pair {&rules.readWrite, Read | Write | Refer | Truncate}}) {
        if (Status st = grant(*paths, access); !st)
            return R::failure(st.error());
    }
    auto allowPorts = [&](const QList<quint16> &ports, __u64 access) -> Status {
        for (const quint16 port : ports) {
            NetPortAttr rule;
            rule.allowedAccess = access;
            rule.port = port;
            if (::syscall(__NR_landlock_add_rule, fd, RuleNetPort, &rule, 0) != 0)
                return Status::failure(QStringLiteral("cannot allow port %1 in the sandbox: %2")
                                           .arg(port)
                                           .arg(errnoText()));
        }
        return {};
    };
    // Port 0 for bind: an ephemeral port, with which no other process's port can be taken.
    if (Status st
        = limitBind ? allowPorts(QList<quint16>(*rules.bindPorts) << 0, BindTcp) : Status();
        !st)
        return R::failure(st.error());
    if (Status st = limitConnect ? allowPorts(*rules.connectPorts, ConnectTcp) : Status(); !st)
        return R::failure(st.error());
    return sandbox;
}

Sandbox::~Sandbox()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool Sandbox::restrictSelf(int rulesetFd) noexcept
{
    // Both are plain system calls: safe between fork and exec.
    if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
        return false;
    return ::syscall(__NR_landlock_restrict_self, rulesetFd, 0) == 0;
}

#else

int Sandbox::abi()
{
    return 0;
}

QString Sandbox::enforced()
{
    return {};
}

Result<std::shared_ptr<Sandbox>> Sandbox::build(const Rules &)
{
    return Result<std::shared_ptr<Sandbox>>::failure(QStringLiteral("no sandbox on this system"));
}

Sandbox::~Sandbox() { }

bool Sandbox::restrictSelf(int) noexcept
{
    return false;
}

#endif

} // namespace steward
