#pragma once

#include "RestartBackoff.h"
#include "core/Result.h"
#include "manifest/Manifest.h"
#include "manifest/TemplateRenderer.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QProcess>

#include <functional>
#include <memory>
#include <optional>

class QTimer;

namespace steward {

class CgroupTree;
struct Confinement;
class EmbeddedService;
class GpuProbe;
class InstallState;
class Redactor;
class SecretInjector;
class SecretKeeper;
class ExecGuard;
class Sandbox;
class ServiceLog;
class TelemetryLog;

// Everything a service needs from the rest of Steward to start.
struct ServiceContext
{
    const Manifest *manifest = nullptr;
    QString appData;
    TemplateRenderer::Context templates;
    std::shared_ptr<const Redactor> redactor;
    const SecretInjector *injector = nullptr;
    const SecretKeeper *keeper = nullptr;
    TelemetryLog *telemetry = nullptr;
    QString platform;
    // Variables Steward adds for the service after its manifest env (control URL and token).
    std::function<QMap<QString, QString>(const QString &serviceId)> stewardVariables;
    // Where migrations are recorded; null: migrations are not run.
    InstallState *state = nullptr;
    GpuProbe *gpu = nullptr;
    // Checks each program against bundle.lock before it runs; null: no check.
    ExecGuard *execGuard = nullptr;
    // A cgroup for each service and helper; null: process group and run marker only.
    CgroupTree *cgroups = nullptr;
    // Makes what serves a ui-bundle service inside Steward (the runtime's web server); unset, such
    // a service fails to start.
    std::function<Result<std::unique_ptr<EmbeddedService>>(const ServiceSpec &,
                                                           const ServiceContext &)>
        embedded;
};

// One service's process and its life: spawned in its own process group with a parent-death
// signal, checked for readiness (first probe at once, then at growing intervals up to
// interval_ms), kept alive by liveness checks, restarted after failures with backoff, and
// stopped with its stop signal, then SIGKILL to the whole group after stop_timeout_ms.
class ManagedService : public QObject
{
    Q_OBJECT
public:
    enum class State { Waiting, Starting, Ready, Backoff, Stopping, Stopped, Failed };
    Q_ENUM(State)

    ManagedService(const ServiceSpec &spec, const ServiceContext &context,
                   QObject *parent = nullptr);
    ~ManagedService() override;

    const ServiceSpec &spec() const { return m_spec; }
    QString id() const { return m_spec.id; }
    State state() const { return m_state; }
    static QString stateName(State s);
    // Why the service is in its state: "waiting for api", "exited with code 3", ...
    QString message() const { return m_message; }
    std::optional<int> exitCode() const { return m_exitCode; }
    int restarts() const { return m_backoff.total(); }
    qint64 pid() const;
    bool isRunning() const;
    ServiceLog *log() const { return m_log; }

    // Starts the process (state Starting, then Ready). Only from Waiting, Stopped or Failed.
    void start();
    // Stops the process; `done` runs once it is gone. The state ends Stopped, or Waiting with
    // `waitingReason` when given (a dependency failed or a secret went missing).
    void stop(std::function<void()> done = {}, const QString &waitingReason = {});
    // Marks a service that cannot start yet.
    void setWaiting(const QString &reason);

Q_SIGNALS:
    void stateChanged(steward::ManagedService::State state);

private:
    struct LaunchPlan
    {
        QString program;
        QStringList args;
        QString workingDir;
        QProcessEnvironment env;
    };
    Result<LaunchPlan> launchPlan();
    void setState(State s, const QString &message);
    // Before the first start of each Steward run: GPU requirement, assets, pending migrations.
    void preflight();
    void runMigrations(qsizetype index);
    void spawn();
    // A ui-bundle: Steward serves it (m_embedded) instead of running a program.
    void spawnEmbedded();
    void stopEmbedded(std::function<void()> done, const QString &waitingReason);
    void probeEmbedded(bool portOnly, std::function<void(bool, QString)> done);
    void onFinished(int code, QProcess::ExitStatus status);
    void probeReadiness();
    void probeLiveness();
    void probe(const HealthCheck &check, bool portOnly, const QString &portName,
               std::function<void(bool, QString)> done);
    void becomeReady();
    void failAndRestart(const QString &reason);
    // A telemetry event about this service.
    void record(const char *event, nlohmann::json details = nlohmann::json::object()) const;
    // True when the output decides readiness (log_match readiness or log_match health).
    bool watchesOutputForReadiness() const;
    // The program a relative command[0] names (bundle root, then beside the binary, then PATH).
    QString resolveCommand(const QString &program, const QProcessEnvironment &env) const;
    int playwrightDriverPort() const;
    // Where a process of this service (itself, or a migration or command probe: a helper) is
    // kept: its sandbox (none for "sandbox": "off", or without Landlock) and its cgroup (the
    // service's own, or a fresh one for a helper; none without cgroups). A sandbox or cgroup
    // that cannot be made fails the start: nothing runs unconfined by accident.
    enum class Role { Service, Helper };
    Result<Confinement> confinementFor(const QString &program, Role role) const;
    void killTree();
    void cancelTimers();

    ServiceSpec m_spec;
    ServiceContext m_ctx;
    State m_state = State::Waiting;
    QString m_message;
    std::optional<int> m_exitCode;
    RestartBackoff m_backoff;
    QPointer<QProcess> m_process;
    qint64 m_pgid = 0;
    ServiceLog *m_log = nullptr;
    QTimer *m_readinessTimer = nullptr;
    QTimer *m_readinessDeadline = nullptr;
    QTimer *m_livenessTimer = nullptr;
    QTimer *m_restartTimer = nullptr;
    QTimer *m_killTimer = nullptr;
    int m_livenessFailures = 0;
    bool m_probing = false;
    bool m_stopping = false;
    QString m_failureReason; // set when Steward itself killed the process (unhealthy, not ready)
    QString m_waitingAfterStop;
    std::vector<std::function<void()>> m_stopWaiters;
    QElapsedTimer m_runTime;
    int m_generation = 0; // invalidates probes of an earlier process
    bool m_preflightDone = false;
    bool m_gpuAvailable = false;
    bool m_patternSeen = false; // the watched log pattern showed since the last spawn
    QPointer<QProcess> m_migration;
    std::unique_ptr<EmbeddedService> m_embedded;
};

} // namespace steward
