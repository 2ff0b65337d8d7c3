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

RouteTable::Match RouteTable::match(const QByteArray &method, const QString &path) const
{
    const QStringList parts = path.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    Match m;
    // A literal segment wins over a placeholder ("/secrets/refresh" over "/secrets/{id}"): the
    // routes with fewer placeholders are tried first.
    const ApiRoute *best = nullptr;
    qsizetype bestPlaceholders = 0;
    for (const ApiRoute &route : m_routes) {
        const QStringList pattern = route.pattern.split(QLatin1Char('/'), Qt::SkipEmptyParts);
        QStringList params;
        if (!fits(pattern, parts, &params))
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
