#include "JsonReader.h"

#include <algorithm>

namespace steward {

namespace {
QString quoted(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

QString toQString(std::string_view s)
{
    return QString::fromUtf8(s.data(), qsizetype(s.size()));
}
} // namespace

void JsonReader::error(const QString &path, const QString &message)
{
    m_out.append({Diagnostic::Severity::Error, path, message});
}

void JsonReader::warning(const QString &path, const QString &message)
{
    m_out.append({Diagnostic::Severity::Warning, path, message});
}

QString JsonReader::child(const QString &path, std::string_view key)
{
    // RFC 6901 escaping: '~' -> "~0", '/' -> "~1".
    QString token = toQString(key);
    token.replace(QLatin1Char('~'), QLatin1String("~0"));
    token.replace(QLatin1Char('/'), QLatin1String("~1"));
    return path + QLatin1Char('/') + token;
}

QString JsonReader::child(const QString &path, qsizetype index)
{
    return path + QLatin1Char('/') + QString::number(index);
}

QString JsonReader::typeName(const json &value)
{
    switch (value.type()) {
    case json::value_t::null:
        return QStringLiteral("null");
    case json::value_t::object:
        return QStringLiteral("an object");
    case json::value_t::array:
        return QStringLiteral("an array");
    case json::value_t::string:
        return QStringLiteral("a string");
    case json::value_t::boolean:
        return QStringLiteral("a boolean");
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
        return QStringLiteral("an integer");
    case json::value_t::number_float:
        return QStringLiteral("a number with a fraction");
    default:
        return QStringLiteral("an unsupported value");
    }
}

const JsonReader::json *JsonReader::member(const json &obj, std::string_view key,
                                           const QString &path, Need need)
{
    if (obj.is_object()) {
        auto it = obj.find(key);
        if (it != obj.end())
            return &*it;
    }
    if (need == Need::Required)
        error(child(path, key), QStringLiteral("is required"));
    return nullptr;
}

bool JsonReader::expectObject(const json &value, const QString &path)
{
    if (value.is_object())
        return true;
    error(path, QStringLiteral("must be an object, not %1").arg(typeName(value)));
    return false;
}

void JsonReader::warnUnknownKeys(const json &obj, const QString &path,
                                 std::initializer_list<std::string_view> known)
{
    if (!obj.is_object())
        return;
    for (auto it = obj.begin(); it != obj.end(); ++it) {
        const std::string &key = it.key();
        if (std::find(known.begin(), known.end(), key) == known.end())
            warning(child(path, key),
                    QStringLiteral("unknown field %1 is ignored")
                        .arg(quoted(QString::fromStdString(key))));
    }
}

std::optional<QString> JsonReader::string(const json &obj, std::string_view key,
                                          const QString &path, Need need, bool nonEmpty)
{
    const json *v = member(obj, key, path, need);
    if (!v)
        return std::nullopt;
    if (!v->is_string()) {
        error(child(path, key), QStringLiteral("must be a string, not %1").arg(typeName(*v)));
        return std::nullopt;
    }
    QString s = QString::fromStdString(v->get<std::string>());
    if (nonEmpty && s.isEmpty()) {
        error(child(path, key), QStringLiteral("must not be empty"));
        return std::nullopt;
    }
    return s;
}

std::optional<QString> JsonReader::oneOf(const json &obj, std::string_view key, const QString &path,
                                         const QStringList &allowed, Need need)
{
    std::optional<QString> s = string(obj, key, path, need);
    if (!s)
        return std::nullopt;
    if (!allowed.contains(*s)) {
        QStringList q;
        for (const QString &a : allowed)
            q << quoted(a);
        error(child(path, key),
              QStringLiteral("must be one of %1 (got %2)")
                  .arg(q.join(QStringLiteral(", ")), quoted(*s)));
        return std::nullopt;
    }
    return s;
}

std::optional<qint64> JsonReader::integer(const json &obj, std::string_view key,
                                          const QString &path, qint64 min, qint64 max, Need need)
{
    const json *v = member(obj, key, path, need);
    if (!v)
        return std::nullopt;
    if (!v->is_number_integer()) {
        error(child(path, key), QStringLiteral("must be an integer, not %1").arg(typeName(*v)));
        return std::nullopt;
    }
    // Unsigned values beyond int64 cannot be in range anyway.
    if (v->is_number_unsigned()
        && v->get<quint64>() > quint64(std::numeric_limits<qint64>::max())) {
        error(child(path, key), QStringLiteral("must be between %1 and %2").arg(min).arg(max));
        return std::nullopt;
    }
    const qint64 n = v->get<qint64>();
    if (n < min || n > max) {
        error(child(path, key),
              QStringLiteral("must be between %1 and %2 (got %3)").arg(min).arg(max).arg(n));
        return std::nullopt;
    }
    return n;
}

std::optional<bool> JsonReader::boolean(const json &obj, std::string_view key, const QString &path)
{
    const json *v = member(obj, key, path, Need::Optional);
    if (!v)
        return std::nullopt;
    if (!v->is_boolean()) {
        error(child(path, key), QStringLiteral("must be true or false, not %1").arg(typeName(*v)));
        return std::nullopt;
    }
    return v->get<bool>();
}

QStringList JsonReader::stringList(const json &obj, std::string_view key, const QString &path,
                                   Need need)
{
    QStringList out;
    const json *v = member(obj, key, path, need);
    if (!v)
        return out;
    const QString here = child(path, key);
    if (!v->is_array()) {
        error(here, QStringLiteral("must be an array of strings, not %1").arg(typeName(*v)));
        return out;
    }
    for (std::size_t i = 0; i < v->size(); ++i) {
        const json &item = (*v)[i];
        if (!item.is_string()) {
            error(child(here, qsizetype(i)),
                  QStringLiteral("must be a string, not %1").arg(typeName(item)));
            continue;
        }
        out << QString::fromStdString(item.get<std::string>());
    }
    return out;
}

EnvMap JsonReader::stringMap(const json &obj, std::string_view key, const QString &path)
{
    EnvMap out;
    const json *v = member(obj, key, path, Need::Optional);
    if (!v)
        return out;
    const QString here = child(path, key);
    if (!v->is_object()) {
        error(here, QStringLiteral("must be an object of strings, not %1").arg(typeName(*v)));
        return out;
    }
    for (auto it = v->begin(); it != v->end(); ++it) {
        if (!it->is_string()) {
            error(child(here, it.key()),
                  QStringLiteral("must be a string, not %1").arg(typeName(*it)));
            continue;
        }
        out.insert(QString::fromStdString(it.key()),
                   QString::fromStdString(it->get<std::string>()));
    }
    return out;
}

} // namespace steward
