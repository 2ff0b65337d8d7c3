#pragma once

// The manifest parser's own header: ManifestLoader's parts, one file per section of bundle.json
// (ManifestParser.cpp the top level, ManifestSecretParser.cpp the secrets,
// ManifestServiceParser.cpp the services). Nothing outside manifest/ includes it.

#include "Diagnostic.h"
#include "JsonReader.h"
#include "Manifest.h"

#include <QString>

#include <optional>
#include <string_view>

namespace steward {

class RemoteProviderRules;

namespace detail {

using json = nlohmann::json;
using Need = JsonReader::Need;

constexpr int MaxTimeoutMs = 24 * 60 * 60 * 1000;

// "text", quoted, for messages.
QString q(const QString &s);
// A path inside the bundle or app data: relative, no "..", no drive or root.
bool isSafeRelativePath(const QString &p);

class Parser
{
public:
    Parser(Diagnostics &out, const RemoteProviderRules *rules)
        : r(out)
        , m_out(out)
        , m_rules(rules)
    { }

    Manifest parse(const json &root);

private:
    void parseApp(const json &root, Manifest &m);
    void parseIpc(const json &root, Manifest &m);
    void parseTelemetry(const json &root, Manifest &m);
    void parsePorts(const json &root, Manifest &m);
    std::optional<PortRange> parseRange(const json &obj, std::string_view key, const QString &path,
                                        Need need);
    void parseSwaps(const json &root, Manifest &m);
    SecretSpec parseSecret(const json &v, const QString &path);
    void parseGenerator(const json &v, const QString &path, SecretSpec &s);
    void parseTarget(const json &v, const QString &path, SecretSpec &s);
    void parseSource(const json &v, const QString &path, SecretSpec &s);
    ServiceSpec parseService(const json &v, const QString &path);
    void parseBinaries(const json &v, const QString &path, ServiceSpec &s, bool hasBuild);
    void parseHealth(const json &v, const QString &path, ServiceSpec &s);
    void parseReadiness(const json &v, const QString &path, ServiceSpec &s);
    void parseMigrations(const json &v, const QString &path, ServiceSpec &s);
    void parseAssets(const json &v, const QString &path, ServiceSpec &s);
    void parseRestart(const json &v, const QString &path, ServiceSpec &s);
    void parseCodeSigning(const json &v, const QString &path);
    void parseRemote(const json &v, const QString &path, Manifest &m);

    void checkRelativePath(const std::optional<QString> &p, const QString &path, const char *what);
    // A generator's charset that names no known one: the v0.1 reference uses its characters as
    // the alphabet, and so does Steward, with a warning.
    void literalCharset(const QString &charset, const QString &path, SecretGeneratorSpec &g);
    void parseEnvInherit(const json &v, const QString &path, ServiceSpec &s);
    void parseSandbox(const json &v, const QString &path, ServiceSpec &s);
    void parseLimits(const json &v, const QString &path, ServiceSpec &s);
    void checkRegex(const QString &pattern, const QString &path);
    template<typename F>
    void forEachInArray(const json &obj, std::string_view key, const QString &path, Need need,
                        F &&f);

    JsonReader r;
    Diagnostics &m_out;
    const RemoteProviderRules *m_rules; // null: provider blocks are not checked
};

template<typename F>
void Parser::forEachInArray(const json &obj, std::string_view key, const QString &path, Need need,
                            F &&f)
{
    const json *v = r.member(obj, key, path, need);
    if (!v || v->is_null())
        return;
    const QString here = JsonReader::child(path, key);
    if (!v->is_array()) {
        r.error(here, QStringLiteral("must be an array, not %1").arg(JsonReader::typeName(*v)));
        return;
    }
    for (std::size_t i = 0; i < v->size(); ++i)
        f((*v)[i], JsonReader::child(here, qsizetype(i)));
}

} // namespace detail
} // namespace steward
