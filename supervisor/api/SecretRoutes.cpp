#include "SecretRoutes.h"

#include "ApiJson.h"
#include "process/Supervisor.h"
#include "secrets/AuditTrail.h"
#include "secrets/RemoteSecretProvider.h"
#include "secrets/SecretKeeper.h"
#include "secrets/ShapedValue.h"

#include <QUrlQuery>

namespace steward {

using namespace apijson;
using Kind = TokenBook::Principal::Kind;

namespace {

// A remote secret's version at the source (KV v2), null when unknown (KV v1, never fetched).
json sourceVersion(const std::optional<SecretKeeper::Freshness> &f)
{
    return f && f->version > 0 ? json(f->version) : json(nullptr);
}

json problemDetails(const QMap<QString, QStringList> &problems)
{
    json details = json::object();
    for (auto it = problems.cbegin(); it != problems.cend(); ++it)
        details[s(it.key())] = list(*it);
    return details;
}

bool isDryRun(const HttpRequest &request)
{
    const QString v = request.query.queryItemValue(QStringLiteral("dry_run"));
    return v == QLatin1String("true") || v == QLatin1String("1");
}

// Who changes a secret through the API, for its history and the audit trail. stewardctl says
// so in its User-Agent; it holds the admin token like any other admin client.
SecretKeeper::Origin originOf(const HttpRequest &request)
{
    if (request.header("user-agent").startsWith("stewardctl"))
        return {QStringLiteral("stewardctl"), QStringLiteral("stewardctl"), isDryRun(request)};
    return {QStringLiteral("api"), QStringLiteral("admin token"), isDryRun(request)};
}

ApiError unknownSecret(const QString &id)
{
    return {404, "unknown_secret", QStringLiteral("this bundle has no secret %1").arg(id)};
}

ApiError notLoaded()
{
    return {503,
            "starting",
            QStringLiteral("the secrets are not loaded yet"),
            nullptr,
            {{QByteArrayLiteral("Retry-After"), QByteArrayLiteral("1")}}};
}

// The most entries one GET /audit answers with (the newest ones).
constexpr qsizetype MaxAuditEntries = 1000;

} // namespace

SecretRoutes::SecretRoutes(const ApiContext &ctx, QObject *context)
    : m_ctx(ctx)
    , m_context(context)
{ }

void SecretRoutes::addTo(RouteTable &table)
{
    const Callers anyToken = Caller::Admin | Caller::Service;
    auto sync = [](auto method) {
        return [method](const ApiCall &call, ApiReply reply) {
            reply(method(call));
        };
    };
    table.add({.method = "GET",
               .pattern = QStringLiteral("/secrets"),
               .callers = anyToken,
               .handler = sync([this](const ApiCall &c) { return secrets(c); }),
               .cacheable = true});
    table.add(
        {"POST", QStringLiteral("/secrets"), Caller::Admin, [this](const ApiCall &c, ApiReply r) {
             store(c, std::move(r));
         }});
    table.add({"DELETE", QStringLiteral("/secrets/{id}"), Caller::Admin,
               [this](const ApiCall &c, ApiReply r) {
                   clear(c, std::move(r));
               }});
    table.add({"GET", QStringLiteral("/secrets/{id}/history"), Caller::Admin,
               [this](const ApiCall &c, ApiReply r) {
                   history(c, std::move(r));
               }});
    table.add({"POST", QStringLiteral("/secrets/{id}/rollback"), Caller::Admin,
               [this](const ApiCall &c, ApiReply r) {
                   rollback(c, std::move(r));
               }});
    table.add({"GET", QStringLiteral("/audit"), Caller::Admin,
               sync([this](const ApiCall &c) { return audit(c); })});
    table.add({"POST", QStringLiteral("/secrets/refresh"), Caller::Admin,
               [this](const ApiCall &, ApiReply r) {
                   refresh({}, std::move(r));
               }});
    table.add({"POST", QStringLiteral("/secrets/{id}/refresh"), Caller::Admin,
               [this](const ApiCall &c, ApiReply r) {
                   refresh(c.params.at(0), std::move(r));
               }});
    table.add({"GET", QStringLiteral("/secrets/{id}/value"), Caller::Service,
               sync([this](const ApiCall &c) { return value(c); }),
               QStringLiteral("secret values are given only to the service that uses them"),
               /*returnsSecretValue=*/true});
    table.add({"GET", QStringLiteral("/health"), anyToken,
               sync([this](const ApiCall &c) { return health(c); })});
}

json SecretRoutes::entry(const SecretSpec &spec) const
{
    const InstallState::SecretRecord *rec = m_ctx.keeper ? m_ctx.keeper->record(spec.id) : nullptr;
    json e {{"id", s(spec.id)},
            {"class", s(enumName(spec.secretClass))},
            {"required", spec.required},
            {"has_value", m_ctx.keeper && m_ctx.keeper->value(spec.id).has_value()},
            {"status",
             !m_ctx.secretsLoaded() ? "loading"
                 : rec              ? s(InstallState::statusName(rec->status))
                                    : "missing"},
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
            {"consumers", list(m_ctx.manifest->consumersOf(spec.id))}};
    if (rec && !rec->detail.isEmpty())
        e["detail"] = s(rec->detail);
    return e;
}

ApiResult SecretRoutes::secrets(const ApiCall &call) const
{
    json secrets = json::array();
    for (const SecretSpec &spec : m_ctx.manifest->secrets) {
        if (spec.secretClass == SecretClass::Infrastructure)
            continue;
        if (call.who.kind == Kind::Service
            && !m_ctx.manifest->service(call.who.serviceId)->secrets.contains(spec.id))
            continue;
        secrets.push_back(entry(spec));
    }
    return HttpResponse::json(200, {{"secrets", secrets}, {"state", m_ctx.secretsStateName()}});
}

ApiResult SecretRoutes::value(const ApiCall &call) const
{
    const QString &id = call.params.at(0);
    const QString &service = call.who.serviceId;
    const ServiceSpec *svc = m_ctx.manifest->service(service);
    if (!svc->secrets.contains(id)) {
        if (m_ctx.audit && m_ctx.manifest->secret(id))
            m_ctx.audit->record(
                {service, QStringLiteral("read"), id, service, QStringLiteral("refused")});
        return ApiError {403, "forbidden",
                         QStringLiteral("service %1 does not use secret %2").arg(service, id)};
    }
    if (!m_ctx.secretsLoaded())
        return notLoaded();
    const std::optional<QByteArray> value = m_ctx.keeper->value(id);
    if (!value)
        return ApiError {404, "no_value", QStringLiteral("secret %1 has no value yet").arg(id)};
    if (m_ctx.audit)
        m_ctx.audit->record({service, QStringLiteral("read"), id, service, QStringLiteral("ok")});
    const InstallState::SecretRecord *rec = m_ctx.keeper->record(id);
    return HttpResponse::json(
        200, {{"id", s(id)}, {"value", value->toStdString()}, {"version", rec ? rec->version : 0}});
}

void SecretRoutes::store(const ApiCall &call, ApiReply reply)
{
    // The body is JSON whatever the Content-Type says: the Vrooli runtime's clients send it as
    // they like, and this route needs the admin token, which no web page has.
    json body;
    try {
        body = json::parse(call.request.body.toStdString());
    } catch (const json::parse_error &e) {
        return reply(
            ApiError {400, "invalid_json",
                      QStringLiteral("the body is not valid JSON (at byte %1)").arg(e.byte)});
    } catch (const json::out_of_range &) {
        // A number too large for a double (1e999) is not a syntax error to nlohmann.
        return reply(
            ApiError {400, "invalid_json",
                      QStringLiteral("the body is not valid JSON (a number is out of range)")});
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
            return reply(
                ApiError {400, "invalid_body",
                          QStringLiteral("expected {\"id\": \"...\", \"value\": \"...\"}")});
        take(body["id"].get<std::string>(), body["value"]);
    } else if (body.is_object() && body.contains("secrets") && body["secrets"].is_object()) {
        for (auto it = body.begin(); it != body.end(); ++it) {
            // The template from stewardctl template --format json carries these beside "secrets".
            if (it.key() != "secrets" && it.key() != "$comment" && it.key() != "descriptions")
                return reply(ApiError {
                    400, "invalid_body",
                    QStringLiteral("unknown field \"%1\"").arg(QString::fromStdString(it.key()))});
        }
        for (auto it = body["secrets"].begin(); it != body["secrets"].end(); ++it)
            take(it.key(), it.value());
    } else {
        return reply(ApiError {400, "invalid_body",
                               QStringLiteral("expected {\"id\": ..., \"value\": ...} or "
                                              "{\"secrets\": {\"<id>\": \"<value>\"}}")});
    }
    if (!shapeProblems.isEmpty())
        return reply(ApiError {400, "invalid_secrets", QStringLiteral("nothing was stored"),
                               problemDetails(shapeProblems)});
    if (!m_ctx.secretsLoaded())
        return reply(notLoaded());
    const SecretKeeper::Origin origin = originOf(call.request);
    m_ctx.keeper->provide(
        values, m_context,
        [this, reply, origin](const SecretKeeper::ChangeResult &r) {
            if (!r.problems.isEmpty())
                return reply(
                    ApiError {400, "invalid_secrets",
                              QStringLiteral("nothing was stored: %1 secret(s) have problems")
                                  .arg(r.problems.size()),
                              problemDetails(r.problems)});
            if (!r.ok)
                return reply(ApiError {503, "store_failed",
                                       QStringLiteral("nothing was stored: %1").arg(r.error)});
            reply(HttpResponse::json(200, changeAnswer(r, origin.dryRun)));
        },
        origin);
}

json SecretRoutes::changeAnswer(const SecretKeeper::ChangeResult &r, bool dryRun) const
{
    json answer {{"status", "ok"},
                 {"changed", list(r.changed)},
                 {"unchanged", list(r.unchanged)},
                 {"services_affected", list(m_ctx.manifest->consumersOf(r.changed))}};
    if (dryRun)
        answer["dry_run"] = true;
    if (!r.warning.isEmpty())
        answer["warning"] = s(r.warning);
    return answer;
}

void SecretRoutes::clear(const ApiCall &call, ApiReply reply)
{
    const QString &id = call.params.at(0);
    if (!m_ctx.manifest->secret(id))
        return reply(unknownSecret(id));
    if (!m_ctx.secretsLoaded())
        return reply(notLoaded());
    const SecretKeeper::Origin origin = originOf(call.request);
    m_ctx.keeper->clear(
        id, m_context,
        [this, reply, id, origin](const SecretKeeper::ChangeResult &r) {
            if (!r.problems.isEmpty())
                return reply(ApiError {400, "cannot_clear",
                                       r.problems.value(id).join(QStringLiteral("; "))});
            if (!r.ok)
                return reply(ApiError {503, "store_failed", r.error});
            json answer = changeAnswer(r, origin.dryRun);
            answer["cleared"] = s(id);
            answer["changed"] = !r.changed.isEmpty();
            reply(HttpResponse::json(200, answer));
        },
        origin);
}

void SecretRoutes::history(const ApiCall &call, ApiReply reply) const
{
    const QString &id = call.params.at(0);
    const SecretSpec *spec = m_ctx.manifest->secret(id);
    if (!spec || spec->secretClass == SecretClass::Infrastructure)
        return reply(unknownSecret(id));
    if (!m_ctx.secretsLoaded())
        return reply(notLoaded());
    const int current = m_ctx.keeper->currentVersion(id);
    json versions = json::array();
    for (const InstallState::SecretVersion &v : m_ctx.keeper->history(id)) {
        versions.push_back({{"version", v.number},
                            {"current", current > 0 && v.number == current},
                            {"source", s(v.source)},
                            {"actor", s(v.actor)},
                            {"created_at", timestamp(v.createdAt)}});
    }
    json body {{"id", s(id)}, {"versions", versions}};
    if (spec->secretClass != SecretClass::RemoteFetch)
        return reply(HttpResponse::json(200, body));
    // A remote secret's versions at its source (KV v2), beside Steward's local numbers: those
    // are what a rollback names.
    body["source_version"] = sourceVersion(m_ctx.keeper->freshness(id));
    RemoteSecretProvider *provider = m_ctx.keeper->providerFor(*spec);
    auto answer = [reply, body](const QString &error,
                                const QList<RemoteSecretProvider::SourceVersion> &kept,
                                int current) mutable {
        json out = json::array();
        for (const RemoteSecretProvider::SourceVersion &v : kept)
            out.push_back({{"version", v.version},
                           {"current", v.version == current},
                           {"created_at", timestamp(v.createdAt)},
                           {"deleted", v.deleted},
                           {"destroyed", v.destroyed}});
        body["source_versions"] = error.isEmpty() ? out : json(nullptr);
        body["source_versions_error"] = nullable(error);
        reply(HttpResponse::json(200, body));
    };
    if (!provider)
        return answer(QStringLiteral("no remote secret source is configured"), {}, 0);
    provider->versions(*spec, m_context,
                       [answer](const SecretStore::Error &e,
                                const QList<RemoteSecretProvider::SourceVersion> &kept,
                                int current) mutable { answer(e.message, kept, current); });
}

void SecretRoutes::rollback(const ApiCall &call, ApiReply reply)
{
    const QString &id = call.params.at(0);
    if (!m_ctx.manifest->secret(id))
        return reply(unknownSecret(id));
    const json body = json::parse(call.request.body.toStdString(), nullptr, false);
    if (!body.is_object() || !body.contains("version") || !body["version"].is_number_integer()
        || body.size() != 1)
        return reply(ApiError {400, "invalid_body",
                               QStringLiteral("expected {\"version\": N}, N a kept version "
                                              "of GET /secrets/%1/history")
                                   .arg(id)});
    const json::number_integer_t version = body["version"].get<json::number_integer_t>();
    if (version < 1 || version > std::numeric_limits<int>::max())
        return reply(ApiError {400, "invalid_body",
                               QStringLiteral("the version must be a positive number")});
    if (!m_ctx.secretsLoaded())
        return reply(notLoaded());
    const SecretKeeper::Origin origin = originOf(call.request);
    m_ctx.keeper->rollback(
        id, int(version), m_context,
        [this, reply, id, origin](const SecretKeeper::ChangeResult &r) {
            if (!r.problems.isEmpty())
                return reply(ApiError {400, "cannot_roll_back",
                                       r.problems.value(id).join(QStringLiteral("; "))});
            if (!r.ok)
                return reply(ApiError {503, "store_failed",
                                       QStringLiteral("nothing was changed: %1").arg(r.error)});
            reply(HttpResponse::json(200, changeAnswer(r, origin.dryRun)));
        },
        origin);
}

ApiResult SecretRoutes::audit(const ApiCall &call) const
{
    if (!m_ctx.audit)
        return ApiError {503, "no_audit_trail",
                         QStringLiteral("this run of Steward keeps no audit trail")};
    const QUrlQuery &query = call.request.query;
    if (query.hasQueryItem(QStringLiteral("verify"))) {
        const AuditTrail::Verdict v = m_ctx.audit->check();
        return HttpResponse::json(200,
                                  {{"ok", v.ok},
                                   {"entries", v.entries},
                                   {"file", nullable(v.file)},
                                   {"line", v.line > 0 ? json(v.line) : json(nullptr)},
                                   {"problem", nullable(v.problem)}});
    }
    AuditTrail::Filter filter;
    if (query.hasQueryItem(QStringLiteral("since"))) {
        const QString since = query.queryItemValue(QStringLiteral("since"));
        filter.since = QDateTime::fromString(since, Qt::ISODateWithMs);
        if (!filter.since.isValid())
            filter.since = QDateTime::fromString(since, Qt::ISODate);
        if (!filter.since.isValid())
            return ApiError {400, "invalid_since",
                             QStringLiteral("since must be a date and time such as "
                                            "2026-12-02T10:00:00Z (got \"%1\")")
                                 .arg(since)};
    }
    filter.secret = query.queryItemValue(QStringLiteral("secret"));
    const QList<AuditTrail::Entry> found = m_ctx.audit->entries(filter);
    json entries = json::array();
    for (qsizetype i = std::max<qsizetype>(0, found.size() - MaxAuditEntries); i < found.size();
         ++i)
        entries.push_back(AuditTrail::toObject(found.at(i)));
    return HttpResponse::json(
        200, {{"entries", entries}, {"truncated", found.size() > MaxAuditEntries}});
}

void SecretRoutes::refresh(const QString &id, ApiReply reply)
{
    QStringList ids;
    if (!id.isEmpty()) {
        const SecretSpec *spec = m_ctx.manifest->secret(id);
        if (!spec)
            return reply(unknownSecret(id));
        if (spec->secretClass != SecretClass::RemoteFetch)
            return reply(
                ApiError {400, "not_remote",
                          QStringLiteral("secret %1 is not fetched from a remote store (it is %2)")
                              .arg(id, enumName(spec->secretClass))});
        ids << id;
    } else if (m_ctx.manifest->secretsOf(SecretClass::RemoteFetch).isEmpty()) {
        return reply(
            ApiError {400, "not_remote", QStringLiteral("this bundle has no remote secrets")});
    }
    if (!m_ctx.secretsLoaded())
        return reply(notLoaded());
    m_ctx.keeper->refreshRemote(
        ids, m_context, [this, reply](const SecretKeeper::RefreshResult &r) {
            json failed = json::object();
            for (auto it = r.failed.cbegin(); it != r.failed.cend(); ++it)
                failed[s(it.key())] = s(it.value());
            json changed = json::array();
            for (const QString &c : r.changed) {
                const std::optional<SecretKeeper::Freshness> f = m_ctx.keeper->freshness(c);
                changed.push_back({{"id", s(c)},
                                   {"version", sourceVersion(f)},
                                   {"consumers", list(m_ctx.manifest->consumersOf(c))}});
            }
            json unchanged = json::array();
            for (const QString &u : r.unchanged) {
                const std::optional<SecretKeeper::Freshness> f = m_ctx.keeper->freshness(u);
                unchanged.push_back({{"id", s(u)}, {"version", sourceVersion(f)}});
            }
            reply(HttpResponse::json(
                200, {{"changed", changed}, {"unchanged", unchanged}, {"failed", failed}}));
        });
}

ApiResult SecretRoutes::health(const ApiCall &call) const
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
        if (call.who.kind == Kind::Service
            && !m_ctx.manifest->service(call.who.serviceId)->secrets.contains(spec.id))
            continue;
        const InstallState::SecretRecord *rec = m_ctx.keeper->record(spec.id);
        const std::optional<SecretKeeper::Freshness> f = m_ctx.keeper->freshness(spec.id);
        const bool fetched = f && f->fetchedAt.isValid();
        const RemoteSecretProvider *source = m_ctx.keeper->providerFor(spec);
        body["remote"][s(spec.id)]
            = {{"source", source ? s(source->describe(spec)) : "not configured"},
               {"status",
                !m_ctx.secretsLoaded() ? "loading"
                    : rec              ? s(InstallState::statusName(rec->status))
                                       : "missing"},
               {"version", fetched ? sourceVersion(f) : json(nullptr)},
               {"age_seconds", fetched ? json(f->fetchedAt.secsTo(now)) : json(nullptr)},
               {"last_error", f && !f->lastError.isEmpty() ? json(s(f->lastError)) : json(nullptr)},
               // What changed at the last rotation: .env keys or config files by name (never a
               // value), or the secret's id.
               {"changed", f ? list(f->changed) : json::array()}};
        // A .env or a set of config files: the keys the services are given, or the files.
        if (spec.source && spec.source->shape != RemoteSource::Shape::Value) {
            const std::optional<QByteArray> value
                = m_ctx.secretsLoaded() ? m_ctx.keeper->value(spec.id) : std::nullopt;
            QStringList names = value ? ShapedValue::parts(spec, *value).keys() : QStringList();
            const bool env = spec.source->shape == RemoteSource::Shape::Env;
            if (env)
                names.removeIf([&spec](const QString &key) { return !spec.source->takes(key); });
            body["remote"][s(spec.id)][env ? "keys" : "files"] = list(names);
        }
    }
    return HttpResponse::json(200, body);
}

} // namespace steward
