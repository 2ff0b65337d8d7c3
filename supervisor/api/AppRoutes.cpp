#include "AppRoutes.h"

#include "ApiJson.h"
#include "ServiceRoutes.h"
#include "process/ServiceSandbox.h"
#include "process/Supervisor.h"
#include "secrets/SecretKeeper.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTimer>

namespace steward {

using namespace apijson;

AppRoutes::AppRoutes(const ApiContext &ctx, const ServiceRoutes &services, QObject *context)
    : m_ctx(ctx)
    , m_services(services)
    , m_context(context)
{ }

void AppRoutes::addTo(RouteTable &table)
{
    auto route = [&table](const char *method, const char *path, Callers callers, auto answer) {
        table.add({method, QLatin1String(path), callers, [answer](const ApiCall &, ApiReply r) {
                       r(answer());
                   }});
    };
    // Anyone on the machine may ask /healthz (no token): how many services, nothing more.
    route("GET", "/healthz", Caller::Anyone, [this] { return healthz(); });
    route("HEAD", "/healthz", Caller::Anyone, [this] { return healthz(); });
    table.add({.method = "GET",
               .pattern = QStringLiteral("/status"),
               .callers = Caller::Admin,
               .handler = [this](const ApiCall &, ApiReply r) { r(status()); },
               .cacheable = true});
    route("GET", "/telemetry", Caller::Admin, [this] { return telemetry(); });
    route("GET", "/validate", Caller::Admin, [this] { return validate(); });
    route("GET", "/openapi.json", Caller::Admin, [this] { return openApi(); });
    route("POST", "/activate", Caller::Admin, [this] { return activate(); });
    route("POST", "/shutdown", Caller::Admin, [this] { return shutdown(); });
    // GET too: the Vrooli runtime's clients use it.
    route("GET", "/shutdown", Caller::Admin, [this] { return shutdown(); });
}

namespace {

// Whether services are isolated from each other (docs/security.md), as the console says it.
json isolationJson(const ApiContext &ctx)
{
    const ServiceSandbox::Report r = ServiceSandbox::report(*ctx.manifest);
    json unconfined = json::array();
    for (const QString &id : r.unconfined)
        unconfined.push_back(s(id));
    return {{"services_isolated", r.isolated},
            {"landlock_abi", r.abi},
            {"enforced", s(r.enforced)},
            {"unsandboxed_services", unconfined},
            {"cgroup_per_service", ctx.cgroupPerService},
            {"containment", s(ctx.containment)},
            {"message", s(r.message)}};
}

} // namespace

ApiResult AppRoutes::healthz() const
{
    return HttpResponse::json(
        200,
        {{"status", "ok"},
         {"services", m_ctx.manifest ? int(m_ctx.manifest->services.size()) : 0},
         {"runtime",
          s(QStringLiteral("steward %1 (Qt %2)")
                .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion()))
                .simplified())}});
}

json AppRoutes::secretsDetail() const
{
    if (m_ctx.secretsState() == ApiContext::SecretsState::Failed)
        return s(m_ctx.keeper->failure());
    if (!m_ctx.secretsLoaded() && m_ctx.storeDelay)
        return nullable(m_ctx.storeDelay());
    return nullptr;
}

