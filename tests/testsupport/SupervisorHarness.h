#pragma once

#include "core/Redactor.h"
#include "manifest/Manifest.h"
#include "process/Supervisor.h"
#include "process/TelemetryLog.h"
#include "secrets/InstallState.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QElapsedTimer>
#include <QTemporaryDir>

#include <nlohmann/json.hpp>

namespace steward::test {

// A Supervisor over a manifest of demo-service instances, with an in-memory secret store and
// a throw-away app data directory. Records every service state change with its time.
class SupervisorHarness
{
public:
    struct Event
    {
        QString service;
        ManagedService::State state;
        qint64 ms;
        QString message;
    };

    SupervisorHarness();
    ~SupervisorHarness();

    // A service entry running hello-service with `args` (its port is "http" unless noPort).
    static nlohmann::json service(const QString &id, const QStringList &args, bool withPort = true);
    // Loads the manifest, settles the secrets and prepares the supervisor. Returns an error text.
    QString load(nlohmann::json services, nlohmann::json secrets = nlohmann::json::array(),
                 const QString &appVersion = QStringLiteral("1.0"));
    InstallState &state() { return *m_state; }

    Supervisor &supervisor() { return *m_supervisor; }
    SecretKeeper &keeper() { return *m_keeper; }
    MemoryStore &store() { return m_store; }
    // The redactor the keeper keeps up to date with the secrets' values.
    std::shared_ptr<Redactor> redactor() const { return m_redactor; }
    const Manifest &manifest() const { return m_manifest; }
    QString appData() const { return m_dir.path(); }
    // Where bundle.json is written: the bundle root that assets paths are relative to.
    QString bundleRoot() const { return m_dir.path(); }
    ManagedService *svc(const QString &id) { return m_supervisor->service(id); }
    const QList<Event> &events() const { return m_events; }
    // The time of the first event of `service` entering `state` at or after `fromMs`, or -1.
    qint64 when(const QString &service, ManagedService::State state, qint64 fromMs = 0) const;
    int count(const QString &service, ManagedService::State state) const;
    // Stops everything and waits for it.
    bool stopAll(int timeoutMs = 20000);

private:
    QTemporaryDir m_dir;
    Manifest m_manifest;
    MemoryStore m_store;
    std::unique_ptr<InstallState> m_state;
    std::shared_ptr<Redactor> m_redactor = std::make_shared<Redactor>();
    std::unique_ptr<SecretKeeper> m_keeper;
    std::unique_ptr<TelemetryLog> m_telemetry;
    std::unique_ptr<Supervisor> m_supervisor;
    QElapsedTimer m_clock;
    QList<Event> m_events;
};

} // namespace steward::test
