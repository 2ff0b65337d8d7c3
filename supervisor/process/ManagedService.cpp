#include "ManagedService.h"

#include "ChildProcessGuard.h"
#include "EmbeddedService.h"
#include "ManagedServiceParts.h"
#include "ServiceLog.h"
#include "TelemetryLog.h"
#include "core/StdText.h"
#include "logging/Logging.h"
#include "secrets/AuditTrail.h"
#include "secrets/SecretKeeper.h"
#include "trust/ExecGuard.h"

#include <QCoreApplication>
#include <QDir>
#include <QRegularExpression>
#include <QTimer>

#ifdef Q_OS_UNIX
#include <csignal>
#include <unistd.h>
#endif

namespace steward {

namespace {

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

} // namespace

namespace detail {

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

} // namespace detail

using detail::logFilePath;
using stdtext::s;

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
        Logging::process()->warn("{} did not stop within {} ms; killing it", s(m_spec.id),
                                 m_spec.stopTimeoutMs);
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
        Logging::process()->warn("{}: {}", s(m_spec.id), s(reason));
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
        Logging::process()->info("{}: {}{}{}", s(m_spec.id), s(stateName(st)),
                                 message.isEmpty() ? "" : " - ", s(message));
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
    Result<Confinement> confinement = confinementFor(plan->program, Role::Service);
    if (!confinement) {
        record("service_start_failed", {{"error", s(confinement.error())}});
        return setState(State::Failed, confinement.error());
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
    const bool sandboxed = confinement->sandbox != nullptr;
    ChildProcessGuard::prepare(*proc, ChildProcessGuard::Tree::Marked,
                               std::move(confinement).value());
    if (!sandboxed)
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

void ManagedService::failAndRestart(const QString &reason)
{
    m_failureReason = reason;
    m_log->note(reason);
    Logging::process()->warn("{}: {}", s(m_spec.id), s(reason));
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

} // namespace steward
