#pragma once

#include "ApiContext.h"
#include "ApiRoute.h"

class QObject;

namespace steward {

struct SecretSpec;

// The control API's /secrets routes and /health (the remote secrets' freshness). Lists and
// changes never carry a value; /secrets/{id}/value gives one only to the service that uses it.
class SecretRoutes
{
public:
    // `context` owns the asynchronous calls to the keeper (their answers are dropped with it).
    SecretRoutes(const ApiContext &ctx, QObject *context);
    void addTo(RouteTable &table);

private:
    nlohmann::json entry(const SecretSpec &spec) const;
    ApiResult secrets(const ApiCall &call) const;
    void store(const ApiCall &call, ApiReply reply);
    void clear(const QString &id, ApiReply reply);
    // Fetches one remote secret (or all, with an empty id) now.
    void refresh(const QString &id, ApiReply reply);
    ApiResult value(const ApiCall &call) const;
    ApiResult health(const ApiCall &call) const;

    const ApiContext &m_ctx;
    QObject *m_context;
};

} // namespace steward
