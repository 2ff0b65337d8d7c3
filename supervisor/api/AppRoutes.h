#pragma once

#include "ApiContext.h"
#include "ApiRoute.h"

class QObject;

namespace steward {

class ServiceRoutes;

// The control API's routes about the app as a whole: /healthz (no token), /status, /telemetry,
// /validate, /openapi.json, /activate and /shutdown.
class AppRoutes
{
public:
    AppRoutes(const ApiContext &ctx, const ServiceRoutes &services, QObject *context);
    void addTo(RouteTable &table);

private:
    ApiResult healthz() const;
    ApiResult status() const;
    // Why the secrets are not loaded (a store slow to answer, or one that failed), or null.
    nlohmann::json secretsDetail() const;
    ApiResult telemetry() const;
    ApiResult validate() const;
    ApiResult openApi() const;
    ApiResult activate() const;
    ApiResult shutdown() const;

    const ApiContext &m_ctx;
    const ServiceRoutes &m_services;
    QObject *m_context;
};

} // namespace steward
