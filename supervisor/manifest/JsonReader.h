#pragma once

#include "Diagnostic.h"
#include "Manifest.h"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

namespace steward {

// Reads typed values out of nlohmann::json objects, recording a Diagnostic with a JSON-pointer
// path for every missing or mistyped field instead of stopping at the first one.
class JsonReader
{
public:
    using json = nlohmann::json;
    enum class Need { Optional, Required };

    explicit JsonReader(Diagnostics &out)
        : m_out(out)
    { }

    void error(const QString &path, const QString &message);
    void warning(const QString &path, const QString &message);

    static QString child(const QString &path, std::string_view key);
    static QString child(const QString &path, qsizetype index);

    // The member `key` of `obj`, or nullptr. A missing required member is reported.
    const json *member(const json &obj, std::string_view key, const QString &path, Need need);
    // True if `value` is an object; reports otherwise.
    bool expectObject(const json &value, const QString &path);
    // Warns about members of `obj` not in `known`.
    void warnUnknownKeys(const json &obj, const QString &path,
                         std::initializer_list<std::string_view> known);

    std::optional<QString> string(const json &obj, std::string_view key, const QString &path,
                                  Need need = Need::Optional, bool nonEmpty = false);
    std::optional<QString> oneOf(const json &obj, std::string_view key, const QString &path,
                                 const QStringList &allowed, Need need = Need::Optional);
    std::optional<qint64> integer(const json &obj, std::string_view key, const QString &path,
                                  qint64 min, qint64 max, Need need = Need::Optional);
    std::optional<bool> boolean(const json &obj, std::string_view key, const QString &path);
    QStringList stringList(const json &obj, std::string_view key, const QString &path,
                           Need need = Need::Optional);
    EnvMap stringMap(const json &obj, std::string_view key, const QString &path);

    static QString typeName(const json &value);

private:
    Diagnostics &m_out;
};

} // namespace steward
