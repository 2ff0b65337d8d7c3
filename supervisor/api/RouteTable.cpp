#include "ApiRoute.h"

namespace steward {

namespace {

// The placeholders' values when `parts` fits `pattern`.
bool fits(const QStringList &pattern, const QStringList &parts, QStringList *params)
{
    if (pattern.size() != parts.size())
        return false;
    QStringList values;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QString &p = pattern.at(i);
        if (p.startsWith(QLatin1Char('{')) && p.endsWith(QLatin1Char('}')))
            values << parts.at(i);
        else if (p != parts.at(i))
            return false;
    }
    *params = values;
    return true;
}

} // namespace

void RouteTable::add(ApiRoute route)
{
    // Split here rather than at each request (callgrind showed the splitting at 5 % of a
    // request to GET /secrets).
    m_segments.append(route.pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts));
    m_routes.append(std::move(route));
}

RouteTable::Match RouteTable::match(const QByteArray &method, const QString &path) const
{
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    Match m;
    // A literal segment wins over a placeholder ("/secrets/refresh" over "/secrets/{id}"): the
    // routes with fewer placeholders are tried first.
    const ApiRoute *best = nullptr;
    qsizetype bestPlaceholders = 0;
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        const ApiRoute &route = m_routes.at(i);
        QStringList params;
        if (!fits(m_segments.at(i), parts, &params))
            continue;
        if (route.method != method) {
            if (!m.allowedMethods.contains(route.method))
                m.allowedMethods << route.method;
            continue;
        }
        if (!best || params.size() < bestPlaceholders) {
            best = &route;
            bestPlaceholders = params.size();
            m.params = params;
        }
    }
    m.route = best;
    return m;
}

} // namespace steward
