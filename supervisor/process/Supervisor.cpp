#include "Supervisor.h"

#include "GpuProbe.h"
#include "TelemetryLog.h"
#include "core/Platform.h"
#include "logging/Logging.h"
#include "secrets/SecretInjector.h"
#include "secrets/SecretKeeper.h"

#include <QDir>
#include <QTimer>

namespace steward {

Supervisor::Supervisor(const Manifest &manifest, const QString &appData, SecretKeeper &keeper,
                       std::shared_ptr<const Redactor> redactor, TelemetryLog *telemetry,
                       QObject *parent)
    : QObject(parent)
    , m_manifest(manifest)
    , m_appData(appData)
    , m_keeper(keeper)
    , m_redactor(std::move(redactor))
    , m_telemetry(telemetry)
    , m_injector(std::make_unique<SecretInjector>(appData))
    , m_gpu(new GpuProbe(this))
{
    connect(&m_keeper, &SecretKeeper::secretsChanged, this, &Supervisor::onSecretsChanged);
}

void Supervisor::setPrivateDir(const QString &dir)
{
    m_injector = std::make_unique<SecretInjector>(m_appData, dir);
}

Supervisor::~Supervisor()
{
    qDeleteAll(m_services); // kills anything still running, with its group
    m_services.clear();
    m_injector->removeAll();
}

QString Supervisor::statusName(AppStatus s)
{
    switch (s) {
    case AppStatus::Starting:
        return QStringLiteral("starting");
    case AppStatus::Ready:
        return QStringLiteral("ready");
    case AppStatus::Degraded:
        return QStringLiteral("degraded");
    case AppStatus::WaitingForSecrets:
        return QStringLiteral("waiting_for_secrets");
    case AppStatus::Failed:
        return QStringLiteral("failed");
    case AppStatus::Stopping:
        return QStringLiteral("stopping");
    case AppStatus::Stopped:
        return QStringLiteral("stopped");
    }
    return {};
}

ManagedService *Supervisor::service(const QString &id) const
{
    for (ManagedService *s : m_services) {
        if (s->id() == id)
            return s;
    }
    return nullptr;
}

Status Supervisor::prepare(const QSet<int> &excludedPorts)
{
    PortAllocator allocator(m_manifest);
    for (int p : excludedPorts)
        allocator.exclude(p);
    Result<PortAllocator::Ports> ports = allocator.allocateAll();
    if (!ports)
        return Status::failure(ports.error());
    m_ports = ports.value();

    ServiceContext ctx;
    ctx.manifest = &m_manifest;
    ctx.appData = m_appData;
    ctx.templates.ports = m_ports;
    ctx.templates.dataDir = m_appData;
    ctx.templates.bundleRoot = m_manifest.bundleRoot;
    ctx.redactor = m_redactor;
    ctx.injector = m_injector.get();
    ctx.keeper = &m_keeper;
    ctx.telemetry = m_telemetry;
    ctx.platform = Platform::current();
    ctx.state = m_installState;
    ctx.gpu = m_gpu;
    ctx.execGuard = m_execGuard;
    ctx.cgroups = m_cgroups;
    ctx.embedded = m_embedded;
    ctx.stewardVariables = [this](const QString &id) {
        return m_extraVars ? m_extraVars(id) : QMap<QString, QString>();
    };
    for (const QString &id : m_manifest.startOrder()) {
        auto *svc = new ManagedService(*m_manifest.service(id), ctx, this);
        connect(svc, &ManagedService::stateChanged, this, [this, svc](ManagedService::State st) {
            Q_EMIT serviceStateChanged(svc->id(), st);
            if (st == ManagedService::State::Failed) {
                // Dependents of a service that failed for good stop and wait for it.
                for (const QString &dep : dependentsOf(svc->id())) {
                    if (ManagedService *d = service(dep); d && d->isRunning())
                        d->stop({}, QStringLiteral("waiting for %1 (failed)").arg(svc->id()));
                }
            }
            // Reconcile after the signal has been delivered everywhere.
            QTimer::singleShot(0, this, &Supervisor::reconcile);
        });
        m_services << svc;
    }
    return {};
}

QStringList Supervisor::dependentsOf(const QString &id) const
{
    QStringList out;
    for (ManagedService *s : m_services) {
        if (s->spec().dependencies.contains(id))
            out << s->id();
    }
    return out;
}

void Supervisor::start()
{
    reconcile();
}

void Supervisor::reconcile()
{
    if (m_shuttingDown || m_reconciling)
        return;
    m_reconciling = true;
    for (ManagedService *svc : m_services) {
        // Only a waiting service is started here. A stopped one stays stopped: it exited as its
        // restart policy allows, or was stopped on request (startService() makes it wait again).
        if (svc->state() != ManagedService::State::Waiting || m_held.contains(svc->id()))
            continue;
        if (isSkipped(svc)) {
            svc->setWaiting(QStringLiteral("skipped: %1").arg(svc->spec().skipReason()));
            continue;
        }

        const QStringList missing = m_keeper.missingFor(svc->id());
        if (!missing.isEmpty()) {
            svc->setWaiting(
                QStringLiteral("waiting for secrets: %1").arg(missing.join(QStringLiteral(", "))));
            continue;
        }
        QStringList notReady;
        for (const QString &dep : svc->spec().dependencies) {
            ManagedService *d = service(dep);
            if (d && d->state() != ManagedService::State::Ready)
                notReady << dep;
        }
        if (!notReady.isEmpty()) {
            svc->setWaiting(
                QStringLiteral("waiting for %1").arg(notReady.join(QStringLiteral(", "))));
            continue;
        }
        svc->start();
    }
    m_reconciling = false;
    updateStatus();
}

void Supervisor::onSecretsChanged(const QStringList &ids)
{
    if (m_shuttingDown)
        return;
    auto log = Logging::process();
    for (ManagedService *svc : m_services) {
        bool consumes = false;
        for (const QString &id : ids)
            consumes = consumes || svc->spec().secrets.contains(id);
        if (!consumes)
            continue;
        if (!m_keeper.missingFor(svc->id()).isEmpty()) {
            if (svc->isRunning())
                svc->stop({},
                          QStringLiteral("waiting for secrets: %1")
                              .arg(m_keeper.missingFor(svc->id()).join(QStringLiteral(", "))));
            continue;
        }
        if (svc->isRunning() || svc->state() == ManagedService::State::Backoff) {
            log->info("restarting {}: a secret it uses changed", svc->id().toStdString());
            QPointer<ManagedService> guard(svc);
            svc->stop([this, guard] {
                if (guard && !m_shuttingDown)
                    guard->start(); // file targets are rewritten on start
            });
        }
    }
    reconcile();
}

void Supervisor::restartService(const QString &id)
{
    ManagedService *svc = service(id);
    if (!svc)
        return;
    m_held.remove(id);
    m_requested.insert(id);
    QPointer<ManagedService> guard(svc);
    svc->stop([this, guard] {
        if (guard && !m_shuttingDown) {
            guard->setWaiting(QStringLiteral("restarting"));
            reconcile();
        }
    });
}

void Supervisor::stopService(const QString &id)
{
    if (ManagedService *svc = service(id)) {
        m_held.insert(id);
        svc->stop();
    }
}

bool Supervisor::isSkipped(const ManagedService *svc) const
{
    return svc->spec().isOnDemand() && !m_requested.contains(svc->id())
        && svc->state() == ManagedService::State::Waiting;
}

void Supervisor::startService(const QString &id)
{
    if (ManagedService *svc = service(id)) {
        m_held.remove(id);
        m_requested.insert(id); // an on-demand service starts once asked for
        if (!svc->isRunning())
            svc->setWaiting(QStringLiteral("starting on request"));
        reconcile();
    }
}

void Supervisor::stopAll(std::function<void()> done)
{
    m_shuttingDown = true;
    m_status = AppStatus::Stopping;
    Q_EMIT statusChanged(m_status);
    if (m_telemetry)
        m_telemetry->record("shutdown", {{"app", m_manifest.app.name.toStdString()}});
    // Waves: a service stops once nothing running depends on it; a wave stops in parallel.
    auto wave = std::make_shared<std::function<void()>>();
    *wave = [this, done, weak = std::weak_ptr(wave)] {
        QList<ManagedService *> now;
        bool anyRunning = false;
        for (ManagedService *svc : m_services) {
            if (!svc->isRunning())
                continue;
            anyRunning = true;
            bool neededByRunning = false;
            for (const QString &dep : dependentsOf(svc->id())) {
                ManagedService *d = service(dep);
                neededByRunning = neededByRunning || (d && d->isRunning());
            }
            if (!neededByRunning)
                now << svc;
        }
        if (!anyRunning) {
            for (ManagedService *svc : m_services)
                svc->stop();
            m_injector->removeAll();
            m_status = AppStatus::Stopped;
            Q_EMIT statusChanged(m_status);
            return done();
        }
        auto pending = std::make_shared<int>(int(now.size()));
        for (ManagedService *svc : now) {
            svc->stop([pending, next = weak.lock()] {
                if (--*pending == 0)
                    QTimer::singleShot(0, [next] { (*next)(); });
            });
        }
    };
    (*wave)();
}

void Supervisor::updateStatus()
{
    if (m_shuttingDown)
        return;
    AppStatus st = AppStatus::Ready;
    QString reason;
    bool waitingForSecrets = false;
    bool degraded = false;
    for (ManagedService *svc : m_services) {
        if (isSkipped(svc))
            continue; // on demand, not asked for: the app is ready without it
        switch (svc->state()) {
        case ManagedService::State::Ready:
            break;
        case ManagedService::State::Failed:
            if (svc->spec().critical) {
                st = AppStatus::Failed;
                reason = QStringLiteral("%1 failed: %2").arg(svc->id(), svc->message());
            } else {
                degraded = true;
            }
            break;
        case ManagedService::State::Stopped:
            degraded = degraded || m_held.contains(svc->id());
            break;
        case ManagedService::State::Waiting:
            waitingForSecrets = waitingForSecrets || !m_keeper.missingFor(svc->id()).isEmpty();
            if (st == AppStatus::Ready)
                st = AppStatus::Starting;
            break;
        default:
            if (st == AppStatus::Ready)
                st = AppStatus::Starting;
        }
    }
    if (st != AppStatus::Failed && waitingForSecrets) {
        st = AppStatus::WaitingForSecrets;
        reason = QStringLiteral("waiting for secrets: %1")
                     .arg(m_keeper.missingRequired().join(QStringLiteral(", ")));
    }
    if (st == AppStatus::Ready && degraded)
        st = AppStatus::Degraded;
    if (st != m_status || reason != m_statusReason) {
        const bool changed = st != m_status;
        m_status = st;
        m_statusReason = reason;
        if (changed) {
            Logging::process()->info("app status: {}{}{}", statusName(st).toStdString(),
                                     reason.isEmpty() ? "" : " - ", reason.toStdString());
            if (m_telemetry && st == AppStatus::Ready)
                m_telemetry->record("ready", {{"app", m_manifest.app.name.toStdString()}});
            if (m_telemetry && st == AppStatus::WaitingForSecrets)
                m_telemetry->record(
                    "secrets_missing",
                    {{"secrets", m_keeper.missingRequired().join(QLatin1Char(',')).toStdString()}});
            Q_EMIT statusChanged(st);
        }
    }
}

} // namespace steward
