#include "Cgroup.h"
#include "ChildProcessGuard.h"
#include "ManagedService.h"
#include "ManagedServiceParts.h"
#include "ServiceEnvironment.h"
#include "ServiceSandbox.h"
#include "core/AtomicFile.h"
#include "secrets/SecretInjector.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QUrl>

namespace steward {

using detail::logFilePath;

namespace {

// What stopped `dir` from being made, when it can be told: the nearest path above it that exists
// is not a directory, or cannot be written to.
QString obstacleTo(const QString &dir)
{
    QFileInfo at(dir);
    while (!at.exists() && !at.isRoot())
        at = QFileInfo(at.absolutePath());
    if (!at.exists())
        return {};
    if (!at.isDir())
        return QStringLiteral("%1 is not a directory").arg(at.filePath());
    if (at.filePath() != dir && !at.isWritable())
        return QStringLiteral("%1 is not writable").arg(at.filePath());
    return {};
}

} // namespace

QString ManagedService::resolveCommand(const QString &program, const QProcessEnvironment &env) const
{
    // As in the reference runtime, a relative program is looked for in the bundle root. Steward
    // also looks beside the service's binary (where its own earlier versions looked), then in
    // the service's PATH (bundle bin/ and cli/ first), for a bare name such as "python3".
    if (program.isEmpty() || QDir::isAbsolutePath(program))
        return program;
    const QString root = m_ctx.manifest->bundleRoot;
    QStringList candidates {QDir(root).absoluteFilePath(program)};
    if (const Binary *binary = m_spec.binaryFor(m_ctx.platform))
        candidates
            << QFileInfo(QDir(root).absoluteFilePath(binary->path)).dir().absoluteFilePath(program);
    for (const QString &c : std::as_const(candidates)) {
        const QFileInfo info(c);
        if (info.isFile() && info.isExecutable())
            return QDir::cleanPath(c);
    }
    if (!program.contains(QLatin1Char('/'))) {
        const QString found = QStandardPaths::findExecutable(
            program,
            env.value(QStringLiteral("PATH")).split(QDir::listSeparator(), Qt::SkipEmptyParts));
        if (!found.isEmpty())
            return found;
    }
    return QDir::cleanPath(candidates.first());
}

Result<ManagedService::LaunchPlan> ManagedService::launchPlan()
{
    using R = Result<LaunchPlan>;
    const Manifest &m = *m_ctx.manifest;
    const Binary *binary = m_spec.binaryFor(m_ctx.platform);
    if (!binary)
        return R::failure(
            m_spec.binaries.isEmpty()
                ? QStringLiteral("the manifest names no binary for this service")
                : QStringLiteral("the manifest has no binary for %1 (it has: %2)")
                      .arg(m_ctx.platform, m_spec.binaries.keys().join(QStringLiteral(", "))));
    const TemplateRenderer templates(m_ctx.templates);
    const QDir root(m.bundleRoot);
    LaunchPlan plan;
    // The reference runtime runs a service in the bundle root (or binary.cwd, relative to it),
    // so relative args such as "services/db.py" are found there.
    plan.workingDir = root.absolutePath();
    if (!binary->cwd.isEmpty()) {
        // A token that cannot be filled in would stay in the path as written: the service would
        // be sent to a directory that does not exist.
        if (const QStringList unknown = templates.unresolved(binary->cwd); !unknown.isEmpty())
            return R::failure(
                QStringLiteral("its working directory (binary cwd %1) names ${%2}, which Steward "
                               "cannot fill in")
                    .arg(binary->cwd, unknown.join(QStringLiteral("}, ${"))));
        plan.workingDir = QDir::cleanPath(root.absoluteFilePath(templates.render(binary->cwd)));
    }
    for (const QString &a : binary->args)
        plan.args << templates.render(a);
    for (const QString &d : m_spec.dataDirs) {
        const QString dir = QDir(m_ctx.appData).absoluteFilePath(d);
        if (Status st = AtomicFile::ensureDirectory(dir, 0700); !st) {
            const QString obstacle = obstacleTo(dir);
            return R::failure(QStringLiteral("cannot prepare its data directory %1: %2")
                                  .arg(dir, obstacle.isEmpty() ? st.error() : obstacle));
        }
    }
    const Result<QMap<QString, QString>> secretVars
        = m_ctx.injector->prepare(m, m_spec, *m_ctx.keeper);
    if (!secretVars)
        return R::failure(secretVars.error());
    ServiceEnvironment::Layers layers;
    const bool gpu = m_gpuAvailable;
    layers.base = {
        {QStringLiteral("APP_DATA_DIR"), m_ctx.appData},
        {QStringLiteral("BUNDLE_ROOT"), m.bundleRoot},
        {QStringLiteral("BUNDLE_GPU_AVAILABLE"),
         gpu ? QStringLiteral("true") : QStringLiteral("false")},
        {QStringLiteral("BUNDLE_GPU_MODE"), gpu ? QStringLiteral("gpu") : QStringLiteral("cpu")},
        {QStringLiteral("VROOLI_API_SKIP_STALE_CHECK"), QStringLiteral("true")},
    };
    if (m_ctx.stewardVariables)
        layers.steward = m_ctx.stewardVariables(m_spec.id);
    if (m_spec.gpu != GpuRequirement::None)
        layers.steward.insert(QStringLiteral("STEWARD_GPU"),
                              gpu ? QStringLiteral("1") : QStringLiteral("0"));
    if (ServiceEnvironment::usesPlaywright(m_spec, binary)) {
        if (const int port = playwrightDriverPort(); port > 0) {
            layers.steward.insert(QStringLiteral("PLAYWRIGHT_DRIVER_PORT"), QString::number(port));
            layers.steward.insert(QStringLiteral("PLAYWRIGHT_DRIVER_URL"),
                                  QStringLiteral("http://127.0.0.1:%1").arg(port));
        }
    }
    layers.secrets = secretVars.value();
    plan.env = ServiceEnvironment::build(m_spec, *binary, templates, m.bundleRoot, layers);
    // The Secret Service answers any client on the session bus: a sandboxed service does not
    // learn where it is unless its manifest grants it (docs/security.md).
    if (m_spec.sandbox.mode == SandboxSpec::Mode::Strict && !m_spec.sandbox.sessionBus)
        plan.env.remove(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"));

    const QString path = QDir::fromNativeSeparators(binary->path);
    plan.program = resolveCommand(path, plan.env);
    const QFileInfo info(plan.program);
    if (!info.exists())
        return R::failure(QStringLiteral("binary %1 does not exist").arg(plan.program));
    if (!info.isFile() || !info.isExecutable())
        return R::failure(QStringLiteral("binary %1 is not an executable file").arg(plan.program));
    return plan;
}

int ManagedService::playwrightDriverPort() const
{
    // The driver is the service whose id names Playwright; a service that only reads its
    // PLAYWRIGHT_* settings gets the driver's port, the driver its own.
    const auto &ports = m_ctx.templates.ports;
    auto firstPort = [&](const ServiceSpec &svc) {
        return svc.ports.isEmpty() ? 0 : ports.value(svc.id).value(svc.ports.first().name);
    };
    for (const ServiceSpec &svc : m_ctx.manifest->services) {
        if (svc.id.contains(QLatin1String("playwright"), Qt::CaseInsensitive) && firstPort(svc) > 0)
            return firstPort(svc);
    }
    return firstPort(m_spec);
}

Result<Confinement> ManagedService::confinementFor(const QString &program, Role role) const
{
    ServiceSandbox::Paths paths = ServiceSandbox::userPaths(m_ctx.manifest->app.name);
    paths.bundleRoot = m_ctx.manifest->bundleRoot;
    paths.appData = m_ctx.appData;
    paths.secretDir = m_ctx.injector ? m_ctx.injector->directoryFor(m_spec.id) : QString();
    paths.logFile = logFilePath(m_spec, m_ctx.appData);
    paths.program = program;
    for (const int port : m_ctx.templates.ports.value(m_spec.id))
        paths.ports << quint16(port);
    if (m_spec.sandbox.connect) {
        for (const auto &servicePorts : m_ctx.templates.ports) {
            for (const int port : servicePorts)
                paths.bundlePorts << quint16(port);
        }
        if (m_ctx.stewardVariables) {
            const QUrl control(
                m_ctx.stewardVariables(m_spec.id).value(QStringLiteral("STEWARD_CONTROL_URL")));
            if (control.port() > 0)
                paths.bundlePorts << quint16(control.port());
        }
    }
    Result<std::shared_ptr<Sandbox>> sandbox = ServiceSandbox::build(m_spec, paths);
    if (!sandbox)
        return Result<Confinement>::failure(
            QStringLiteral("cannot sandbox it: %1").arg(sandbox.error()));
    Confinement confinement {std::move(sandbox).value(), {}};
    if (m_ctx.cgroups) {
        Result<std::shared_ptr<Cgroup>> cgroup = role == Role::Service
            ? m_ctx.cgroups->service(m_spec.id, m_spec.limits)
            : m_ctx.cgroups->helper(m_spec.id);
        if (!cgroup)
            return Result<Confinement>::failure(cgroup.error());
        confinement.cgroup = std::move(cgroup).value();
    }
    return confinement;
}

} // namespace steward
