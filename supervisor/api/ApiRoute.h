#pragma once

#include "HttpMessage.h"
#include "TokenBook.h"

#include <QByteArrayList>
#include <QFlags>
#include <QList>
#include <QStringList>

#include <functional>
#include <variant>

namespace steward {

// An answer the control API refuses with: ControlApi turns it into the HTTP error envelope
// ({"error":{"code","message","details"}}) in one place. Handlers return it, or throw it from a
// synchronous handler. The message and details never carry a secret value.
struct ApiError
{
    int status = 500;
    const char *code = "internal_error";
    QString message;
    nlohmann::json details = nullptr;
    QList<std::pair<QByteArray, QByteArray>> headers = {};
};

using ApiResult = std::variant<HttpResponse, ApiError>;
using ApiReply = std::function<void(ApiResult)>;

// One request that passed the guard and found its route.
struct ApiCall
{
    const HttpRequest &request;
    TokenBook::Principal who;
    QStringList params; // the values of the route pattern's {placeholders}, in order
};

// Who may call a route.
enum class Caller { Anyone = 0x1, Admin = 0x2, Service = 0x4 };
Q_DECLARE_FLAGS(Callers, Caller)
Q_DECLARE_OPERATORS_FOR_FLAGS(Callers)

// One row of the control API's route table: method, path pattern ("/secrets/{id}/value"), who
// may call it and what answers. A route open to Anyone is answered without a token.
struct ApiRoute
{
    QByteArray method;
    QString pattern;
    Callers callers;
    std::function<void(const ApiCall &, ApiReply)> handler;
    // Why a caller the route does not admit is refused (403).
    QString refusal = QStringLiteral("this route needs the admin token");
    // The answer carries a secret value on purpose (to the service that owns it): it is the
    // only kind of answer not run through the redactor.
    bool returnsSecretValue = false;
    // A GET whose answer depends only on the caller and on state the secret keeper and the
    // supervisor signal when it changes: its finished answer is kept until then
    // (ResponseCache).
    bool cacheable = false;
};

// The routes, matched segment by segment; a {placeholder} matches any one segment.
class RouteTable
{
public:
    struct Match
    {
        const ApiRoute *route = nullptr; // null: no route for this method here
        QStringList params;
        QByteArrayList allowedMethods; // the methods routed at this path (none: unknown path)
    };

    void add(ApiRoute route);
    Match match(const QByteArray &method, const QString &path) const;
    const QList<ApiRoute> &routes() const { return m_routes; }

private:
    QList<ApiRoute> m_routes;
    QList<QStringList> m_segments; // each route's pattern, split once
};

} // namespace steward