ApiResult AppRoutes::status() const
{
    json services = json::array();
    for (const ServiceSpec &spec : m_ctx.manifest->services)
        services.push_back(m_services.entry(spec.id));
    json imported = nullptr;
    if (const auto &r = m_ctx.imported) {
        json migrations = json::object();
        for (auto it = r->migrations.cbegin(); it != r->migrations.cend(); ++it)
            migrations[s(it.key())] = list(*it);
        imported = {{"from", s(r->sourceDir)},
                    {"count", r->imported.size()},
                    {"secrets", list(r->imported)},
                    {"not_declared", list(r->unknown)},
                    {"refused", list(r->refused)},
                    {"migrations", migrations},
                    {"plaintext_removed", r->plaintextRemoved},
                    {"warning", nullable(r->warning)}};
    }
    const Manifest &m = *m_ctx.manifest;
    return HttpResponse::json(
        200,
        {{"app", {{"name", s(m.app.name)}, {"version", s(m.app.version)}}},
         {"status",
          m_ctx.supervisor ? s(Supervisor::statusName(m_ctx.supervisor->status())) : "starting"},
         {"reason", m_ctx.supervisor ? nullable(m_ctx.supervisor->statusReason()) : json(nullptr)},
         {"secrets", m_ctx.secretsStateName()},
         {"secrets_detail", secretsDetail()},
         {"secrets_phase",
          m_ctx.keeper ? s(SecretKeeper::phaseName(m_ctx.keeper->phase())) : "Loading"},
         {"missing_secrets", m_ctx.keeper ? list(m_ctx.keeper->missingRequired()) : json::array()},
         {"store", m_ctx.keeper ? json(s(m_ctx.keeper->store().backendName())) : json(nullptr)},
         {"services", services},
         {"imported", imported},
         {"isolation", isolationJson(m_ctx)},
         // The Vrooli runtime's fields.
         {"instance_id", s(m_ctx.instanceId)},
         {"started_at", m_ctx.startedAt.isValid() ? s(m_ctx.startedAt.toString(Qt::ISODate)) : ""},
         {"app_data_dir", s(m_ctx.appData)},
         {"bundle_root", s(m.bundleRoot)},
         {"dry_run", false},
         {"manifest_hash", s(m_ctx.manifestSha256)},
         {"manifest_schema", s(m.schemaVersion)},
         {"target", s(m.target)},
         {"app_name", s(m.app.name)},
         {"app_version", s(m.app.version)},
         {"ipc_host", s(m.ipc.host)},
         {"ipc_port", m_ctx.port},
         {"runtime_version", s(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion())))},
         {"build_version", s(QCoreApplication::applicationVersion())}});
}

ApiResult AppRoutes::telemetry() const
{
    const QString path = QDir(m_ctx.appData).absoluteFilePath(m_ctx.manifest->telemetry.file);
    json events = json::array();
    QFile f(path);
    if (f.open(QIODevice::ReadOnly)) {
        // The file is capped (5 MiB); keep the last 500 events.
        QList<QByteArray> lines = f.readAll().split('\n');
        const qsizetype from = std::max<qsizetype>(0, lines.size() - 501);
        for (qsizetype i = from; i < lines.size(); ++i) {
            if (!lines.at(i).isEmpty() && json::accept(lines.at(i).toStdString()))
                events.push_back(json::parse(lines.at(i).toStdString()));
        }
    }
    return HttpResponse::json(200,
                              {{"path", s(path)},
                               {"upload_url", s(m_ctx.manifest->telemetry.uploadUrl)},
                               {"file", s(m_ctx.manifest->telemetry.file)},
                               {"events", events}});
}

ApiResult AppRoutes::validate() const
{
    json errors = json::array(), warnings = json::array();
    for (const Diagnostic &d : m_ctx.diagnostics)
        (d.isError() ? errors : warnings)
            .push_back({{"path", s(d.path)}, {"message", s(d.message)}});
    return HttpResponse::json(
        200, {{"valid", errors.empty()}, {"errors", errors}, {"warnings", warnings}});
}

ApiResult AppRoutes::openApi() const
{
    QFile f(QStringLiteral(":/steward/openapi.json"));
    if (!f.open(QIODevice::ReadOnly))
        return ApiError {500, "missing_document",
                         QStringLiteral("the OpenAPI document is not built in")};
    HttpResponse r;
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = f.readAll();
    return r;
}

ApiResult AppRoutes::activate() const
{
    if (!m_ctx.activate || !m_ctx.activate())
        return ApiError {409, "headless",
                         QStringLiteral("Steward runs headless: there is no window to show")};
    return HttpResponse::json(200, {{"window", "settings"}});
}

ApiResult AppRoutes::shutdown() const
{
    // After the answer is out: the shutdown tears the API down.
    if (m_ctx.shutdown)
        QTimer::singleShot(0, m_context, m_ctx.shutdown);
    return HttpResponse::json(202, {{"status", "stopping"}});
}

} // namespace steward
