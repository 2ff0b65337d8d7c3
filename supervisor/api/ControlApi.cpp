#include "ControlApi.h"

#include "AppRoutes.h"
#include "LoopbackGuard.h"
#include "SecretRoutes.h"
#include "ServiceRoutes.h"
#include "ServiceTimeline.h"
#include "core/Redactor.h"
#include "logging/Logging.h"
#include "process/GpuProbe.h"
#include "process/Supervisor.h"
#include "secrets/AuditTrail.h"
#include "secrets/SecretKeeper.h"

// The OpenAPI document is a resource of this static library: it must be registered by name.
static void initApiResources()
{
    Q_INIT_RESOURCE(api);
}

namespace steward {

using Kind = TokenBook::Principal::Kind;

ControlApi::ControlApi(ApiContext context, const TokenBook &tokens, QObject *parent)
    : QObject(parent)
    , m_ctx(std::move(context))
    , m_tokens(tokens)
    , m_timeline(new ServiceTimeline(this))
{
    initApiResources();
    m_timeline->attach(m_ctx.supervisor);
    watch(m_ctx.supervisor);
    watch(m_ctx.keeper);
    m_serviceRoutes = std::make_unique<ServiceRoutes>(m_ctx, *m_timeline);
    m_secretRoutes = std::make_unique<SecretRoutes>(m_ctx, this);
    m_appRoutes = std::make_unique<AppRoutes>(m_ctx, *m_serviceRoutes, this);
    m_appRoutes->addTo(m_routes);
    m_secretRoutes->addTo(m_routes);
    m_serviceRoutes->addTo(m_routes);
}

ControlApi::~ControlApi() = default;

void ControlApi::setSupervisor(Supervisor *s)
{
    m_ctx.supervisor = s;
    m_timeline->attach(s);
    watch(s);
}

void ControlApi::setSecrets(SecretKeeper *keeper, AuditTrail *audit)
{
    m_ctx.keeper = keeper;
    m_ctx.audit = audit;
    watch(keeper);
}

void ControlApi::setImported(std::optional<ReferenceInstallImport::Report> imported)
{
    m_ctx.imported = std::move(imported);
    m_cache.invalidate();
}

void ControlApi::watch(Supervisor *supervisor)
{
    m_cache.invalidate();
    if (!supervisor)
        return;
    connect(supervisor, &Supervisor::statusChanged, this, &ControlApi::invalidateCache,
            Qt::UniqueConnection);
    connect(supervisor, &Supervisor::serviceStateChanged, this, &ControlApi::invalidateCache,
            Qt::UniqueConnection);
    connect(&supervisor->gpu(), &GpuProbe::answered, this, &ControlApi::invalidateCache,
            Qt::UniqueConnection);
}

void ControlApi::watch(SecretKeeper *keeper)
{
    m_cache.invalidate();
    if (!keeper)
        return;
    connect(keeper, &SecretKeeper::phaseChanged, this, &ControlApi::invalidateCache,
            Qt::UniqueConnection);
    connect(keeper, &SecretKeeper::secretsChanged, this, &ControlApi::invalidateCache,
            Qt::UniqueConnection);
    connect(keeper, &SecretKeeper::recordsChanged, this, &ControlApi::invalidateCache,
            Qt::UniqueConnection);
    connect(keeper, &SecretKeeper::remoteRefreshed, this, &ControlApi::invalidateCache,
            Qt::UniqueConnection);
}

void ControlApi::invalidateCache()
{
    m_cache.invalidate();
}

void ControlApi::handle(const HttpRequest &request, Responder respond)
{
    const RouteTable::Match match = m_routes.match(request.method, request.path);
    // Admitted by checkHead() on this very head: half the cost of a request is not paid twice.
    if (request.admitted && match.route)
        return dispatch(*match.route, ApiCall {request, *request.admitted, match.params}, respond);
    TokenBook::Principal who;
    std::optional<ApiResult> refused = guard(request, match, &who);
    if (!refused)
        refused = admission(request, match, who);
    if (refused) {
        audit(request, match, who, *refused);
        return respond(toHttp(std::move(*refused), true));
    }
    dispatch(*match.route, ApiCall {request, who, match.params}, respond);
}

std::optional<HttpResponse> ControlApi::checkHead(HttpRequest &head, bool *authenticated)
{
    const RouteTable::Match match = m_routes.match(head.method, head.path);
    TokenBook::Principal who;
    std::optional<ApiResult> refused = guard(head, match, &who);
    *authenticated = who.kind != Kind::None;
    if (!refused)
        refused = admission(head, match, who);
    if (!refused) {
        head.admitted = who;
        return std::nullopt;
    }
    audit(head, match, who, *refused);
    return toHttp(std::move(*refused), true);
}

void ControlApi::audit(const HttpRequest &request, const RouteTable::Match &match,
                       const TokenBook::Principal &who, const ApiResult &refusal) const
{
    const ApiError *e = std::get_if<ApiError>(&refusal);
    if (!m_ctx.audit || !e || (e->status != 401 && e->status != 403 && e->status != 429)
        || request.header("authorization").isEmpty() || !match.route
        || !match.route->pattern.startsWith(QLatin1String("/secrets/{id}")))
        return;
    const QString &secret = match.params.at(0);
    if (!m_ctx.manifest->secret(secret))
        return;
    const QString actor = who.kind == Kind::Service ? who.serviceId
        : who.kind == Kind::Admin                   ? QStringLiteral("admin token")
                                                    : QStringLiteral("a wrong token");
    // "read" for the value route; the method for the others ("post", "delete", ...).
    const QString action = match.route->returnsSecretValue
        ? QStringLiteral("read")
        : QString::fromLatin1(request.method).toLower();
    m_ctx.audit->record({actor, action, secret,
                         who.kind == Kind::Service ? who.serviceId : QString(),
                         QStringLiteral("refused")});
}

std::optional<ApiResult> ControlApi::admission(const HttpRequest &request,
                                               const RouteTable::Match &match,
                                               const TokenBook::Principal &who) const
{
    if (!match.route && match.allowedMethods.isEmpty())
        return ApiError {404, "not_found",
                         QStringLiteral("no route %1 %2")
                             .arg(QString::fromLatin1(request.method), request.path)};
    if (!match.route)
        return ApiError {405, "method_not_allowed",
                         QStringLiteral("%1 is not allowed on %2")
                             .arg(QString::fromLatin1(request.method), request.path)};
    const Callers callers = match.route->callers;
    const bool admitted = callers.testFlag(Caller::Anyone)
        || (who.kind == Kind::Admin && callers.testFlag(Caller::Admin))
        || (who.kind == Kind::Service && callers.testFlag(Caller::Service));
    if (!admitted)
        return ApiError {403, "forbidden", match.route->refusal};
    return std::nullopt;
}

std::optional<ApiResult> ControlApi::guard(const HttpRequest &request,
                                           const RouteTable::Match &match,
                                           TokenBook::Principal *who)
{
    // DNS rebinding (Host) and cross-site requests (Origin).
    if (std::optional<HttpResponse> refused = LoopbackGuard::refusal(request, m_ctx.port))
        return std::move(*refused);
    // A route open to anyone needs no token; whether any other route exists is told only to a
    // caller with one.
    if (match.route && match.route->callers.testFlag(Caller::Anyone))
        return std::nullopt;
    return authenticate(request, who);
}

std::optional<ApiError> ControlApi::authenticate(const HttpRequest &request,
                                                 TokenBook::Principal *who)
{
    const QByteArray authorization = request.header("authorization");
    ApiError unauthorized {401,
                           "unauthorized",
                           QStringLiteral("a valid bearer token is required"),
                           nullptr,
                           {{QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Bearer")}}};
    // No token is no guess at one: it never counts toward a lockout (any web page can send it).
    if (authorization.isEmpty())
        return unauthorized;
    // A valid token passes whatever others did.
    *who = m_tokens.identify(authorization);
    if (who->kind != Kind::None)
        return std::nullopt;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (const qint64 wait = m_throttle.retryAfter(authorization, now); wait > 0)
        return ApiError {429,
                         "too_many_auth_failures",
                         QStringLiteral("too many requests with a wrong token; try again later"),
                         nullptr,
                         {{QByteArrayLiteral("Retry-After"), QByteArray::number(wait)}}};
    m_throttle.failed(authorization, now);
    return unauthorized;
}

void ControlApi::dispatch(const ApiRoute &route, const ApiCall &call, const Responder &respond)
{
    const bool redact = !route.returnsSecretValue;
    // While the store is loading, /status says for how long: nothing is kept then.
    const QString cacheKey = route.cacheable && m_ctx.secretsLoaded()
        ? route.pattern + u' ' + QString::number(int(call.who.kind)) + u' ' + call.who.serviceId
        : QString();
    if (!cacheKey.isEmpty()) {
        if (std::optional<HttpResponse> kept = m_cache.find(cacheKey))
            return respond(std::move(*kept));
    }
    ApiReply reply = [this, respond, redact, cacheKey](ApiResult result) {
        HttpResponse response = toHttp(std::move(result), redact);
        if (!cacheKey.isEmpty() && response.status == 200)
            m_cache.store(cacheKey, response);
        respond(std::move(response));
    };
    // A synchronous handler may throw its ApiError; anything else thrown is a bug in Steward,
    // answered 500 rather than taking the process down.
    try {
        route.handler(call, reply);
    } catch (const ApiError &e) {
        reply(e);
    } catch (const std::exception &) {
        Logging::api()->error("{} {} failed unexpectedly", call.request.method.toStdString(),
                              route.pattern.toStdString());
        reply(
            ApiError {500, "internal_error", QStringLiteral("the request failed inside Steward")});
    }
}

HttpResponse ControlApi::toHttp(ApiResult result, bool redact) const
{
    HttpResponse response;
    if (ApiError *e = std::get_if<ApiError>(&result)) {
        response = HttpResponse::error(e->status, e->code, e->message, e->details);
        response.headers.append(e->headers);
        redact = true; // an error never carries a value on purpose
    } else {
        response = std::move(std::get<HttpResponse>(result));
    }
    if (redact && m_ctx.redactor && !response.body.isEmpty())
        response.body = m_ctx.redactor->redact(response.body);
    return response;
}

} // namespace steward
