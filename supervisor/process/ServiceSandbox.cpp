#include "ServiceSandbox.h"

#include "core/AtomicFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <algorithm>

namespace steward {

namespace {

QString resolve(const SandboxSpec::Grant &grant, const ServiceSandbox::Paths &paths)
{
    const QString &root = grant.root == SandboxSpec::Root::Bundle ? paths.bundleRoot
        : grant.root == SandboxSpec::Root::AppData                ? paths.appData
                                                                  : paths.home;
    return grant.relative.isEmpty() ? root
                                    : QDir::cleanPath(root + QLatin1Char('/') + grant.relative);
}

bool isUnder(const QString &path, const QString &dir)
{
    return path == dir || path.startsWith(dir + QLatin1Char('/'));
}

} // namespace

Sandbox::Rules ServiceSandbox::rules(const ServiceSpec &service, const Paths &paths)
{
    Sandbox::Rules rules;
    // The system: programs, libraries, configuration, and what runtimes read of the kernel.
    rules.readExecute
        = {QStringLiteral("/usr"),    QStringLiteral("/bin"),   QStringLiteral("/sbin"),
           QStringLiteral("/lib"),    QStringLiteral("/lib32"), QStringLiteral("/lib64"),
           QStringLiteral("/libx32"), QStringLiteral("/etc"),   QStringLiteral("/opt"),
           QStringLiteral("/proc"),   QStringLiteral("/sys"),   QStringLiteral("/nix/store"),
           paths.bundleRoot};
    // Where /etc/resolv.conf points on systemd and resolvconf systems: name lookups.
    rules.readOnly = {QStringLiteral("/run/systemd/resolve"), QStringLiteral("/run/resolvconf"),
                      QStringLiteral("/dev/urandom"), QStringLiteral("/dev/random")};
    rules.readWrite = {QStringLiteral("/dev/null"),
                       QStringLiteral("/dev/zero"),
                       QStringLiteral("/dev/full"),
                       QStringLiteral("/dev/tty"),
                       QStringLiteral("/dev/pts"),
                       QStringLiteral("/dev/ptmx"),
                       QStringLiteral("/dev/shm"),
                       QStringLiteral("/tmp"),
                       QStringLiteral("/var/tmp"),
                       paths.appData,
                       paths.configDir,
                       paths.cacheDir};
    // A program outside all of that (a test build tree, ~/bin): itself, and nothing beside it.
    if (!paths.program.isEmpty()
        && !std::any_of(rules.readExecute.cbegin(), rules.readExecute.cend(),
                        [&](const QString &d) { return isUnder(paths.program, d); }))
        rules.readExecute << paths.program;
    // A log_dir outside the app data dir (an absolute one, as the reference allows).
    if (const QString logDir = QFileInfo(paths.logFile).absolutePath();
        !paths.logFile.isEmpty() && !isUnder(logDir, paths.appData))
        rules.readWrite << logDir;
    if (!paths.secretDir.isEmpty())
        rules.readOnly << paths.secretDir;
    for (const SandboxSpec::Grant &g : service.sandbox.read)
        rules.readExecute << resolve(g, paths);
    for (const SandboxSpec::Grant &g : service.sandbox.write)
        rules.readWrite << resolve(g, paths);
    rules.bindPorts = paths.ports;
    if (service.sandbox.connect)
        rules.connectPorts = *service.sandbox.connect + paths.bundlePorts;
    rules.scope = true;
    return rules;
}

Result<std::shared_ptr<Sandbox>> ServiceSandbox::build(const ServiceSpec &service,
                                                       const Paths &paths)
{
    if (service.sandbox.mode == SandboxSpec::Mode::Off || Sandbox::abi() < 1)
        return std::shared_ptr<Sandbox>();
    // Landlock grants what exists: the service's own folders are made before it starts.
    for (const QString &dir : {paths.configDir, paths.cacheDir}) {
        if (!dir.isEmpty())
            (void)AtomicFile::ensureDirectory(dir, 0700);
    }
    return Sandbox::build(rules(service, paths));
}

ServiceSandbox::Paths ServiceSandbox::userPaths(const QString &appName)
{
    Paths p;
    p.home = QDir::homePath();
    p.configDir = QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QLatin1Char('/') + appName;
    p.cacheDir = QStandardPaths::writableLocation(QStandardPaths::GenericCacheLocation)
        + QLatin1Char('/') + appName;
    return p;
}

ServiceSandbox::Report ServiceSandbox::report(const Manifest &manifest)
{
    auto tr = [](const char *text) {
        return QCoreApplication::translate("steward::ServiceSandbox", text);
    };
    Report r;
    r.abi = Sandbox::abi();
    r.enforced = Sandbox::enforced();
    for (const ServiceSpec &s : manifest.services) {
        if (s.sandbox.mode == SandboxSpec::Mode::Off && s.type != ServiceSpec::Type::UiBundle)
            r.unconfined << s.id;
    }
    if (r.abi < 1) {
        r.message = tr("services are not isolated from each other on this system (the kernel "
                       "has no Landlock): one can read another's secrets and Steward's admin "
                       "token (docs/security.md).");
    } else if (!r.unconfined.isEmpty()) {
        r.message = tr("services are not isolated from each other: these run without a sandbox "
                       "(\"sandbox\": \"off\") and can read the other services' secrets and "
                       "Steward's admin token (docs/security.md): %1.")
                        .arg(r.unconfined.join(QStringLiteral(", ")));
    } else {
        r.isolated = true;
        r.message = tr("each service runs in a sandbox of its own (Landlock ABI %1: %2).")
                        .arg(r.abi)
                        .arg(r.enforced);
    }
    return r;
}

} // namespace steward
