#pragma once

#include "ApiContext.h"
#include "ApiRoute.h"

namespace steward {

class ServiceTimeline;

// The control API's routes about services: /services and their actions, /ports, /readyz and
// /logs/tail.
class ServiceRoutes
{
public:
    static constexpr int MaxLogLines = 10000;

    ServiceRoutes(const ApiContext &ctx, const ServiceTimeline &timeline);
    void addTo(RouteTable &table);
    // One service as /services, /readyz and /status list it.
    nlohmann::json entry(const QString &id) const;

private:
    ApiResult services() const;
    ApiResult action(const QString &id, const QString &action);
    ApiResult ports() const;
    ApiResult readyz() const;
    nlohmann::json gpu() const;
    ApiResult logsTail(const HttpRequest &request) const;

    const ApiContext &m_ctx;
    const ServiceTimeline &m_timeline;
};

} // namespace steward
