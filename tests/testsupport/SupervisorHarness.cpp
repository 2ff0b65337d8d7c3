#include "SupervisorHarness.h"

#include "TestPaths.h"
#include "manifest/ManifestLoader.h"
#include "runtime/UiBundleService.h"

#include <QFile>
#include <QTest>

namespace steward::test {

using json = nlohmann::json;

SupervisorHarness::SupervisorHarness()
{
    m_clock.start();
}

SupervisorHarness::~SupervisorHarness()
{
    if (m_supervisor)
        stopAll();
    m_supervisor.reset();
    m_keeper.reset();
}

json SupervisorHarness::service(const QString &id, const QStringList &args, bool withPort)
{
    json a = json::array({"--name", id.toStdString()});
    if (withPort) {
        a.push_back("--port");
        a.push_back(QStringLiteral("${%1.http}").arg(id).toStdString());
    }
    for (const QString &x : args)
        a.push_back(x.toStdString());
    const std::string program
        = QString(binaryDir() + QStringLiteral("/bundles/hello/bin/hello-service")).toStdString();
    json s {{"id", id.toStdString()},
            {"type", "worker"},
            {"binaries",
             {{"linux-x64", {{"path", program}, {"args", a}}},
              {"linux-arm64", {{"path", program}, {"args", a}}}}},
            {"restart",
             {{"policy", "on_failure"},
              {"max_restarts", 3},
              {"backoff_initial_ms", 100},
              {"backoff_max_ms", 1000}}},
            {"stop_timeout_ms", 5000}};
    if (withPort) {
        s["ports"]
            = {{"requested",
                json::array({{{"name", "http"}, {"range", {{"min", 20000}, {"max", 30000}}}}})}};
        s["health"] = {{"type", "http"},     {"path", "/healthz"}, {"port_name", "http"},
                       {"interval_ms", 200}, {"timeout_ms", 1000}, {"retries", 2}};
        s["readiness"] = {{"type", "health_success"}, {"timeout_ms", 10000}};
    } else {
        s["health"] = {{"type", "command"}, {"command", {"true"}}};
        s["readiness"] = {{"type", "dependencies_ready"}};
    }
    return s;
}

QString SupervisorHarness::load(json services, json secrets, const QString &appVersion)
{
    json doc {{"schema_version", "v0.1"},
              {"target", "desktop"},
              {"app", {{"name", "harness"}, {"version", appVersion.toStdString()}}},
              {"ipc",
               {{"mode", "loopback-http"},
                {"host", "127.0.0.1"},
                {"port", 47710},
                {"auth_token_path", "runtime/token"}}},
              {"telemetry", {{"file", "telemetry/events.jsonl"}}},
              {"secrets", secrets},
              {"services", services}};
    const QString path = m_dir.filePath(QStringLiteral("bundle.json"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return QStringLiteral("cannot write the manifest");
    f.write(QByteArray::fromStdString(doc.dump(2)));
    f.close();
    const ManifestLoadResult r = ManifestLoader::loadFile(path);
    if (!r.valid()) {
        QStringList errors;
        for (const Diagnostic &d : r.diagnostics)
            errors << d.toString();
        return errors.join(QLatin1Char('\n'));
    }
    m_manifest = *r.manifest;
    m_state = std::make_unique<InstallState>(
        InstallState::load(m_dir.filePath(QStringLiteral("data"))).value());
    m_state->setAppVersion(appVersion);
    m_keeper = std::make_unique<SecretKeeper>(m_manifest, *m_state, m_store, m_redactor);
    m_keeper->start();
    if (!QTest::qWaitFor([this] {
            return m_keeper->phase() == SecretKeeper::Phase::Ready
                || m_keeper->phase() == SecretKeeper::Phase::WaitingForSecrets;
        }))
        return QStringLiteral("secrets did not settle");
    m_telemetry = std::make_unique<TelemetryLog>(
        m_dir.filePath(QStringLiteral("data/telemetry/events.jsonl")), m_redactor);
    m_supervisor = std::make_unique<Supervisor>(m_manifest, m_dir.filePath(QStringLiteral("data")),
                                                *m_keeper, m_redactor, m_telemetry.get());
    QObject::connect(
        m_supervisor.get(), &Supervisor::serviceStateChanged, m_supervisor.get(),
        [this](const QString &id, ManagedService::State st) {
            m_events.append({id, st, m_clock.elapsed(), m_supervisor->service(id)->message()});
        });
    m_supervisor->setInstallState(m_state.get());
    m_supervisor->setEmbeddedServices(&UiBundleService::create);
    if (Status s = m_supervisor->prepare(); !s)
        return s.error();
    return {};
}

qint64 SupervisorHarness::when(const QString &service, ManagedService::State state,
                               qint64 fromMs) const
{
    for (const Event &e : m_events) {
        if (e.service == service && e.state == state && e.ms >= fromMs)
            return e.ms;
    }
    return -1;
}

int SupervisorHarness::count(const QString &service, ManagedService::State state) const
{
    int n = 0;
    for (const Event &e : m_events)
        n += (e.service == service && e.state == state) ? 1 : 0;
    return n;
}

bool SupervisorHarness::stopAll(int timeoutMs)
{
    bool done = false;
    m_supervisor->stopAll([&done] { done = true; });
    return QTest::qWaitFor([&done] { return done; }, timeoutMs);
}

} // namespace steward::test
