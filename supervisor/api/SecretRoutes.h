#pragma once

#include "ApiContext.h"
#include "ApiRoute.h"
#include "secrets/SecretKeeper.h"

class QObject;

namespace steward {

struct SecretSpec;

// The control API's /secrets routes, /audit and /health (the remote secrets' freshness). Lists,
// history and changes never carry a value; /secrets/{id}/value gives one only to the service
// that uses it, and each such read is in the audit trail.
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
    void clear(const ApiCall &call, ApiReply reply);
    // A remote secret's history also lists the versions its source keeps ("source_versions").
    void history(const ApiCall &call, ApiReply reply) const;
    void rollback(const ApiCall &call, ApiReply reply);
    ApiResult audit(const ApiCall &call) const;
    // A change's answer, the same for a set, a clear and a rollback (and their dry runs).
    nlohmann::json changeAnswer(const SecretKeeper::ChangeResult &r, bool dryRun) const;
    // Fetches one remote secret (or all, with an empty id) now.
    void refresh(const QString &id, ApiReply reply);
    ApiResult value(const ApiCall &call) const;
    ApiResult health(const ApiCall &call) const;

    const ApiContext &m_ctx;
    QObject *m_context;
};

} // namespace steward
