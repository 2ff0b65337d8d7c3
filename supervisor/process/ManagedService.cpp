#include "ManagedService.h"

#include "AssetVerifier.h"
#include "ChildProcessGuard.h"
#include "EmbeddedService.h"
#include "GpuProbe.h"
#include "HealthProbe.h"
#include "ServiceEnvironment.h"
#include "ServiceLog.h"
#include "ServiceSandbox.h"
#include "TelemetryLog.h"
#include "core/AtomicFile.h"
#include "logging/Logging.h"
#include "secrets/AuditTrail.h"
#include "secrets/InstallState.h"
#include "secrets/SecretInjector.h"
#include "secrets/SecretKeeper.h"
#include "trust/ExecGuard.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <csignal>
#include <unistd.h>
#endif

namespace steward {

namespace {

// Readiness is probed at once, then again after a tenth of the time spent starting, never
// sooner than this.
constexpr int FirstRetryMs = 5;

int signalNumber(const QString &name)
{
#ifdef Q_OS_UNIX
    if (name == QLatin1String("SIGINT"))
        return SIGINT;
    if (name == QLatin1String("SIGHUP"))
        return SIGHUP;
    if (name == QLatin1String("SIGQUIT"))
        return SIGQUIT;
    if (name == QLatin1String("SIGUSR1"))
        return SIGUSR1;
    if (name == QLatin1String("SIGUSR2"))
        return SIGUSR2;
    return SIGTERM;
#else
    Q_UNUSED(name);
    return 15;
#endif
}

std::string s(const QString &q)
{
    return q.toStdString();
}

// Where a service's log goes. Steward writes a rotated, timestamped <id>.log inside the folder
// log_dir names (default logs/<id>); a log_dir that ends in ".log" names the file itself, as
// it does in the v0.1 reference runtime.
QString logFilePath(const ServiceSpec &spec, const QString &appData)
{
    const QString logDir = spec.logDir.isEmpty() ? QStringLiteral("logs/") + spec.id : spec.logDir;
    if (logDir.endsWith(QLatin1String(".log")))
        return QDir::cleanPath(QDir(appData).absoluteFilePath(logDir));
    return QDir::cleanPath(QDir(appData).absoluteFilePath(logDir + QLatin1Char('/') + spec.id
                                                          + QStringLiteral(".log")));
}

} // namespace

ManagedService::ManagedService(const ServiceSpec &spec, const ServiceContext &context,
                               QObject *parent)
    : QObject(parent)
    , m_spec(spec)
    , m_ctx(context)
    , m_backoff(spec.restart)
{
    m_log = new ServiceLog(spec.id, logFilePath(spec, context.appData), *context.redactor, this);
    auto timer = [this](bool single) {
        auto *t = new QTimer(this);
        t->setSingleShot(single);
        // Coarse timers may fire up to 5% early; restart delays and timeouts are promises.
        t->setTimerType(Qt::PreciseTimer);
        return t;
    };
    m_readinessTimer = timer(true);
    m_readinessDeadline = timer(true);
    m_livenessTimer = timer(true);
    m_restartTimer = timer(true);
    m_killTimer = timer(true);
    connect(m_readinessTimer, &QTimer::timeout, this, &ManagedService::probeReadiness);
    connect(m_livenessTimer, &QTimer::timeout, this, &ManagedService::probeLiveness);
    connect(m_restartTimer, &QTimer::timeout, this, &ManagedService::spawn);
    connect(m_killTimer, &QTimer::timeout, this, [this] {
        Logging::get("steward.process")
            ->warn("{} did not stop within {} ms; killing it", s(m_spec.id), m_spec.stopTimeoutMs);
        m_log->note(
            QStringLiteral("did not stop within %1 ms; sending SIGKILL").arg(m_spec.stopTimeoutMs));
        killTree();
    });
    // As in the reference runtime, a service that is not ready in time keeps running, marked
    // not ready; it is still checked and becomes ready when it answers.
    connect(m_readinessDeadline, &QTimer::timeout, this, [this] {
        if (m_state != State::Starting)
            return;
        const QString reason = QStringLiteral("not ready within %1 ms; still checking")
                                   .arg(m_spec.readiness.timeoutMs);
        m_log->note(reason);
        Logging::get("steward.process")->warn("{}: {}", s(m_spec.id), s(reason));
        record("service_not_ready", {{"timeout_ms", m_spec.readiness.timeoutMs}});
        setState(State::Starting, reason);
    });
    connect(m_log, &ServiceLog::patternMatched, this, [this] {
        m_patternSeen = true;
        if (m_state == State::Starting && watchesOutputForReadiness())
            becomeReady();
    });
}

ManagedService::~ManagedService()
{
    m_embedded.reset();
    // Children never outlive Steward: a service still running here is killed with its group
    // (a last resort at teardown; an orderly exit stops services first).
    if (isRunning()) {
        m_process->disconnect(this);
        killTree();
        m_process->waitForFinished(2000);
    }
}

QString ManagedService::stateName(State s)
{
    switch (s) {
    case State::Waiting:
        return QStringLiteral("waiting");
    case State::Starting:
        return QStringLiteral("starting");
    case State::Ready:
        return QStringLiteral("ready");
    case State::Backoff:
        return QStringLiteral("restarting");
    case State::Stopping:
        return QStringLiteral("stopping");
    case State::Stopped:
        return QStringLiteral("stopped");
    case State::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

qint64 ManagedService::pid() const
{
    return m_process ? m_process->processId() : 0;
}

bool ManagedService::isRunning() const
{
    return (m_process && m_process->state() != QProcess::NotRunning)
        || (m_embedded && m_embedded->isRunning());
}

void ManagedService::setState(State st, const QString &message)
{
    const bool changed = st != m_state || message != m_message;
    m_state = st;
    m_message = message;
    if (changed) {
        Logging::get("steward.process")
            ->info("{}: {}{}{}", s(m_spec.id), s(stateName(st)), message.isEmpty() ? "" : " - ",
                   s(message));
        Q_EMIT stateChanged(st);
    }
}

void ManagedService::setWaiting(const QString &reason)
{
    if (m_state == State::Waiting && m_message == reason)
        return;
    record("service_blocked", {{"reason", s(reason)}});
    setState(State::Waiting, reason);
}

void ManagedService::record(const char *event, nlohmann::json details) const
{
    if (!m_ctx.telemetry)
        return;
    details["service"] = s(m_spec.id);
    m_ctx.telemetry->record(event, std::move(details));
}

bool ManagedService::watchesOutputForReadiness() const
{
    return m_spec.readiness.type == Readiness::Type::LogMatch
        || (m_spec.readiness.type == Readiness::Type::HealthSuccess
            && m_spec.health.type == HealthCheck::Type::LogMatch);
}

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

void ManagedService::start()
{
    if (isRunning() || m_state == State::Starting || m_state == State::Ready
        || m_state == State::Stopping)
        return;
    m_backoff = RestartBackoff(m_spec.restart);
    if (m_preflightDone)
        return spawn();
    preflight();
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
    plan.workingDir = binary->cwd.isEmpty()
        ? root.absolutePath()
        : QDir::cleanPath(root.absoluteFilePath(templates.render(binary->cwd)));
    for (const QString &a : binary->args)
        plan.args << templates.render(a);
    for (const QString &d : m_spec.dataDirs)
        (void)AtomicFile::ensureDirectory(QDir(m_ctx.appData).absoluteFilePath(d), 0700);
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

Result<std::shared_ptr<Sandbox>> ManagedService::sandboxFor(const QString &program) const
{
    ServiceSandbox::Paths paths = ServiceSandbox::userPaths(m_ctx.manifest->app.name);
    paths.bundleRoot = m_ctx.manifest->bundleRoot;
    paths.appData = m_ctx.appData;
    paths.secretDir = m_ctx.injector ? m_ctx.injector->directoryFor(m_spec.id) : QString();
    paths.logFile = logFilePath(m_spec, m_ctx.appData);
    paths.program = program;
    for (const int port : m_ctx.templates.ports.value(m_spec.id))
        paths.ports << quint16(port);
    Result<std::shared_ptr<Sandbox>> sandbox = ServiceSandbox::build(m_spec, paths);
    if (!sandbox)
        return Result<std::shared_ptr<Sandbox>>::failure(
            QStringLiteral("cannot sandbox it: %1").arg(sandbox.error()));
    return sandbox;
}

void ManagedService::preflight()
{
    setState(State::Starting, QStringLiteral("checking before the first start"));
    auto afterGpu = [this] {
        AssetVerifier::verify(
            m_spec.assets, m_ctx.manifest->bundleRoot, this,
            [this](const AssetVerifier::Outcome &outcome) {
                for (const QString &w : outcome.warnings) {
                    m_log->note(w);
                    Logging::get("steward.process")->warn("{}: {}", s(m_spec.id), s(w));
                }
                if (!outcome.missing.isEmpty())
                    record("asset_missing", {{"path", s(outcome.missing)}});
                if (!outcome.ok)
                    return setState(State::Failed, outcome.problem);
                runMigrations(0);
            });
    };
    // Every service learns whether there is a GPU (BUNDLE_GPU_AVAILABLE), as in the reference.
    if (!m_ctx.gpu)
        return afterGpu();
    m_ctx.gpu->query(this, [this, afterGpu](bool available, const QString &detail) {
        m_gpuAvailable = available;
        if (m_spec.gpu == GpuRequirement::None)
            return afterGpu();
        if (!available) {
            switch (m_spec.gpu) {
            case GpuRequirement::Required:
                return setState(State::Failed, QStringLiteral("needs a GPU: %1").arg(detail));
            case GpuRequirement::OptionalButWarn:
                Logging::get("steward.process")
                    ->warn("{} runs without a GPU: {}", s(m_spec.id), s(detail));
                m_log->note(QStringLiteral("warning: running without a GPU (%1)").arg(detail));
                break;
            default:
                m_log->note(QStringLiteral("no GPU (%1): running on the CPU").arg(detail));
            }
        } else {
            m_log->note(QStringLiteral("GPU: %1").arg(detail));
        }
        afterGpu();
    });
}

void ManagedService::runMigrations(qsizetype index)
{
    InstallState *state = m_ctx.state;
    // Skip what does not apply to this run.
    while (state && index < m_spec.migrations.size()) {
        // Versioned, as in the reference runtime: a migration runs at most once, ever; run_on
        // only says in which launch it may.
        const Migration &mig = m_spec.migrations.at(index);
        const bool done = state->migrationsRun(m_spec.id).contains(mig.version);
        const bool upgraded = !state->previousAppVersion().isEmpty()
            && state->previousAppVersion() != state->appVersion();
        bool due = false;
        switch (mig.runOn) {
        case Migration::RunOn::Always:
            due = true;
            break;
        case Migration::RunOn::FirstInstall:
            due = state->isNewInstall();
            break;
        case Migration::RunOn::Upgrade:
            due = upgraded;
            break;
        case Migration::RunOn::Never:
            break;
        }
        if (due && !done)
            break;
        ++index;
    }
    if (!state || index >= m_spec.migrations.size()) {
        m_preflightDone = true;
        return spawn();
    }
    const Migration &mig = m_spec.migrations.at(index);
    const Result<LaunchPlan> plan = launchPlan();
    if (!plan)
        return setState(State::Failed, plan.error());
    const TemplateRenderer templates(m_ctx.templates);
    QStringList argv;
    for (const QString &a : mig.command)
        argv << templates.render(a);
    QProcessEnvironment env = plan->env;
    for (auto it = mig.env.cbegin(); it != mig.env.cend(); ++it)
        env.insert(it.key(), templates.render(it.value()));
    // command[0] is relative to the bundle root; the migration runs where the service runs.
    const QString written = argv.first();
    argv.first() = resolveCommand(argv.first(), env);
    if (m_ctx.execGuard) {
        if (Status st
            = m_ctx.execGuard->admit(written, argv.first(), argv.mid(1), plan->workingDir);
            !st) {
            record("integrity_refused", {{"migration", s(mig.version)}, {"reason", s(st.error())}});
            return setState(State::Failed, st.error());
        }
    }
    setState(State::Starting, QStringLiteral("running migration %1").arg(mig.version));
    record("migration_start", {{"version", s(mig.version)}, {"run_on", s(mig.runOnAsWritten)}});
    m_log->note(QStringLiteral("migration %1 (%2): %3")
                    .arg(mig.version, enumName(mig.runOn), argv.join(QLatin1Char(' '))));
    Result<std::shared_ptr<Sandbox>> sandbox = sandboxFor(argv.first());
    if (!sandbox)
        return setState(State::Failed,
                        QStringLiteral("migration %1: %2").arg(mig.version, sandbox.error()));
    auto *proc = new QProcess(this);
    m_migration = proc;
    proc->setProgram(argv.first());
    proc->setArguments(argv.mid(1));
    proc->setWorkingDirectory(plan->workingDir);
    proc->setProcessEnvironment(env);
    ChildProcessGuard::guardHelper(*proc, sandbox.value());
    connect(proc, &QProcess::readyReadStandardOutput, this, [this, proc] {
        m_log->append(ServiceLog::Channel::Stdout, proc->readAllStandardOutput());
    });
    connect(proc, &QProcess::readyReadStandardError, this, [this, proc] {
        m_log->append(ServiceLog::Channel::Stderr, proc->readAllStandardError());
    });
    const QString version = mig.version;
    auto finished = [this, proc, index, version](bool ok, const QString &how) {
        proc->deleteLater();
        m_log->flush();
        if (m_state != State::Starting)
            return; // stopped meanwhile
        if (!ok) {
            record("migration_failed", {{"version", s(version)}, {"error", s(how)}});
            return setState(State::Failed,
                            QStringLiteral("migration %1 failed: %2").arg(version, how));
        }
        record("migration_success", {{"version", s(version)}});
        m_log->note(QStringLiteral("migration %1 done").arg(version));
        m_ctx.state->markMigrationRun(m_spec.id, version);
        if (Status st = m_ctx.state->save(); !st)
            Logging::get("steward.state")
                ->error("cannot record migration {}: {}", s(version), s(st.error()));
        runMigrations(index + 1);
    };
    connect(proc, &QProcess::finished, this, [finished](int code, QProcess::ExitStatus st) {
        finished(st == QProcess::NormalExit && code == 0,
                 st == QProcess::NormalExit ? QStringLiteral("exit code %1").arg(code)
                                            : QStringLiteral("crashed"));
    });
    connect(proc, &QProcess::errorOccurred, this, [finished, proc](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finished(false, QStringLiteral("cannot run it: %1").arg(proc->errorString()));
    });
    proc->start();
}

void ManagedService::spawn()
{
    if (m_spec.type == ServiceSpec::Type::UiBundle)
        return spawnEmbedded();
    cancelTimers();
    m_failureReason.clear();
    m_exitCode.reset();
    const Result<LaunchPlan> plan = launchPlan();
    if (!plan) {
        record("service_start_failed", {{"error", s(plan.error())}});
        return setState(State::Failed, plan.error());
    }
    if (m_ctx.execGuard) {
        if (Status st = m_ctx.execGuard->admit(m_spec, m_ctx.platform, plan->program, plan->args,
                                               plan->workingDir);
            !st) {
            record("integrity_refused", {{"reason", s(st.error())}});
            return setState(State::Failed, st.error());
        }
    }
    Result<std::shared_ptr<Sandbox>> sandbox = sandboxFor(plan->program);
    if (!sandbox) {
        record("service_start_failed", {{"error", s(sandbox.error())}});
        return setState(State::Failed, sandbox.error());
    }
    const QString program = plan->program;
    const QStringList args = plan->args;
    const QString cwd = plan->workingDir;
    const QProcessEnvironment env = plan->env;

    ++m_generation;
    if (m_process) {
        m_process->disconnect(this);
        m_process->deleteLater();
    }
    auto *proc = new QProcess(this);
    m_process = proc;
    proc->setProgram(program);
    proc->setArguments(args);
    proc->setWorkingDirectory(cwd);
    proc->setProcessEnvironment(env);
    ChildProcessGuard::prepare(*proc, ChildProcessGuard::Tree::Marked, sandbox.value());
    if (!sandbox.value())
        m_log->note(m_spec.sandbox.mode == SandboxSpec::Mode::Off
                        ? QStringLiteral("runs without a sandbox (\"sandbox\": \"off\")")
                        : QStringLiteral("runs without a sandbox: this kernel has no Landlock"));
    connect(proc, &QProcess::readyReadStandardOutput, this, [this, proc] {
        m_log->append(ServiceLog::Channel::Stdout, proc->readAllStandardOutput());
    });
    connect(proc, &QProcess::readyReadStandardError, this, [this, proc] {
        m_log->append(ServiceLog::Channel::Stderr, proc->readAllStandardError());
    });
    connect(proc, &QProcess::finished, this, &ManagedService::onFinished);
    connect(proc, &QProcess::errorOccurred, this, [this, proc](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart && proc == m_process) {
            m_log->note(QStringLiteral("cannot start: %1").arg(proc->errorString()));
            record("service_start_failed", {{"error", s(proc->errorString())}});
            m_failureReason = QStringLiteral("cannot start: %1").arg(proc->errorString());
            onFinished(-1, QProcess::CrashExit);
        }
    });
    m_patternSeen = false;
    if (m_spec.readiness.type == Readiness::Type::LogMatch)
        m_log->watch(QRegularExpression(m_spec.readiness.pattern));
    else if (m_spec.health.type == HealthCheck::Type::LogMatch)
        m_log->watch(QRegularExpression(m_spec.health.pattern));

    connect(proc, &QProcess::started, this, [this, proc, program] {
        m_pgid = proc->processId();
        ChildProcessGuard::adopt(*proc);
        if (m_stopping) {
            // stop() came before the exec was confirmed, when the child could not be signalled
            // safely (its group may not exist yet); it is signalled now.
            ChildProcessGuard::stop(m_pgid, ChildProcessGuard::Stop::Soft,
                                    signalNumber(m_spec.stopSignal));
            return;
        }
        m_runTime.start();
        m_log->note(QStringLiteral("started %1 (pid %2)").arg(program).arg(m_pgid));
        if (m_ctx.telemetry)
            m_ctx.telemetry->record(
                "service_start",
                {{"service", s(m_spec.id)}, {"pid", m_pgid}, {"restarts", restarts()}});
        if (m_spec.readiness.timeoutMs > 0)
            m_readinessDeadline->start(m_spec.readiness.timeoutMs);
        switch (m_spec.readiness.type) {
        case Readiness::Type::DependenciesReady:
            // The supervisor only starts a service once its dependencies are ready.
            becomeReady();
            break;
        case Readiness::Type::LogMatch:
            break; // patternMatched() decides
        case Readiness::Type::HealthSuccess:
            if (watchesOutputForReadiness())
                break; // a log_match health check: patternMatched() decides
            probeReadiness();
            break;
        case Readiness::Type::PortOpen:
            probeReadiness();
            break;
        }
    });
    setState(State::Starting, QString());
    m_pgid = 0;
    // Which secrets this start hands the service, in the audit trail (ids only).
    if (AuditTrail *audit = m_ctx.keeper->auditTrail()) {
        for (const QString &id : m_spec.secrets) {
            if (m_ctx.keeper->value(id))
                audit->record({QStringLiteral("steward"), QStringLiteral("injected"), id, m_spec.id,
                               QStringLiteral("ok")});
        }
    }
    proc->start();
}

void ManagedService::probe(const HealthCheck &check, bool portOnly, const QString &portName,
                           std::function<void(bool, QString)> done)
{
    if (m_embedded)
        return probeEmbedded(portOnly, std::move(done));
    const int timeout = check.timeoutMs > 0 ? check.timeoutMs : 2000;
    const int port = m_ctx.templates.ports.value(m_spec.id).value(portName);
    if (portOnly)
        return HealthProbe::tcp(port, timeout, this, done);
    switch (check.type) {
    case HealthCheck::Type::Http:
        return HealthProbe::http(port, TemplateRenderer(m_ctx.templates).render(check.path),
                                 timeout, this, done);
    case HealthCheck::Type::Tcp:
        return HealthProbe::tcp(port, timeout, this, done);
    case HealthCheck::Type::Command: {
        QStringList argv;
        const TemplateRenderer templates(m_ctx.templates);
        for (const QString &a : check.command)
            argv << templates.render(a);
        // Relative programs ("./worker") are found as a migration's are; the check runs where
        // the service runs.
        const QProcessEnvironment env
            = m_process ? m_process->processEnvironment() : QProcessEnvironment();
        if (!argv.isEmpty())
            argv.first() = resolveCommand(argv.first(), env);
        const QString dir = m_process ? m_process->workingDirectory() : m_ctx.manifest->bundleRoot;
        Result<std::shared_ptr<Sandbox>> sandbox
            = sandboxFor(argv.isEmpty() ? QString() : argv.first());
        if (!sandbox)
            return QTimer::singleShot(0, this, [done, why = sandbox.error()] { done(false, why); });
        return HealthProbe::command(argv, dir, env, timeout, this, done, sandbox.value());
    }
    case HealthCheck::Type::LogMatch:
        // Output-based health: the pattern was seen (when it decides readiness), and the
        // process runs.
        return QTimer::singleShot(0, this, [this, done] {
            const bool seen = m_patternSeen || m_spec.readiness.type == Readiness::Type::LogMatch;
            done(seen, seen ? QString() : QStringLiteral("the output has not shown the pattern"));
        });
    }
}

void ManagedService::probeReadiness()
{
    if (m_state != State::Starting || m_probing)
        return;
    m_probing = true;
    const int generation = m_generation;
    const bool portOnly = m_spec.readiness.type == Readiness::Type::PortOpen;
    const QString portName = portOnly ? m_spec.readiness.portName : m_spec.health.portName;
    probe(m_spec.health, portOnly, portName, [this, generation](bool ok, const QString &) {
        m_probing = false;
        if (generation != m_generation || m_state != State::Starting)
            return;
        if (ok)
            return becomeReady();
        // The next check comes after a tenth of the time the service has been starting (at
        // least 5 ms, at most interval_ms): readiness is noticed within about 10% of the time
        // the service took, and a slow starter is not polled needlessly often.
        const int ceiling = m_spec.health.intervalMs > 0 ? m_spec.health.intervalMs : 1000;
        const int next = int(std::clamp<qint64>(m_runTime.elapsed() / 10, FirstRetryMs,
                                                std::max(ceiling, FirstRetryMs)));
        m_readinessTimer->start(next);
    });
}

void ManagedService::becomeReady()
{
    m_readinessTimer->stop();
    m_readinessDeadline->stop();
    m_livenessFailures = 0;
    setState(State::Ready, QString());
    m_log->note(QStringLiteral("ready"));
    if (m_ctx.telemetry)
        m_ctx.telemetry->record(
            "service_ready", {{"service", s(m_spec.id)}, {"ms_since_start", m_runTime.elapsed()}});
    if (m_spec.readiness.type != Readiness::Type::DependenciesReady
        || m_spec.health.type != HealthCheck::Type::LogMatch)
        m_livenessTimer->start(m_spec.health.intervalMs > 0 ? m_spec.health.intervalMs : 1000);
}

void ManagedService::probeLiveness()
{
    if (m_state != State::Ready || m_probing)
        return;
    m_probing = true;
    const int generation = m_generation;
    probe(m_spec.health, false, m_spec.health.portName,
          [this, generation](bool ok, const QString &detail) {
              m_probing = false;
              if (generation != m_generation || m_state != State::Ready)
                  return;
              m_livenessFailures = ok ? 0 : m_livenessFailures + 1;
              const int allowed = std::max(1, m_spec.health.retries);
              const QString unhealthy
                  = QStringLiteral("unhealthy: %1 failed health checks in a row (%2)")
                        .arg(m_livenessFailures)
                        .arg(detail);
              if (m_livenessFailures >= allowed && m_spec.restart.onUnhealthy)
                  return failAndRestart(unhealthy);
              // restart.on_unhealthy false: the service keeps running, marked unhealthy.
              if (!m_spec.restart.onUnhealthy)
                  setState(State::Ready, m_livenessFailures >= allowed ? unhealthy : QString());
              m_livenessTimer->start(m_spec.health.intervalMs > 0 ? m_spec.health.intervalMs
                                                                  : 1000);
          });
}

void ManagedService::failAndRestart(const QString &reason)
{
    m_failureReason = reason;
    m_log->note(reason);
    Logging::get("steward.process")->warn("{}: {}", s(m_spec.id), s(reason));
    cancelTimers();
    killTree(); // onFinished() applies the restart policy
}

void ManagedService::killTree()
{
    if (m_embedded && m_embedded->isRunning()) {
        m_embedded->stop(); // gone at once: its end is reported now, the restart policy next
        return onFinished(-1, QProcess::CrashExit);
    }
    if (m_pgid == 0 && m_process)
        m_process->kill(); // not confirmed started: there is no group to kill yet
    ChildProcessGuard::stop(m_pgid, ChildProcessGuard::Stop::Hard, 0);
}

void ManagedService::cancelTimers()
{
    m_readinessTimer->stop();
    m_readinessDeadline->stop();
    m_livenessTimer->stop();
    m_restartTimer->stop();
}

void ManagedService::onFinished(int code, QProcess::ExitStatus status)
{
    cancelTimers();
    m_killTimer->stop();
    m_log->flush();
    ChildProcessGuard::release(m_pgid);

    const qint64 ran = m_runTime.isValid() ? m_runTime.elapsed() : 0;
    const bool crashed = status == QProcess::CrashExit;
    m_exitCode = crashed ? std::nullopt : std::optional<int>(code);
    const QString how = !m_failureReason.isEmpty() ? m_failureReason
        : crashed                                  ? QStringLiteral("killed by a signal")
                  : QStringLiteral("exited with code %1").arg(code);
    m_log->note(how);
    if (m_ctx.telemetry)
        m_ctx.telemetry->record(
            "service_exit",
            {{"service", s(m_spec.id)},
             {"reason", s(how)},
             {"exit_code", m_exitCode ? nlohmann::json(*m_exitCode) : nlohmann::json(nullptr)},
             {"ran_ms", ran}});
    if (m_stopping) {
        m_stopping = false;
        if (m_waitingAfterStop.isEmpty())
            setState(State::Stopped, QStringLiteral("stopped"));
        else
            setState(State::Waiting, m_waitingAfterStop);
        auto waiters = std::move(m_stopWaiters);
        m_stopWaiters.clear();
        for (auto &w : waiters)
            w();
        return;
    }
    m_backoff.noteRun(ran);
    const bool failed = crashed || code != 0 || !m_failureReason.isEmpty();
    if (!m_backoff.wantsRestart(failed))
        return setState(failed ? State::Failed : State::Stopped, how);
    if (!m_backoff.recordRestart()) {
        const QString reason
            = QStringLiteral("crash loop: stopped after %1 restarts in a row; last: %2")
                  .arg(m_backoff.consecutive())
                  .arg(how);
        if (m_ctx.telemetry)
            m_ctx.telemetry->record("service_crash_loop",
                                    {{"service", s(m_spec.id)},
                                     {"restarts", m_backoff.consecutive()},
                                     {"last", s(how)}});
        return setState(State::Failed, reason);
    }
    const int delay = m_backoff.delayMs();
    if (m_ctx.telemetry)
        m_ctx.telemetry->record("service_restart",
                                {{"service", s(m_spec.id)},
                                 {"attempt", m_backoff.consecutive()},
                                 {"delay_ms", delay},
                                 {"reason", s(how)}});
    setState(State::Backoff, QStringLiteral("%1; restarting in %2 ms").arg(how).arg(delay));
    m_restartTimer->start(delay);
}

void ManagedService::stop(std::function<void()> done, const QString &waitingReason)
{
    if (m_embedded && m_embedded->isRunning())
        return stopEmbedded(std::move(done), waitingReason);
    m_waitingAfterStop = waitingReason;
    if (m_migration && m_migration->state() != QProcess::NotRunning) {
        m_log->note(QStringLiteral("stopping during a migration"));
        ChildProcessGuard::stopHelper(*m_migration);
    }
    if (!isRunning()) {
        cancelTimers();
        if (waitingReason.isEmpty()) {
            if (m_state != State::Failed)
                setState(State::Stopped, QStringLiteral("stopped"));
        } else {
            setState(State::Waiting, waitingReason);
        }
        if (done)
            done();
        return;
    }
    if (done)
        m_stopWaiters.push_back(std::move(done));
    if (m_stopping)
        return;
    m_stopping = true;
    cancelTimers();
    setState(State::Stopping, QString());
    m_log->note(QStringLiteral("stopping with %1").arg(m_spec.stopSignal));
    ChildProcessGuard::stop(m_pgid, ChildProcessGuard::Stop::Soft, signalNumber(m_spec.stopSignal));
    m_killTimer->start(m_spec.stopTimeoutMs);
}

void ManagedService::spawnEmbedded()
{
    cancelTimers();
    m_failureReason.clear();
    m_exitCode.reset();
    m_pgid = 0;
    ++m_generation;
    m_embedded.reset();
    if (!m_ctx.embedded)
        return setState(State::Failed,
                        QStringLiteral("this Steward cannot serve ui-bundle services"));
    Result<std::unique_ptr<EmbeddedService>> made = m_ctx.embedded(m_spec, m_ctx);
    if (!made)
        return setState(State::Failed, made.error());
    m_embedded = std::move(made).value();
    connect(m_embedded.get(), &EmbeddedService::output, this,
            [this](const QByteArray &lines) { m_log->append(ServiceLog::Channel::Stdout, lines); });
    setState(State::Starting, QString());
    m_runTime.start();
    if (Status st = m_embedded->start(); !st) {
        // As a program that cannot be started: the restart policy decides what comes next.
        m_failureReason = QStringLiteral("cannot start: %1").arg(st.error());
        m_log->note(m_failureReason);
        m_embedded.reset();
        return onFinished(-1, QProcess::CrashExit);
    }
    m_log->note(m_embedded->description());
    if (m_ctx.telemetry)
        m_ctx.telemetry->record("service_start",
                                {{"service", s(m_spec.id)},
                                 {"pid", QCoreApplication::applicationPid()},
                                 {"served_by_steward", true},
                                 {"restarts", restarts()}});
    if (m_spec.readiness.timeoutMs > 0)
        m_readinessDeadline->start(m_spec.readiness.timeoutMs);
    // Whatever readiness the manifest names, Steward's own server is ready once it answers.
    probeReadiness();
}

void ManagedService::stopEmbedded(std::function<void()> done, const QString &waitingReason)
{
    m_waitingAfterStop = waitingReason;
    if (done)
        m_stopWaiters.push_back(std::move(done));
    m_stopping = true;
    cancelTimers();
    setState(State::Stopping, QString());
    m_log->note(QStringLiteral("stopping"));
    m_embedded->stop();
    onFinished(0, QProcess::NormalExit);
}

void ManagedService::probeEmbedded(bool portOnly, std::function<void(bool, QString)> done)
{
    // Steward serves it, so the manifest's check (meant for a program) does not apply: ready is
    // the port answering, healthy is GET / answered 2xx (index.html being readable).
    const int timeout = m_spec.health.timeoutMs > 0 ? m_spec.health.timeoutMs : 2000;
    if (portOnly)
        return HealthProbe::tcp(m_embedded->port(), timeout, this, std::move(done));
    HealthProbe::http(m_embedded->port(), QStringLiteral("/"), timeout, this, std::move(done));
}

} // namespace steward
