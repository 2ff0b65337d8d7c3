#pragma once

#include "ApiContext.h"
#include "ApiRoute.h"
#include "AuthThrottle.h"
#include "HttpMessage.h"
#include "ResponseCache.h"
#include "TokenBook.h"

#include <QDateTime>
#include <QObject>

#include <memory>

namespace steward {

class AppRoutes;
class SecretRoutes;
class ServiceRoutes;
class ServiceTimeline;
class AuditTrail;
class SecretKeeper;
class Supervisor;

// The control API: the guard, run once before any route, then the route table. The guard: the
// Host header must name a loopback address with our port (else 421), an Origin must be loopback
// (else 403), and every route not open to anyone needs a bearer token; repeated failures lock
// a wrong token for a while (429;
// AuthThrottle). The table says which token reaches which route: the admin
// token reaches everything except secret values; a service's token reads only its own secrets
// and status. Errors become HTTP answers in one place, and every answer's body goes through the
// redactor there, except /secrets/{id}/value to the service that owns the secret.
class ControlApi : public QObject
{
    Q_OBJECT
public:
    ControlApi(ApiContext context, const TokenBook &tokens, QObject *parent = nullptr);
    ~ControlApi() override;
    void setPort(int port) { m_ctx.port = port; }
    // Before the supervisor starts its services: /readyz reports when they changed state.
    void setSupervisor(Supervisor *s);
    // The API listens before the secret store has answered; the keeper and its audit trail
    // come when the store is open (null again while a store is replaced).
    void setSecrets(SecretKeeper *keeper, AuditTrail *audit);
    void setImported(std::optional<ReferenceInstallImport::Report> imported);
    void handle(const HttpRequest &request, Responder respond);
    // The guard and the route's admission, for a request head before its body is read (and
    // before 100 Continue): the refusal, if any; `authenticated` tells whether the head carried a
    // valid token. A head that passes is marked admitted, and handle() does not check it again.
    std::optional<HttpResponse> checkHead(HttpRequest &head, bool *authenticated);
    const RouteTable &routes() const { return m_routes; }

private Q_SLOTS:
    void invalidateCache();

private:
    // Every change the keeper or the supervisor signals drops the kept answers.
    void watch(Supervisor *supervisor);
    void watch(SecretKeeper *keeper);
    // The guard's answer when the caller may not go on; `who` is set when a token passed.
    std::optional<ApiResult> guard(const HttpRequest &request, const RouteTable::Match &match,
                                   TokenBook::Principal *who);
    // Whether the route exists for this method and admits this caller (404, 405, 403).
    std::optional<ApiResult> admission(const HttpRequest &request, const RouteTable::Match &match,
                                       const TokenBook::Principal &who) const;
    std::optional<ApiError> authenticate(const HttpRequest &request, TokenBook::Principal *who);
    // A refused request that presented a token and named a secret of the bundle goes into the
    // audit trail (a tokenless one does not: any web page can send those).
    void audit(const HttpRequest &request, const RouteTable::Match &match,
               const TokenBook::Principal &who, const ApiResult &refusal) const;
    void dispatch(const ApiRoute &route, const ApiCall &call, const Responder &respond);
    // The one place an answer becomes HTTP: errors get their envelope, bodies are redacted.
    HttpResponse toHttp(ApiResult result, bool redact) const;

    ApiContext m_ctx;
    const TokenBook &m_tokens;
    ServiceTimeline *m_timeline;
    std::unique_ptr<ServiceRoutes> m_serviceRoutes;
    std::unique_ptr<SecretRoutes> m_secretRoutes;
    std::unique_ptr<AppRoutes> m_appRoutes;
    RouteTable m_routes;
    AuthThrottle m_throttle;
    ResponseCache m_cache;
};

} // namespace steward
