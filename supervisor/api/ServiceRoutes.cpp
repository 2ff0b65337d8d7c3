#include "ServiceRoutes.h"

#include "ApiJson.h"
#include "ServiceTimeline.h"
#include "process/GpuProbe.h"
#include "process/ServiceLog.h"
#include "process/Supervisor.h"

namespace steward {

using namespace apijson;

namespace {

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

ApiError unknownService(const QString &id)
{
    return {404, "unknown_service", QStringLiteral("this bundle has no service %1").arg(id)};
}

} // namespace

ServiceRoutes::ServiceRoutes(const ApiContext &ctx, const ServiceTimeline &timeline)
    : m_ctx(ctx)
    , m_timeline(timeline)
{ }

void ServiceRoutes::addTo(RouteTable &table)
{
    const Callers anyToken = Caller::Admin | Caller::Service;
    table.add(
        {"GET", QStringLiteral("/services"), Caller::Admin, [this](const ApiCall &, ApiReply r) {
             r(services());
         }});
    table.add({"POST", QStringLiteral("/services/{id}/{action}"), Caller::Admin,
               [this](const ApiCall &c, ApiReply r) {
                   r(action(c.params.at(0), c.params.at(1)));
               }});
    table.add({"GET", QStringLiteral("/ports"), anyToken, [this](const ApiCall &, ApiReply r) {
                   r(ports());
               }});
    table.add({.method = "GET",
               .pattern = QStringLiteral("/readyz"),
               .callers = anyToken,
               .handler = [this](const ApiCall &, ApiReply r) { r(readyz()); },
               .cacheable = true});
    table.add(
        {"GET", QStringLiteral("/logs/tail"), Caller::Admin, [this](const ApiCall &c, ApiReply r) {
             r(logsTail(c.request));
         }});
}

json ServiceRoutes::entry(const QString &id) const
{
    const ServiceSpec *spec = m_ctx.manifest->service(id);
    ManagedService *svc = m_ctx.supervisor ? m_ctx.supervisor->service(id) : nullptr;
    json ports = json::object();
    if (m_ctx.supervisor) {
        const QMap<QString, int> p = m_ctx.supervisor->ports().value(id);
        for (auto it = p.cbegin(); it != p.cend(); ++it)
            ports[s(it.key())] = it.value();
    }
    json entry {{"id", s(id)},
                {"type", s(spec->typeName.isEmpty() ? enumName(spec->type) : spec->typeName)},
                {"critical", spec->critical},
                {"ready", svc && svc->state() == ManagedService::State::Ready},
                {"state", svc ? s(ManagedService::stateName(svc->state())) : "waiting"},
                {"message", svc ? nullable(svc->message()) : json(nullptr)},
                {"exit_code", svc && svc->exitCode() ? json(*svc->exitCode()) : json(nullptr)},
                {"restarts", svc ? svc->restarts() : 0},
                {"pid", svc && svc->isRunning() ? json(svc->pid()) : json(nullptr)},
                {"ports", ports},
                {"dependencies", list(spec->dependencies)}};
    if (const ResourceLimits &l = spec->limits; !l.isEmpty()) {
        auto optional = [](const auto &v) {
            return v ? json(*v) : json(nullptr);
        };
        entry["limits"] = {{"memory_mb", optional(l.memoryMb)},
                           {"cpu_percent", optional(l.cpuPercent)},
                           {"pids", optional(l.pids)},
                           {"applied", m_ctx.limitsUnavailable.isEmpty()},
                           {"why_not", nullable(m_ctx.limitsUnavailable)}};
    }
    return entry;
}

ApiResult ServiceRoutes::services() const
{
    json all = json::array();
    for (const ServiceSpec &spec : m_ctx.manifest->services)
        all.push_back(entry(spec.id));
    return HttpResponse::json(200, {{"services", all}});
}

ApiResult ServiceRoutes::action(const QString &id, const QString &action)
{
    if (!m_ctx.manifest->service(id))
        return unknownService(id);
    if (!m_ctx.supervisor)
        return ApiError {409, "not_started", QStringLiteral("services have not been started yet")};
    if (action == QLatin1String("restart"))
        m_ctx.supervisor->restartService(id);
    else if (action == QLatin1String("stop"))
        m_ctx.supervisor->stopService(id);
    else if (action == QLatin1String("start"))
        m_ctx.supervisor->startService(id);
    else
        return ApiError {404, "not_found",
                         QStringLiteral("no action %1; use restart, stop or start").arg(action)};
    return HttpResponse::json(202, {{"service", s(id)}, {"action", s(action)}});
}

ApiResult ServiceRoutes::ports() const
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

ApiResult ServiceRoutes::readyz() const
{
    json details = json::object();
    bool ready = m_ctx.supervisor != nullptr;
    for (const ServiceSpec &spec : m_ctx.manifest->services) {
        json e = entry(spec.id);
        const ServiceTimeline::Times t = m_timeline.times(spec.id);
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
    return HttpResponse::json(200,
                              {{"ready", ready && m_ctx.secretsLoaded()},
                               {"secrets", m_ctx.secretsStateName()},
                               {"details", details},
                               {"gpu", gpu()}});
}

json ServiceRoutes::gpu() const
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

ApiResult ServiceRoutes::logsTail(const HttpRequest &request) const
{
    const QString id = request.query.queryItemValue(QStringLiteral("serviceId"));
    if (id.isEmpty())
        return ApiError {400, "missing_parameter",
                         QStringLiteral("give the service as ?serviceId=<id>")};
    ManagedService *svc = m_ctx.supervisor ? m_ctx.supervisor->service(id) : nullptr;
    if (!m_ctx.manifest->service(id))
        return unknownService(id);
    int lines = 100;
    if (request.query.hasQueryItem(QStringLiteral("lines"))) {
        bool ok = false;
        const qlonglong n = request.query.queryItemValue(QStringLiteral("lines")).toLongLong(&ok);
        if (!ok || n < 1)
            return ApiError {400, "invalid_parameter",
                             QStringLiteral("lines must be a positive whole number")};
        lines = int(std::min<qlonglong>(n, MaxLogLines));
    }
    const QStringList tail = svc ? svc->log()->tail(lines) : QStringList(); // redacted already
    if (!wantsJson(request)) {
        QByteArray text;
        for (const QString &l : tail)
            text += l.toUtf8() + '\n';
        return HttpResponse::text(200, text);
    }
    return HttpResponse::json(200, {{"service", s(id)}, {"lines", list(tail)}});
}

} // namespace steward
