#pragma once

#include "core/StdText.h"

#include <QDateTime>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

// Small conversions the control API's handlers share.
namespace steward::apijson {

using json = nlohmann::json;

using stdtext::s;

inline json nullable(const QString &q)
{
    return q.isEmpty() ? json(nullptr) : json(s(q));
}

inline json timestamp(const QDateTime &t)
{
    return t.isValid() ? json(s(t.toUTC().toString(Qt::ISODateWithMs))) : json(nullptr);
}

inline json list(const QStringList &items)
{
    json out = json::array();
    for (const QString &i : items)
        out.push_back(s(i));
    return out;
}

} // namespace steward::apijson
