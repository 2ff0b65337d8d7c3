#include "ManifestParser.h"

#include "RemoteProviderRules.h"

#include <QRegularExpression>

namespace steward::detail {

QString q(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

bool isSafeRelativePath(const QString &p)
{
    if (p.isEmpty() || p.startsWith(QLatin1Char('/')) || p.startsWith(QLatin1Char('\\')))
        return false;
    if (p.size() >= 2 && p.at(1) == QLatin1Char(':'))
        return false;
    const QStringList parts = p.split(QRegularExpression(QStringLiteral("[/\\\\]")));
    return !parts.contains(QStringLiteral(".."));
}

void Parser::checkRelativePath(const std::optional<QString> &p, const QString &path,
                               const char *what)
{
    if (p && !p->isEmpty() && !isSafeRelativePath(*p))
        r.error(path,
                QStringLiteral("must be a relative %1 path without \"..\" (got %2)")
                    .arg(QLatin1String(what), q(*p)));
}

void Parser::checkRegex(const QString &pattern, const QString &path)
{
    QRegularExpression re(pattern);
    if (!re.isValid())
        r.error(path,
                QStringLiteral("is not a valid regular expression: %1 at offset %2")
                    .arg(re.errorString())
                    .arg(re.patternErrorOffset()));
}

Manifest Parser::parse(const json &root)
{
    Manifest m;
    r.warnUnknownKeys(root, QString(),
                      {"$schema", "schema_version", "target", "app", "ipc", "telemetry", "ports",
                       "swaps", "secrets", "services", "code_signing", "remote"});

    // Rules 1 and 2 of the v0.1 reference.
    if (auto v = r.string(root, "schema_version", {}, Need::Required)) {
        m.schemaVersion = *v;
        if (*v == QLatin1String("0.1"))
            r.warning(QStringLiteral("/schema_version"),
                      QStringLiteral("read as \"v0.1\"; write \"v0.1\", the spelling of the "
                                     "bundle schema"));
        else if (*v != QLatin1String("v0.1"))
            r.error(QStringLiteral("/schema_version"),
                    QStringLiteral("must be \"v0.1\" (got %1)").arg(q(*v)));
    }
    if (auto v = r.string(root, "target", {}, Need::Required)) {
        m.target = *v;
        if (*v != QLatin1String("desktop"))
            r.error(QStringLiteral("/target"),
                    QStringLiteral("must be \"desktop\" (got %1)").arg(q(*v)));
    }
    parseApp(root, m);
    parseIpc(root, m);
    parseTelemetry(root, m);
    parsePorts(root, m);
    parseSwaps(root, m);
    forEachInArray(root, "secrets", {}, Need::Optional, [&](const json &v, const QString &path) {
        m.secrets.append(parseSecret(v, path));
    });
    if (const json *services = r.member(root, "services", {}, Need::Required)) {
        if (services->is_array() && services->empty())
            r.error(QStringLiteral("/services"), QStringLiteral("must list at least one service"));
    }
    forEachInArray(root, "services", {}, Need::Optional, [&](const json &v, const QString &path) {
        m.services.append(parseService(v, path));
    });
    if (const json *cs = r.member(root, "code_signing", {}, Need::Optional)) {
        m.codeSigning = *cs;
        parseCodeSigning(*cs, QStringLiteral("/code_signing"));
    }
    if (const json *remote = r.member(root, "remote", {}, Need::Optional))
        parseRemote(*remote, QStringLiteral("/remote"), m);
    return m;
}

void Parser::parseApp(const json &root, Manifest &m)
{
    const json *app = r.member(root, "app", {}, Need::Required);
    const QString path = QStringLiteral("/app");
    if (!app || !r.expectObject(*app, path))
        return;
    r.warnUnknownKeys(*app, path, {"name", "version", "description"});
    if (auto v = r.string(*app, "name", path, Need::Required, true)) {
        m.app.name = *v;
        // The name becomes directory, keychain-service and package names.
        static const QRegularExpression bad(QStringLiteral("[/\\\\:*?\"<>|\\x00-\\x1f]"));
        if (v->contains(bad) || v->startsWith(QLatin1Char('.')))
            r.error(path + QStringLiteral("/name"),
                    QStringLiteral("is used for directory names, so it must not start with \".\" "
                                   "or contain / \\ : * ? \" < > | or control characters"));
    }
    if (auto v = r.string(*app, "version", path, Need::Required, true))
        m.app.version = *v;
    m.app.description = r.string(*app, "description", path).value_or(QString());
}

void Parser::parseIpc(const json &root, Manifest &m)
{
    const json *ipc = r.member(root, "ipc", {}, Need::Required);
    const QString path = QStringLiteral("/ipc");
    if (!ipc || !r.expectObject(*ipc, path))
        return;
    r.warnUnknownKeys(*ipc, path, {"mode", "host", "port", "auth_token_path"});
    if (auto v
        = r.oneOf(*ipc, "mode", path, {QStringLiteral("loopback-http"), QStringLiteral("http")},
                  Need::Required)) {
        m.ipc.mode = QStringLiteral("loopback-http");
        if (*v == QLatin1String("http"))
            r.warning(path + QStringLiteral("/mode"),
                      QStringLiteral("read as \"loopback-http\" (the API listens on the loopback "
                                     "host only); write \"loopback-http\""));
    }
    if (auto v = r.string(*ipc, "host", path, Need::Required, true)) {
        m.ipc.host = *v;
        static const QRegularExpression loopback(
            QStringLiteral("^(localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|::1|\\[::1\\])$"));
        if (!loopback.match(*v).hasMatch())
            r.error(path + QStringLiteral("/host"),
                    QStringLiteral("must be a loopback address (127.0.0.1, ::1 or localhost) so "
                                   "the control API is never reachable from the network (got %1)")
                        .arg(q(*v)));
    }
    if (auto v = r.integer(*ipc, "port", path, 1, 65535, Need::Required))
        m.ipc.port = int(*v);
    auto token = r.string(*ipc, "auth_token_path", path, Need::Required, true);
    checkRelativePath(token, path + QStringLiteral("/auth_token_path"), "file");
    m.ipc.authTokenPath = token.value_or(QString());
}

void Parser::parseTelemetry(const json &root, Manifest &m)
{
    const json *t = r.member(root, "telemetry", {}, Need::Required);
    const QString path = QStringLiteral("/telemetry");
    if (!t || !r.expectObject(*t, path))
        return;
    r.warnUnknownKeys(*t, path, {"file", "upload_url"});
    auto file = r.string(*t, "file", path, Need::Required, true);
    checkRelativePath(file, path + QStringLiteral("/file"), "file");
    m.telemetry.file = file.value_or(QString());
    m.telemetry.uploadUrl = r.string(*t, "upload_url", path).value_or(QString());
}

std::optional<PortRange> Parser::parseRange(const json &obj, std::string_view key,
                                            const QString &path, Need need)
{
    const json *v = r.member(obj, key, path, need);
    if (!v)
        return std::nullopt;
    const QString here = JsonReader::child(path, key);
    if (!r.expectObject(*v, here))
        return std::nullopt;
    r.warnUnknownKeys(*v, here, {"min", "max"});
    auto min = r.integer(*v, "min", here, 1, 65535, Need::Required);
    auto max = r.integer(*v, "max", here, 1, 65535, Need::Required);
    if (!min || !max)
        return std::nullopt;
    if (*min > *max) {
        r.error(here,
                QStringLiteral("min (%1) must not be greater than max (%2)").arg(*min).arg(*max));
        return std::nullopt;
    }
    return PortRange {int(*min), int(*max)};
}

void Parser::parsePorts(const json &root, Manifest &m)
{
    const json *p = r.member(root, "ports", {}, Need::Optional);
    const QString path = QStringLiteral("/ports");
    if (!p || !r.expectObject(*p, path))
        return;
    r.warnUnknownKeys(*p, path, {"default_range", "reserved"});
    m.ports.defaultRange = parseRange(*p, "default_range", path, Need::Optional);
    const json *reserved = r.member(*p, "reserved", path, Need::Optional);
    if (!reserved || reserved->is_null())
        return;
    const QString here = path + QStringLiteral("/reserved");
    if (!reserved->is_array()) {
        r.error(here, QStringLiteral("must be an array of port numbers"));
        return;
    }
    for (std::size_t i = 0; i < reserved->size(); ++i) {
        const json &item = (*reserved)[i];
        const QString at = JsonReader::child(here, qsizetype(i));
        if (!item.is_number_integer() || item.get<qint64>() < 1 || item.get<qint64>() > 65535)
            r.error(at, QStringLiteral("must be a port number between 1 and 65535"));
        else
            m.ports.reserved << int(item.get<qint64>());
    }
}

void Parser::parseSwaps(const json &root, Manifest &m)
{
    forEachInArray(root, "swaps", {}, Need::Optional, [&](const json &v, const QString &path) {
        Swap s;
        if (r.expectObject(v, path)) {
            r.warnUnknownKeys(v, path, {"original", "replacement", "reason", "limitations"});
            s.original = r.string(v, "original", path, Need::Required, true).value_or(QString());
            s.replacement
                = r.string(v, "replacement", path, Need::Required, true).value_or(QString());
            s.reason = r.string(v, "reason", path).value_or(QString());
            s.limitations = r.string(v, "limitations", path).value_or(QString());
        }
        m.swaps.append(s);
    });
}

void Parser::parseCodeSigning(const json &v, const QString &path)
{
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path, {"enabled", "windows", "macos", "linux"});
    if (!r.member(v, "enabled", path, Need::Required))
        return;
    (void)r.boolean(v, "enabled", path);
    if (const json *w = r.member(v, "windows", path, Need::Optional)) {
        const QString here = path + QStringLiteral("/windows");
        if (r.expectObject(*w, here)) {
            (void)r.oneOf(*w, "certificate_source", here,
                          {QStringLiteral("file"), QStringLiteral("store"),
                           QStringLiteral("azure_keyvault"), QStringLiteral("aws_kms")},
                          Need::Required);
            (void)r.oneOf(
                *w, "sign_algorithm", here,
                {QStringLiteral("sha256"), QStringLiteral("sha384"), QStringLiteral("sha512")});
        }
    }
    if (const json *mac = r.member(v, "macos", path, Need::Optional)) {
        const QString here = path + QStringLiteral("/macos");
        if (r.expectObject(*mac, here)) {
            (void)r.string(*mac, "identity", here, Need::Required, true);
            (void)r.string(*mac, "team_id", here, Need::Required, true);
            for (const char *key : {"hardened_runtime", "notarize"}) {
                if (r.member(*mac, key, here, Need::Required))
                    (void)r.boolean(*mac, key, here);
            }
        }
    }
    if (const json *l = r.member(v, "linux", path, Need::Optional))
        (void)r.expectObject(*l, path + QStringLiteral("/linux"));
}

void Parser::parseRemote(const json &v, const QString &path, Manifest &m)
{
    if (!r.expectObject(v, path))
        return;
    for (auto it = v.cbegin(); it != v.cend(); ++it) {
        const QString name = QString::fromStdString(it.key());
        const QString here = JsonReader::child(path, it.key());
        if (m_rules && !m_rules->knows(name)) {
            r.warning(here,
                      QStringLiteral("is not a known provider and is ignored (known: %1)")
                          .arg(m_rules->providerNames().join(QStringLiteral(", "))));
            continue;
        }
        if (!r.expectObject(*it, here))
            continue;
        m.remote.insert(name, *it);
        if (m_rules)
            m_rules->checkConfig(name, *it, here, m_out);
    }
}

} // namespace steward::detail
