#include "ControlApi.h"

#include "LoopbackGuard.h"
#include "ServiceTimeline.h"
#include "logging/Logging.h"
#include "process/GpuProbe.h"
#include "process/Sandbox.h"
#include "process/ServiceLog.h"
#include "process/Supervisor.h"
#include "secrets/RemoteSecretProvider.h"
#include "secrets/SecretKeeper.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTimer>

// The OpenAPI document is a resource of this static library: it must be registered by name.
static void initApiResources()
{
    Q_INIT_RESOURCE(api);
}

namespace steward {

namespace {

using json = nlohmann::json;
using Kind = TokenBook::Principal::Kind;

std::string s(const QString &q)
{
    return q.toStdString();
}

json nullable(const QString &q)
{
    return q.isEmpty() ? json(nullptr) : json(s(q));
}

HttpResponse forbidden(const QString &message)
{
    return HttpResponse::error(403, "forbidden", message);
}

json timestamp(const QDateTime &t)
{
    return t.isValid() ? json(s(t.toUTC().toString(Qt::ISODateWithMs))) : json(nullptr);
}

// The caller asked for JSON: Accept names application/json, or ?format=json.
bool wantsJson(const HttpRequest &request)
{
    if (request.query.queryItemValue(QStringLiteral("format")) == QLatin1String("json"))
        return true;
    for (const QByteArray &type : request.header("accept").split(',')) {
        if (type.split(';').first().trimmed().toLower() == "application/json")
            return true;
    }
    return false;
}

} // namespace

ControlApi::ControlApi(ApiContext context, const TokenBook &tokens, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(context))
    , m_tokens(tokens)
    , m_timeline(new ServiceTimeline(this))
{
    initApiResources();
    m_timeline->attach(m_ctx.supervisor);
}

ControlApi::~ControlApi() = default;

void ControlApi::setSupervisor(Supervisor *s)
{
    m_ctx.supervisor = s;
    m_timeline->attach(s);
}

void ControlApi::handle(const HttpRequest &request, Responder respond)
{
    // The guard, before any route: DNS rebinding (Host) and cross-site requests (Origin).
    if (std::optional<HttpResponse> refused = LoopbackGuard::refusal(request, m_port))
        return respond(*refused);

    const QString path = request.path;
    const QByteArray method = request.method;
    if (path == QLatin1String("/healthz")) {
        if (method != "GET" && method != "HEAD")
            return respond(
                HttpResponse::error(405, "method_not_allowed", QStringLiteral("use GET")));
        return respond(healthz());
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (m_lockedUntil.isValid() && now < m_lockedUntil) {
        HttpResponse r = HttpResponse::error(
            429, "too_many_auth_failures",
            QStringLiteral("too many requests with a wrong token; try again later"));
        r.headers.append(
            {QByteArrayLiteral("Retry-After"), QByteArray::number(now.secsTo(m_lockedUntil) + 1)});
        return respond(r);
    }
    const TokenBook::Principal who = m_tokens.identify(request.header("authorization"));
    if (who.kind == Kind::None) {
        while (!m_failures.empty() && m_failures.front().secsTo(now) > AuthWindowS)
            m_failures.pop_front();
        m_failures.push_back(now);
        if (int(m_failures.size()) >= MaxAuthFailures) {
            m_lockedUntil = now.addSecs(LockoutS);
            m_failures.clear();
            Logging::get("steward.api")
                ->warn("{} requests with a wrong token within {} s; refusing all for {} s",
                       MaxAuthFailures, AuthWindowS, LockoutS);
        }
        HttpResponse r = HttpResponse::error(401, "unauthorized",
                                             QStringLiteral("a valid bearer token is required"));
        r.headers.append({QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")});
        return respond(r);
    }

    // Routes. A service's token reaches only read routes about itself.
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const bool admin = who.kind == Kind::Admin;
    auto need = [&](std::initializer_list<const char *> methods) {
        for (const char *m : methods) {
            if (method == m)
                return true;
        }
        return false;
    };
    auto wrongMethod = [&] {
        respond(HttpResponse::error(
            405, "method_not_allowed",
            QStringLiteral("%1 is not allowed on %2").arg(QString::fromLatin1(method), path)));
    };
    auto adminOnly = [&] {
        respond(forbidden(QStringLiteral("this route needs the admin token")));
    };

    if (parts.value(0) == QLatin1String("secrets")) {
        if (parts.size() == 1) {
            if (method == "GET")
                return respond(getSecrets(who));
            if (method == "POST")
                return admin ? postSecrets(request, respond) : adminOnly();
            return wrongMethod();
        }
        if (parts.size() == 2 && parts.at(1) == QLatin1String("refresh") && method == "POST")
            return admin ? refreshSecrets({}, respond) : adminOnly();
        if (parts.size() == 2) {
            if (method != "DELETE")
                return wrongMethod();
            return admin ? deleteSecret(parts.at(1), respond) : adminOnly();
        }
        if (parts.size() == 3 && parts.at(2) == QLatin1String("refresh")) {
            if (method != "POST")
                return wrongMethod();
            return admin ? refreshSecrets(parts.at(1), respond) : adminOnly();
        }
        if (parts.size() == 3 && parts.at(2) == QLatin1String("value")) {
            if (method != "GET")
                return wrongMethod();
            return respond(secretValue(parts.at(1), who));
        }
    } else if (path == QLatin1String("/health")) {
        return need({"GET"}) ? respond(health(who)) : wrongMethod();
    } else if (path == QLatin1String("/readyz")) {
        return need({"GET"}) ? respond(readyz()) : wrongMethod();
    } else if (path == QLatin1String("/ports")) {
        return need({"GET"}) ? respond(ports()) : wrongMethod();
    } else if (!admin) {
        return adminOnly();
    } else if (path == QLatin1String("/status")) {
        return need({"GET"}) ? respond(HttpResponse::json(200, statusJson())) : wrongMethod();
    } else if (parts.value(0) == QLatin1String("services")) {
        if (parts.size() == 1)
            return need({"GET"}) ? respond(services()) : wrongMethod();
        if (parts.size() == 3)
            return need({"POST"}) ? respond(serviceAction(parts.at(1), parts.at(2)))
                                  : wrongMethod();
    } else if (path == QLatin1String("/logs/tail")) {
        return need({"GET"}) ? respond(logsTail(request)) : wrongMethod();
    } else if (path == QLatin1String("/telemetry")) {
        return need({"GET"}) ? respond(telemetry()) : wrongMethod();
    } else if (path == QLatin1String("/validate")) {
        return need({"GET"}) ? respond(validate()) : wrongMethod();
    } else if (path == QLatin1String("/openapi.json")) {
        return need({"GET"}) ? respond(openApi()) : wrongMethod();
    } else if (path == QLatin1String("/activate")) {
        if (!need({"POST"}))
            return wrongMethod();
        if (!m_ctx.activate || !m_ctx.activate())
            return respond(HttpResponse::error(
                409, "headless",
                QStringLiteral("Steward runs headless: there is no window to show")));
        return respond(HttpResponse::json(200, {{"window", "settings"}}));
    } else if (path == QLatin1String("/shutdown")) {
        // GET too: the Vrooli runtime's clients use it.
        if (!need({"POST", "GET"}))
            return wrongMethod();
        respond(HttpResponse::json(202, {{"status", "stopping"}}));
        if (m_ctx.shutdown)
            QTimer::singleShot(0, this, m_ctx.shutdown);
        return;
    }
    respond(HttpResponse::error(
        404, "not_found", QStringLiteral("no route %1 %2").arg(QString::fromLatin1(method), path)));
}

json ControlApi::secretEntry(const SecretSpec &spec) const
{
    const InstallState::SecretRecord *rec = m_ctx.keeper ? m_ctx.keeper->record(spec.id) : nullptr;
    json e {{"id", s(spec.id)},
            {"class", s(enumName(spec.secretClass))},
            {"required", spec.required},
            {"has_value", m_ctx.keeper && m_ctx.keeper->value(spec.id).has_value()},
            {"status", rec ? s(InstallState::statusName(rec->status)) : "missing"},
            {"source", rec ? s(InstallState::sourceName(rec->source)) : "none"},
            {"description", nullable(spec.description)},
            {"format", nullable(spec.format)},
            {"prompt",
             spec.prompt ? json {{"label", s(spec.prompt->label)},
                                 {"description", s(spec.prompt->description)},
                                 {"hint", s(spec.prompt->hint)}}
                         : json(nullptr)},
            {"updated_at",
             rec && rec->updatedAt.isValid() ? json(s(rec->updatedAt.toString(Qt::ISODateWithMs)))
                                             : json(nullptr)},
            {"version", rec ? rec->version : 0},
            {"consumers", json::array()}};
    for (const QString &c : m_ctx.manifest->consumersOf(spec.id))
        e["consumers"].push_back(s(c));
    if (rec && !rec->detail.isEmpty())
        e["detail"] = s(rec->detail);
    return e;
}

HttpResponse ControlApi::getSecrets(const TokenBook::Principal &who) const
{
    json list = json::array();
    for (const SecretSpec &spec : m_ctx.manifest->secrets) {
        if (spec.secretClass == SecretClass::Infrastructure)
            continue;
        if (who.kind == Kind::Service
            && !m_ctx.manifest->service(who.serviceId)->secrets.contains(spec.id))
            continue;
        list.push_back(secretEntry(spec));
    }
    return HttpResponse::json(200, {{"secrets", list}});
}

HttpResponse ControlApi::secretValue(const QString &id, const TokenBook::Principal &who) const
{
    if (who.kind != Kind::Service)
        return forbidden(
            QStringLiteral("secret values are given only to the service that uses them"));
    const ServiceSpec *svc = m_ctx.manifest->service(who.serviceId);
    if (!svc->secrets.contains(id))
        return forbidden(
            QStringLiteral("service %1 does not use secret %2").arg(who.serviceId, id));
    const std::optional<QByteArray> value = m_ctx.keeper->value(id);
    if (!value)
        return HttpResponse::error(404, "no_value",
                                   QStringLiteral("secret %1 has no value yet").arg(id));
    const InstallState::SecretRecord *rec = m_ctx.keeper->record(id);
    return HttpResponse::json(
        200, {{"id", s(id)}, {"value", value->toStdString()}, {"version", rec ? rec->version : 0}});
}

void ControlApi::postSecrets(const HttpRequest &request, Responder respond)
{
    // The body is JSON whatever the Content-Type says: the Vrooli runtime's clients send it as
    // they like, and this route needs the admin token, which no web page has.
    json body;
    try {
        body = json::parse(request.body.toStdString());
    } catch (const json::parse_error &e) {
        return respond(HttpResponse::error(
            400, "invalid_json",
            QStringLiteral("the body is not valid JSON (at byte %1)").arg(e.byte)));
    } catch (const json::out_of_range &) {
        // A number too large for a double (1e999) is not a syntax error to nlohmann.
        return respond(HttpResponse::error(
            400, "invalid_json",
            QStringLiteral("the body is not valid JSON (a number is out of range)")));
    }
    QMap<QString, QString> values;
    QMap<QString, QStringList> shapeProblems;
    auto take = [&](const std::string &id, const json &v) {
        if (v.is_string())
            values.insert(QString::fromStdString(id), QString::fromStdString(v.get<std::string>()));
        else
            shapeProblems[QString::fromStdString(id)]
                << QStringLiteral("the value must be a string");
    };
    if (body.is_object() && body.contains("id")) {
        if (!body["id"].is_string() || !body.contains("value") || body.size() != 2)
            return respond(HttpResponse::error(
                400, "invalid_body",
                QStringLiteral("expected {\"id\": \"...\", \"value\": \"...\"}")));
        take(body["id"].get<std::string>(), body["value"]);
    } else if (body.is_object() && body.contains("secrets") && body["secrets"].is_object()) {
        for (auto it = body.begin(); it != body.end(); ++it) {
            // The template from stewardctl template --format json carries these beside "secrets".
            if (it.key() != "secrets" && it.key() != "$comment" && it.key() != "descriptions")
                return respond(HttpResponse::error(
                    400, "invalid_body",
                    QStringLiteral("unknown field \"%1\"").arg(QString::fromStdString(it.key()))));
        }
        for (auto it = body["secrets"].begin(); it != body["secrets"].end(); ++it)
            take(it.key(), it.value());
    } else {
        return respond(
            HttpResponse::error(400, "invalid_body",
                                QStringLiteral("expected {\"id\": ..., \"value\": ...} or "
                                               "{\"secrets\": {\"<id>\": \"<value>\"}}")));
    }
    if (!shapeProblems.isEmpty()) {
        json details = json::object();
        for (auto it = shapeProblems.cbegin(); it != shapeProblems.cend(); ++it)
            details[s(it.key())] = {s(it->join(QStringLiteral("; ")))};
        return respond(HttpResponse::error(400, "invalid_secrets",
                                           QStringLiteral("nothing was stored"), details));
    }
    m_ctx.keeper->provide(values, this, [this, respond](const SecretKeeper::ChangeResult &r) {
        if (!r.problems.isEmpty()) {
            json details = json::object();
            for (auto it = r.problems.cbegin(); it != r.problems.cend(); ++it) {
                json list = json::array();
                for (const QString &p : *it)
                    list.push_back(s(p));
                details[s(it.key())] = list;
            }
            return respond(
                HttpResponse::error(400, "invalid_secrets",
                                    QStringLiteral("nothing was stored: %1 secret(s) have problems")
                                        .arg(r.problems.size()),
                                    details));
        }
        if (!r.ok)
            return respond(HttpResponse::error(
                503, "store_failed", QStringLiteral("nothing was stored: %1").arg(r.error)));
        json changed = json::array(), unchanged = json::array(), affected = json::array();
        QStringList consumers;
        for (const QString &id : r.changed) {
            changed.push_back(s(id));
            for (const QString &c : m_ctx.manifest->consumersOf(id)) {
                if (!consumers.contains(c))
                    consumers << c;
            }
        }
        for (const QString &id : r.unchanged)
            unchanged.push_back(s(id));
        for (const QString &c : consumers)
            affected.push_back(s(c));
        respond(HttpResponse::json(200,
                                   {{"status", "ok"},
                                    {"changed", changed},
                                    {"unchanged", unchanged},
                                    {"services_affected", affected}}));
    });
}

void ControlApi::deleteSecret(const QString &id, Responder respond)
{
    if (!m_ctx.manifest->secret(id))
        return respond(HttpResponse::error(404, "unknown_secret",
                                           QStringLiteral("this bundle has no secret %1").arg(id)));
    m_ctx.keeper->clear(id, this, [respond, id](const SecretKeeper::ChangeResult &r) {
        if (!r.problems.isEmpty())
            return respond(HttpResponse::error(400, "cannot_clear",
                                               r.problems.value(id).join(QStringLiteral("; "))));
        if (!r.ok)
            return respond(HttpResponse::error(503, "store_failed", r.error));
        respond(HttpResponse::json(200, {{"cleared", s(id)}, {"changed", !r.changed.isEmpty()}}));
    });
}

namespace {

// A remote secret's version at the source (KV v2), null when unknown (KV v1, never fetched).
json sourceVersion(const std::optional<SecretKeeper::Freshness> &f)
{
    return f && f->version > 0 ? json(f->version) : json(nullptr);
}

} // namespace

void ControlApi::refreshSecrets(const QString &id, Responder respond)
{
    QStringList ids;
    if (!id.isEmpty()) {
        const SecretSpec *spec = m_ctx.manifest->secret(id);
        if (!spec)
            return respond(HttpResponse::error(
                404, "unknown_secret", QStringLiteral("this bundle has no secret %1").arg(id)));
        if (spec->secretClass != SecretClass::RemoteFetch)
            return respond(HttpResponse::error(
                400, "not_remote",
                QStringLiteral("secret %1 is not fetched from a remote store (it is %2)")
                    .arg(id, enumName(spec->secretClass))));
        ids << id;
    } else if (m_ctx.manifest->secretsOf(SecretClass::RemoteFetch).isEmpty()) {
        return respond(HttpResponse::error(400, "not_remote",
                                           QStringLiteral("this bundle has no remote secrets")));
    }
    if (!m_ctx.keeper)
        return respond(
            HttpResponse::error(503, "starting", QStringLiteral("the secrets are not loaded yet")));
    m_ctx.keeper->refreshRemote(ids, this, [this, respond](const SecretKeeper::RefreshResult &r) {
        json failed = json::object();
        for (auto it = r.failed.cbegin(); it != r.failed.cend(); ++it)
            failed[s(it.key())] = s(it.value());
        json changed = json::array();
        for (const QString &c : r.changed) {
            json consumers = json::array();
            for (const QString &svc : m_ctx.manifest->consumersOf(c))
                consumers.push_back(s(svc));
            const std::optional<SecretKeeper::Freshness> f = m_ctx.keeper->freshness(c);
            changed.push_back(
                {{"id", s(c)}, {"version", sourceVersion(f)}, {"consumers", consumers}});
        }
        json unchanged = json::array();
        for (const QString &u : r.unchanged) {
            const std::optional<SecretKeeper::Freshness> f = m_ctx.keeper->freshness(u);
            unchanged.push_back({{"id", s(u)}, {"version", sourceVersion(f)}});
        }
        respond(HttpResponse::json(
            200, {{"changed", changed}, {"unchanged", unchanged}, {"failed", failed}}));
    });
}

HttpResponse ControlApi::health(const TokenBook::Principal &who) const
{
    json body {
        {"status",
         m_ctx.supervisor ? s(Supervisor::statusName(m_ctx.supervisor->status())) : "starting"},
        {"token_age_seconds", nullptr},
        {"token_ttl_seconds", nullptr},
        {"last_refresh_ok", nullptr},
        {"last_refresh_at", nullptr},
        {"remote", json::object()}};
    const QList<RemoteSecretProvider *> providers
        = m_ctx.keeper ? m_ctx.keeper->remoteProviders() : QList<RemoteSecretProvider *> {};
    if (providers.isEmpty())
        return HttpResponse::json(200, body);
    for (const RemoteSecretProvider *provider : providers)
        body.update(provider->healthFields());
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (const std::optional<SecretKeeper::RefreshResult> last = m_ctx.keeper->lastRefresh()) {
        body["last_refresh_ok"] = last->ok();
        body["last_refresh_at"] = s(m_ctx.keeper->lastRefreshAt().toString(Qt::ISODateWithMs));
    }
    for (const SecretSpec *secret : m_ctx.manifest->secretsOf(SecretClass::RemoteFetch)) {
        const SecretSpec &spec = *secret;
        if (who.kind == TokenBook::Principal::Kind::Service
            && !m_ctx.manifest->service(who.serviceId)->secrets.contains(spec.id))
            continue;
        const InstallState::SecretRecord *rec = m_ctx.keeper->record(spec.id);
        const std::optional<SecretKeeper::Freshness> f = m_ctx.keeper->freshness(spec.id);
        const bool fetched = f && f->fetchedAt.isValid();
        const RemoteSecretProvider *source = m_ctx.keeper->providerFor(spec);
        body["remote"][s(spec.id)] = {
            {"source", source ? s(source->describe(spec)) : "not configured"},
            {"status", rec ? s(InstallState::statusName(rec->status)) : "missing"},
            {"version", fetched ? sourceVersion(f) : json(nullptr)},
            {"age_seconds", fetched ? json(f->fetchedAt.secsTo(now)) : json(nullptr)},
            {"last_error", f && !f->lastError.isEmpty() ? json(s(f->lastError)) : json(nullptr)}};
    }
    return HttpResponse::json(200, body);
}

json ControlApi::serviceEntry(const QString &id) const
{
    const ServiceSpec *spec = m_ctx.manifest->service(id);
    ManagedService *svc = m_ctx.supervisor ? m_ctx.supervisor->service(id) : nullptr;
    json ports = json::object();
    if (m_ctx.supervisor) {
        const QMap<QString, int> p = m_ctx.supervisor->ports().value(id);
        for (auto it = p.cbegin(); it != p.cend(); ++it)
            ports[s(it.key())] = it.value();
    }
    json e {{"id", s(id)},
            {"type", s(spec->typeName.isEmpty() ? enumName(spec->type) : spec->typeName)},
            {"critical", spec->critical},
            {"ready", svc && svc->state() == ManagedService::State::Ready},
            {"state", svc ? s(ManagedService::stateName(svc->state())) : "waiting"},
            {"message", svc ? nullable(svc->message()) : json(nullptr)},
            {"exit_code", svc && svc->exitCode() ? json(*svc->exitCode()) : json(nullptr)},
            {"restarts", svc ? svc->restarts() : 0},
            {"pid", svc && svc->isRunning() ? json(svc->pid()) : json(nullptr)},
            {"ports", ports},
            {"dependencies", json::array()}};
    for (const QString &d : spec->dependencies)
        e["dependencies"].push_back(s(d));
    return e;
}

HttpResponse ControlApi::readyz() const
{
    json details = json::object();
    bool ready = m_ctx.supervisor != nullptr;
    for (const ServiceSpec &spec : m_ctx.manifest->services) {
        json e = serviceEntry(spec.id);
        const ServiceTimeline::Times t = m_timeline->times(spec.id);
        // An on-demand service nobody started yet is left out of readiness, as the Vrooli
        // runtime does.
        const ManagedService *svc = m_ctx.supervisor ? m_ctx.supervisor->service(spec.id) : nullptr;
        const bool skipped
            = svc ? m_ctx.supervisor->isSkipped(svc) : spec.isOnDemand() && !t.startedAt.isValid();
        e["skipped"] = skipped;
        e["started_at"] = timestamp(t.startedAt);
        e["ready_at"] = timestamp(t.readyAt);
        e["exited_at"] = timestamp(t.exitedAt);
        e["updated_at"] = timestamp(t.updatedAt);
        if (spec.critical && !skipped && !e["ready"].get<bool>())
            ready = false;
        details[s(spec.id)] = std::move(e);
    }
    return HttpResponse::json(200, {{"ready", ready}, {"details", details}, {"gpu", gpuJson()}});
}

json ControlApi::gpuJson() const
{
    json requirements = json::object();
    for (const ServiceSpec &spec : m_ctx.manifest->services) {
        if (spec.gpu != GpuRequirement::None)
            requirements[s(spec.id)] = s(enumName(spec.gpu));
    }
    const std::optional<GpuProbe::Status> st
        = m_ctx.supervisor ? m_ctx.supervisor->gpu().status() : std::nullopt;
    if (!st)
        return {{"available", false},
                {"method", "pending"},
                {"reason", "the GPU has not been probed yet"},
                {"requirements", requirements}};
    return {{"available", st->available},
            {"method", s(st->method)},
            {"reason", s(st->reason)},
            {"requirements", requirements}};
}

HttpResponse ControlApi::healthz() const
{
    // Anyone on the machine may ask (no token): how many services, never what they are doing.
    return HttpResponse::json(
        200,
        {{"status", "ok"},
         {"services", m_ctx.manifest ? int(m_ctx.manifest->services.size()) : 0},
         {"runtime",
          s(QStringLiteral("steward %1 (Qt %2)")
                .arg(QCoreApplication::applicationVersion(), QString::fromLatin1(qVersion()))
                .simplified())}});
}

json ControlApi::statusJson() const
{
    json services = json::array();
    for (const ServiceSpec &spec : m_ctx.manifest->services)
        services.push_back(serviceEntry(spec.id));
    json missing = json::array();
    for (const QString &id : m_ctx.keeper->missingRequired())
        missing.push_back(s(id));
    json imported = nullptr;
    if (const auto &r = m_ctx.imported) {
        json migrations = json::object();
        for (auto it = r->migrations.cbegin(); it != r->migrations.cend(); ++it) {
            json versions = json::array();
            for (const QString &v : *it)
                versions.push_back(s(v));
            migrations[s(it.key())] = versions;
        }
        auto list = [](const QStringList &ids) {
            json out = json::array();
            for (const QString &id : ids)
                out.push_back(s(id));
            return out;
        };
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
    return {
        {"app", {{"name", s(m.app.name)}, {"version", s(m.app.version)}}},
        {"status",
         m_ctx.supervisor ? s(Supervisor::statusName(m_ctx.supervisor->status())) : "starting"},
        {"reason", m_ctx.supervisor ? nullable(m_ctx.supervisor->statusReason()) : json(nullptr)},
        {"secrets_phase", s(SecretKeeper::phaseName(m_ctx.keeper->phase()))},
        {"missing_secrets", missing},
        {"store", s(m_ctx.keeper->store().backendName())},
        {"services", services},
        {"imported", imported},
        // No sandbox is applied to services yet (docs/security.md), whatever the kernel offers.
        {"isolation",
         {{"services_isolated", false},
          {"landlock_abi", Sandbox::abi()},
          {"message", "services are not isolated from each other on this system"}}},
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
        {"ipc_port", m_port},
        {"runtime_version", s(QStringLiteral("Qt %1").arg(QString::fromLatin1(qVersion())))},
        {"build_version", s(QCoreApplication::applicationVersion())}};
}

HttpResponse ControlApi::ports() const
{
    json out = json::object();
    if (m_ctx.supervisor) {
        const auto &all = m_ctx.supervisor->ports();
        for (auto it = all.cbegin(); it != all.cend(); ++it) {
            json p = json::object();
            for (auto jt = it->cbegin(); jt != it->cend(); ++jt)
                p[s(jt.key())] = jt.value();
            out[s(it.key())] = p;
        }
    }
    return HttpResponse::json(200, {{"services", out}});
}

HttpResponse ControlApi::services() const
{
    json list = json::array();
    for (const ServiceSpec &spec : m_ctx.manifest->services)
        list.push_back(serviceEntry(spec.id));
    return HttpResponse::json(200, {{"services", list}});
}

HttpResponse ControlApi::serviceAction(const QString &id, const QString &action)
{
    if (!m_ctx.manifest->service(id))
        return HttpResponse::error(404, "unknown_service",
                                   QStringLiteral("this bundle has no service %1").arg(id));
    if (!m_ctx.supervisor)
        return HttpResponse::error(409, "not_started",
                                   QStringLiteral("services have not been started yet"));
    if (action == QLatin1String("restart"))
        m_ctx.supervisor->restartService(id);
    else if (action == QLatin1String("stop"))
        m_ctx.supervisor->stopService(id);
    else if (action == QLatin1String("start"))
        m_ctx.supervisor->startService(id);
    else
        return HttpResponse::error(
            404, "not_found",
            QStringLiteral("no action %1; use restart, stop or start").arg(action));
    return HttpResponse::json(202, {{"service", s(id)}, {"action", s(action)}});
}

HttpResponse ControlApi::logsTail(const HttpRequest &request) const
{
    const QString id = request.query.queryItemValue(QStringLiteral("serviceId"));
    if (id.isEmpty())
        return HttpResponse::error(400, "missing_parameter",
                                   QStringLiteral("give the service as ?serviceId=<id>"));
    ManagedService *svc = m_ctx.supervisor ? m_ctx.supervisor->service(id) : nullptr;
    if (!m_ctx.manifest->service(id))
        return HttpResponse::error(404, "unknown_service",
                                   QStringLiteral("this bundle has no service %1").arg(id));
    int lines = 100;
    if (request.query.hasQueryItem(QStringLiteral("lines"))) {
        bool ok = false;
        const qlonglong n = request.query.queryItemValue(QStringLiteral("lines")).toLongLong(&ok);
        if (!ok || n < 1)
            return HttpResponse::error(400, "invalid_parameter",
                                       QStringLiteral("lines must be a positive whole number"));
        lines = int(std::min<qlonglong>(n, MaxLogLines));
    }
    const QStringList tail = svc ? svc->log()->tail(lines) : QStringList(); // redacted already
    if (!wantsJson(request)) {
        QByteArray text;
        for (const QString &l : tail)
            text += l.toUtf8() + '\n';
        return HttpResponse::text(200, text);
    }
    json out = json::array();
    for (const QString &l : tail)
        out.push_back(s(l));
    return HttpResponse::json(200, {{"service", s(id)}, {"lines", out}});
}

HttpResponse ControlApi::telemetry() const
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

HttpResponse ControlApi::validate() const
{
    json errors = json::array(), warnings = json::array();
    for (const Diagnostic &d : m_ctx.diagnostics)
        (d.isError() ? errors : warnings)
            .push_back({{"path", s(d.path)}, {"message", s(d.message)}});
    return HttpResponse::json(
        200, {{"valid", errors.empty()}, {"errors", errors}, {"warnings", warnings}});
}

HttpResponse ControlApi::openApi() const
{
    QFile f(QStringLiteral(":/steward/openapi.json"));
    if (!f.open(QIODevice::ReadOnly))
        return HttpResponse::error(500, "missing_document",
                                   QStringLiteral("the OpenAPI document is not built in"));
    HttpResponse r;
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = f.readAll();
    return r;
}

} // namespace steward
