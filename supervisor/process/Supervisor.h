#pragma once

#include "ManagedService.h"
#include "PortAllocator.h"
#include "core/Result.h"

#include <QObject>

#include <memory>

namespace steward {

class CgroupTree;
class ExecGuard;
class GpuProbe;
class InstallState;
class Redactor;
class SecretInjector;
class SecretKeeper;
class TelemetryLog;

// Runs the bundle's services: allocates their ports, starts each one as soon as its
// dependencies are ready and its secrets are there (independent services in parallel), stops
// the dependents of a service that failed for good, restarts exactly the consumers of a secret
// that changed, and stops everything in reverse dependency order.
class Supervisor : public QObject
{
    Q_OBJECT
public:
    enum class AppStatus {
        Starting,
        Ready,
        Degraded,
        WaitingForSecrets,
        Failed,
        Stopping,
        Stopped
    };
    Q_ENUM(AppStatus)

    Supervisor(const Manifest &manifest, const QString &appData, SecretKeeper &keeper,
               std::shared_ptr<const Redactor> redactor, TelemetryLog *telemetry,
               QObject *parent = nullptr);
    ~Supervisor() override;

    // Where file secrets are written: <dir>/runtime/secrets (PrivateDir; by default the app
    // data dir). Call before prepare().
    void setPrivateDir(const QString &dir);
    // Allocates ports and creates the services; fails naming what could not be prepared.
    Status prepare(const QSet<int> &excludedPorts = {});
    // Starts everything that can start; the rest waits and starts when it can.
    void start();
    // Stops every service (dependents first, independent ones in parallel), then runs `done`.
    void stopAll(std::function<void()> done);

    void restartService(const QString &id);
    void stopService(const QString &id);
    // Starts a service stopped on request, or an on-demand one (metadata.run_mode "on_demand").
    void startService(const QString &id);
    // An on-demand service nobody has asked for yet: not started, "skipped" in /readyz.
    bool isSkipped(const ManagedService *svc) const;

    AppStatus status() const { return m_status; }
    static QString statusName(AppStatus s);
    QString statusReason() const { return m_statusReason; }
    const PortAllocator::Ports &ports() const { return m_ports; }
    QList<ManagedService *> services() const { return m_services; }
    ManagedService *service(const QString &id) const;
    // Enables migrations, recorded in this state (before prepare()).
    void setInstallState(InstallState *state) { m_installState = state; }
    GpuProbe &gpu() { return *m_gpu; }
    // Checks every program against the bundle's lock before it runs (before prepare()).
    void setExecGuard(ExecGuard *guard) { m_execGuard = guard; }
    // Puts each service and helper in a cgroup of its own (before prepare()).
    void setCgroups(CgroupTree *cgroups) { m_cgroups = cgroups; }
    // Variables each service gets besides its secrets (the control API adds its URL and token).
    void setStewardVariables(std::function<QMap<QString, QString>(const QString &)> f)
    {
        m_extraVars = std::move(f);
    }
    // What serves ui-bundle services inside Steward (before prepare()).
    void setEmbeddedServices(decltype(ServiceContext::embedded) factory)
    {
        m_embedded = std::move(factory);
    }

Q_SIGNALS:
    void statusChanged(steward::Supervisor::AppStatus status);
    void serviceStateChanged(const QString &serviceId, steward::ManagedService::State state);

private:
    void reconcile();
    void onSecretsChanged(const QStringList &ids);
    void updateStatus();
    QStringList dependentsOf(const QString &id) const;

    const Manifest &m_manifest;
    QString m_appData;
    SecretKeeper &m_keeper;
    std::shared_ptr<const Redactor> m_redactor;
    TelemetryLog *m_telemetry;
    std::unique_ptr<SecretInjector> m_injector;
    PortAllocator::Ports m_ports;
    QList<ManagedService *> m_services;
    QSet<QString> m_held; // stopped by request: not started again by reconcile()
    QSet<QString> m_requested; // on-demand services asked for with startService()
    AppStatus m_status = AppStatus::Starting;
    QString m_statusReason;
    bool m_shuttingDown = false;
    bool m_reconciling = false;
    std::function<QMap<QString, QString>(const QString &)> m_extraVars;
    decltype(ServiceContext::embedded) m_embedded;
    InstallState *m_installState = nullptr;
    ExecGuard *m_execGuard = nullptr;
    CgroupTree *m_cgroups = nullptr;
    GpuProbe *m_gpu = nullptr;
};

} // namespace steward
