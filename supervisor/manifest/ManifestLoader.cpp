#include "ManifestLoader.h"

#include "GeneratorAlphabet.h"
#include "JsonReader.h"
#include "ManifestValidator.h"
#include "RemoteProviderRules.h"
#include "core/Platform.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

namespace steward {

namespace {

using json = nlohmann::json;
using Need = JsonReader::Need;

constexpr int MaxTimeoutMs = 24 * 60 * 60 * 1000;

QString q(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

// A path inside the bundle or app data: relative, no "..", no drive or root.
bool isSafeRelativePath(const QString &p)
{
    if (p.isEmpty() || p.startsWith(QLatin1Char('/')) || p.startsWith(QLatin1Char('\\')))
        return false;
    if (p.size() >= 2 && p.at(1) == QLatin1Char(':'))
        return false;
    const QStringList parts = p.split(QRegularExpression(QStringLiteral("[/\\\\]")));
    return !parts.contains(QStringLiteral(".."));
}

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

SecretSpec Parser::parseSecret(const json &v, const QString &path)
{
    SecretSpec s;
    if (!r.expectObject(v, path))
        return s;
    r.warnUnknownKeys(v, path,
                      {"id", "class", "description", "format", "required", "prompt", "generator",
                       "target", "source"});
    if (auto id = r.string(v, "id", path, Need::Required, true)) {
        s.id = *id;
        // The id appears in keychain keys, URLs and STEWARD_SECRET_FILE_<ID> names.
        static const QRegularExpression idRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
        if (!idRe.match(*id).hasMatch())
            r.error(path + QStringLiteral("/id"),
                    QStringLiteral("must start with a letter or digit and contain only letters, "
                                   "digits, \"_\", \".\" and \"-\" (got %1)")
                        .arg(q(*id)));
    }
    const auto cls
        = r.oneOf(v, "class", path,
                  {QStringLiteral("infrastructure"), QStringLiteral("per_install_generated"),
                   QStringLiteral("user_prompt"), QStringLiteral("remote_fetch")},
                  Need::Required);
    s.description = r.string(v, "description", path).value_or(QString());
    if (auto format = r.string(v, "format", path)) {
        s.format = *format;
        checkRegex(*format, path + QStringLiteral("/format"));
    }
    s.required = r.boolean(v, "required", path).value_or(true);

    if (const json *p = r.member(v, "prompt", path, Need::Optional)) {
        const QString here = path + QStringLiteral("/prompt");
        if (r.expectObject(*p, here)) {
            r.warnUnknownKeys(*p, here, {"label", "description", "hint"});
            SecretPrompt prompt;
            prompt.label = r.string(*p, "label", here).value_or(QString());
            prompt.description = r.string(*p, "description", here).value_or(QString());
            prompt.hint = r.string(*p, "hint", here).value_or(QString());
            s.prompt = prompt;
        }
    }
    if (const json *g = r.member(v, "generator", path, Need::Optional))
        parseGenerator(*g, path + QStringLiteral("/generator"), s);
    // The source first: the shape of its value decides what the target needs.
    if (const json *src = r.member(v, "source", path, Need::Optional))
        parseSource(*src, path + QStringLiteral("/source"), s);
    if (const json *t = r.member(v, "target", path, Need::Required))
        parseTarget(*t, path + QStringLiteral("/target"), s);

    if (!cls)
        return s;
    if (*cls == QLatin1String("infrastructure")) {
        s.secretClass = SecretClass::Infrastructure;
        r.error(path + QStringLiteral("/class"),
                QStringLiteral("infrastructure secrets must never ship in a bundle: remove %1 "
                               "and keep it on the servers that need it")
                    .arg(q(s.id)));
    } else if (*cls == QLatin1String("per_install_generated")) {
        s.secretClass = SecretClass::PerInstallGenerated;
        // Rule 9 of the v0.1 reference.
        if (!r.member(v, "generator", path, Need::Optional))
            r.error(path + QStringLiteral("/generator"),
                    QStringLiteral("is required for per_install_generated secrets"));
    } else if (*cls == QLatin1String("user_prompt")) {
        s.secretClass = SecretClass::UserPrompt;
        // Rule 10 of the v0.1 schema; the reference runtime asks with the id as the label.
        if (!r.member(v, "prompt", path, Need::Optional))
            r.warning(path + QStringLiteral("/prompt"),
                      QStringLiteral("is missing: people are asked for %1 by its id; add a "
                                     "prompt with a label and a description")
                          .arg(q(s.id)));
    } else {
        s.secretClass = SecretClass::RemoteFetch;
        if (!r.member(v, "source", path, Need::Optional))
            r.error(path + QStringLiteral("/source"),
                    QStringLiteral("is required for remote_fetch secrets: say where to fetch it "
                                   "(provider, path, key)"));
    }
    if (s.generator && s.secretClass != SecretClass::PerInstallGenerated)
        r.warning(path + QStringLiteral("/generator"),
                  QStringLiteral("is ignored: only per_install_generated secrets are generated"));

    // A generator that can never satisfy the secret's own format is a manifest error,
    // found here rather than as an endless loop at first run.
    if (s.generator && s.secretClass == SecretClass::PerInstallGenerated && !s.format.isEmpty()) {
        const QRegularExpression re(s.format);
        if (re.isValid() && !GeneratorAlphabet::alphabetOf(*s.generator).isEmpty()
            && (s.generator->type == SecretGeneratorSpec::Type::Uuid || s.generator->length > 0)) {
            if (!GeneratorAlphabet::canMatch(*s.generator, re, 32))
                r.error(path + QStringLiteral("/format"),
                        QStringLiteral("the generator never produces a value matching this format; "
                                       "change the generator's length or charset, or the format"));
        }
    }
    return s;
}

void Parser::parseGenerator(const json &v, const QString &path, SecretSpec &s)
{
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path, {"type", "length", "charset", "alphabet"});
    SecretGeneratorSpec g;
    const auto type = r.oneOf(v, "type", path, {QStringLiteral("random"), QStringLiteral("uuid")},
                              Need::Required);
    if (!type)
        return;
    if (*type == QLatin1String("uuid")) {
        g.type = SecretGeneratorSpec::Type::Uuid;
        if (r.member(v, "length", path, Need::Optional)
            || r.member(v, "charset", path, Need::Optional)
            || r.member(v, "alphabet", path, Need::Optional))
            r.warning(path, QStringLiteral("uuid generators ignore length, charset and alphabet"));
        s.generator = g;
        return;
    }
    g.type = SecretGeneratorSpec::Type::Random;
    if (r.member(v, "length", path, Need::Optional)) {
        g.length = int(r.integer(v, "length", path, 1, 4096).value_or(0));
    } else {
        g.length = SecretGeneratorSpec::DefaultLength;
        r.warning(path,
                  QStringLiteral("no length given; %1 characters are generated, as the v0.1 "
                                 "reference does")
                      .arg(SecretGeneratorSpec::DefaultLength));
    }
    const auto charsetText = r.string(v, "charset", path);
    const bool namedCharset
        = charsetText && GeneratorAlphabet::charsetNames().contains(*charsetText);
    const auto alphabet = r.string(v, "alphabet", path);
    if (charsetText && alphabet) {
        r.error(path, QStringLiteral("give either charset or alphabet, not both"));
    } else if (charsetText && !namedCharset) {
        literalCharset(*charsetText, path + QStringLiteral("/charset"), g);
    } else if (alphabet) {
        const QString here = path + QStringLiteral("/alphabet");
        QString seen;
        bool dup = false;
        for (QChar c : *alphabet) {
            dup = dup || seen.contains(c);
            seen.append(c);
        }
        if (alphabet->size() < 2 || alphabet->size() > 256)
            r.error(here, QStringLiteral("must have between 2 and 256 characters"));
        else if (dup)
            r.error(here, QStringLiteral("must not repeat a character (it would bias the draw)"));
        else
            g.alphabet = *alphabet;
    } else {
        g.charset = charsetText.value_or(QStringLiteral("alnum"));
    }
    if (g.length > 0 && (!g.alphabet.isEmpty() || !g.charset.isEmpty()))
        s.generator = g;
}

void Parser::literalCharset(const QString &charset, const QString &path, SecretGeneratorSpec &g)
{
    QString distinct;
    for (QChar c : charset) {
        if (!distinct.contains(c))
            distinct.append(c);
    }
    // One or no distinct character would make every install's secret the same, known value.
    if (distinct.size() < 2 || distinct.size() > 256) {
        r.error(path,
                QStringLiteral("must name a charset (%1) or list between 2 and 256 different "
                               "characters to draw from (got %2)")
                    .arg(GeneratorAlphabet::charsetNames().join(QStringLiteral(", ")), q(charset)));
        return;
    }
    g.alphabet = distinct;
    r.warning(path,
              QStringLiteral("%1 is not a charset name (%2), so its characters are the alphabet%3; "
                             "write them as \"alphabet\" to say so")
                  .arg(q(charset), GeneratorAlphabet::charsetNames().join(QStringLiteral(", ")),
                       distinct.size() < charset.size() ? QStringLiteral(" (each counted once)")
                                                        : QString()));
}

void Parser::parseTarget(const json &v, const QString &path, SecretSpec &s)
{
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path, {"type", "name", "mode"});
    const auto type
        = r.oneOf(v, "type", path, {QStringLiteral("env"), QStringLiteral("file")}, Need::Required);
    if (s.source && s.source->shape == RemoteSource::Shape::Env) {
        // Each key of the .env names its own variable.
        if (type && *type != QLatin1String("env"))
            r.error(path + QStringLiteral("/type"),
                    QStringLiteral("must be \"env\" for a source of shape \"env\""));
        if (r.member(v, "name", path, Need::Optional))
            r.warning(path + QStringLiteral("/name"),
                      QStringLiteral("is ignored: each key of the .env names its variable"));
        s.target.type = SecretTarget::Type::Env;
        return;
    }
    const auto name = r.string(v, "name", path, Need::Required, true);
    if (!type || !name)
        return;
    s.target.name = *name;
    const QString namePath = path + QStringLiteral("/name");
    if (*type == QLatin1String("env")) {
        s.target.type = SecretTarget::Type::Env;
        static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (name->contains(QLatin1Char('=')) || name->contains(QChar(0)))
            r.error(namePath,
                    QStringLiteral("cannot be an environment variable name: it holds \"=\" or "
                                   "a NUL character (got %1)")
                        .arg(q(*name)));
        else if (!envName.match(*name).hasMatch())
            r.warning(namePath,
                      QStringLiteral("%1 is passed to the service, but shells cannot read it; "
                                     "use letters, digits and \"_\", not starting with a digit")
                          .arg(q(*name)));
        if (r.member(v, "mode", path, Need::Optional))
            r.warning(path + QStringLiteral("/mode"),
                      QStringLiteral("applies only to file targets"));
    } else {
        s.target.type = SecretTarget::Type::File;
        checkRelativePath(name, namePath, "file");
        if (auto mode = r.string(v, "mode", path)) {
            static const QRegularExpression octal(QStringLiteral("^0?[0-7]{3}$"));
            bool ok = false;
            const int bits = mode->toInt(&ok, 8);
            if (!octal.match(*mode).hasMatch() || !ok)
                r.error(path + QStringLiteral("/mode"),
                        QStringLiteral("must be an octal file mode such as \"0600\" (got %1)")
                            .arg(q(*mode)));
            else if (!(bits & 0400))
                r.error(path + QStringLiteral("/mode"),
                        QStringLiteral("must let the owner read the file (0400)"));
            else
                s.target.fileMode = bits;
        }
    }
}

void Parser::parseSource(const json &v, const QString &path, SecretSpec &s)
{
    if (!r.expectObject(v, path))
        return;
    RemoteSource src;
    src.provider = r.string(v, "provider", path, Need::Required, true).value_or(QString());
    src.settings = v;
    // shape, keys and prefix say how any provider's value is read; the rest is the provider's.
    json own = v;
    for (const char *common : {"shape", "keys", "prefix"})
        own.erase(common);
    if (r.oneOf(v, "shape", path, {QStringLiteral("value"), QStringLiteral("env")})
            .value_or(QStringLiteral("value"))
        == QLatin1String("env"))
        src.shape = RemoteSource::Shape::Env;
    src.keys = r.stringList(v, "keys", path);
    src.prefix = r.string(v, "prefix", path).value_or(QString());
    static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
    for (qsizetype i = 0; i < src.keys.size(); ++i) {
        if (!envName.match(src.keys.at(i)).hasMatch())
            r.error(JsonReader::child(path + QStringLiteral("/keys"), i),
                    QStringLiteral("must be a variable name: letters, digits and \"_\", not "
                                   "starting with a digit (got %1)")
                        .arg(q(src.keys.at(i))));
    }
    if (src.shape != RemoteSource::Shape::Env) {
        for (const char *key : {"keys", "prefix"}) {
            if (v.contains(key))
                r.error(JsonReader::child(path, key),
                        QStringLiteral("applies only to a source of shape \"env\""));
        }
    } else if (!src.keys.isEmpty() && !src.prefix.isEmpty()) {
        r.error(path + QStringLiteral("/prefix"),
                QStringLiteral("cannot be given with keys: take the keys listed, or those "
                               "starting with a prefix"));
    }
    if (m_rules && !src.provider.isEmpty()) {
        if (!m_rules->knows(src.provider))
            r.error(path + QStringLiteral("/provider"),
                    QStringLiteral("names no known provider (got %1; known: %2)")
                        .arg(q(src.provider), m_rules->providerNames().join(QStringLiteral(", "))));
        else
            m_rules->checkSource(src.provider, own, path, m_out);
    }
    s.source = src;
}

ServiceSpec Parser::parseService(const json &v, const QString &path)
{
    ServiceSpec s;
    if (!r.expectObject(v, path))
        return s;
    r.warnUnknownKeys(
        v, path,
        {"id",           "type",        "description",     "binaries",    "build",    "env",
         "secrets",      "data_dirs",   "log_dir",         "ports",       "health",   "readiness",
         "dependencies", "migrations",  "assets",          "gpu",         "critical", "metadata",
         "restart",      "stop_signal", "stop_timeout_ms", "env_inherit", "sandbox"});
    if (auto id = r.string(v, "id", path, Need::Required, true)) {
        s.id = *id;
        // Service ids name directories, log files and API paths.
        static const QRegularExpression idRe(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*$"));
        if (!idRe.match(*id).hasMatch() || id->contains(QLatin1String("..")))
            r.error(path + QStringLiteral("/id"),
                    QStringLiteral("must start with a letter or digit and contain only letters, "
                                   "digits, \"_\", \"-\" and single dots (got %1)")
                        .arg(q(*id)));
        else if (id->contains(QLatin1Char('.')))
            r.warning(path + QStringLiteral("/id"),
                      QStringLiteral("%1 holds a dot, which makes ${%1.<port>} tokens hard to "
                                     "read; prefer \"_\" or \"-\"")
                          .arg(*id));
    }
    static const QStringList types {QStringLiteral("ui-bundle"), QStringLiteral("api-binary"),
                                    QStringLiteral("worker"), QStringLiteral("resource")};
    if (auto type = r.string(v, "type", path, Need::Required, true)) {
        s.typeName = *type;
        if (types.contains(*type)) {
            s.type = ServiceSpec::Type(types.indexOf(*type));
        } else {
            s.type = ServiceSpec::Type::Other;
            r.warning(path + QStringLiteral("/type"),
                      QStringLiteral("%1 is not a v0.1 service type (%2); the service is run as a "
                                     "program, like an api-binary")
                          .arg(q(*type), types.join(QStringLiteral(", "))));
        }
    }
    s.description = r.string(v, "description", path).value_or(QString());

    // A ui-bundle is served by Steward, not run: it needs no binary.
    const bool uiBundle = s.type == ServiceSpec::Type::UiBundle;
    if (const json *b = r.member(v, "binaries", path, uiBundle ? Need::Optional : Need::Required))
        parseBinaries(*b, path + QStringLiteral("/binaries"), s,
                      r.member(v, "build", path, Need::Optional) != nullptr);

    if (const json *b = r.member(v, "build", path, Need::Optional)) {
        const QString here = path + QStringLiteral("/build");
        if (r.expectObject(*b, here)) {
            r.warnUnknownKeys(
                *b, here, {"type", "source_dir", "entry_point", "output_pattern", "args", "env"});
            BuildConfig build;
            build.type
                = r.oneOf(*b, "type", here,
                          {QStringLiteral("go"), QStringLiteral("rust"), QStringLiteral("npm"),
                           QStringLiteral("python"), QStringLiteral("custom")},
                          Need::Required)
                      .value_or(QString());
            build.sourceDir
                = r.string(*b, "source_dir", here, Need::Required, true).value_or(QString());
            build.entryPoint = r.string(*b, "entry_point", here).value_or(QString());
            build.outputPattern = r.string(*b, "output_pattern", here).value_or(QString());
            build.args = r.stringList(*b, "args", here);
            build.env = r.stringMap(*b, "env", here);
            s.build = build;
        }
    }

    s.env = r.stringMap(v, "env", path);
    s.secrets = r.stringList(v, "secrets", path);
    s.dataDirs = r.stringList(v, "data_dirs", path);
    for (qsizetype i = 0; i < s.dataDirs.size(); ++i)
        checkRelativePath(s.dataDirs.at(i),
                          JsonReader::child(path + QStringLiteral("/data_dirs"), i), "directory");
    auto logDir = r.string(v, "log_dir", path, Need::Optional, true);
    if (logDir && !logDir->isEmpty() && !isSafeRelativePath(*logDir))
        r.warning(
            path + QStringLiteral("/log_dir"),
            QStringLiteral("%1 lies outside the app's data directory; the log is written "
                           "there, as %2")
                .arg(q(*logDir), q(*logDir + QLatin1Char('/') + s.id + QStringLiteral(".log"))));
    s.logDir = logDir.value_or(QString());

    if (const json *p = r.member(v, "ports", path, Need::Optional)) {
        const QString here = path + QStringLiteral("/ports");
        if (r.expectObject(*p, here)) {
            r.warnUnknownKeys(*p, here, {"requested"});
            forEachInArray(
                *p, "requested", here, Need::Required, [&](const json &req, const QString &at) {
                    PortRequest pr;
                    if (r.expectObject(req, at)) {
                        r.warnUnknownKeys(req, at, {"name", "range", "requires_socket"});
                        pr.name
                            = r.string(req, "name", at, Need::Required, true).value_or(QString());
                        static const QRegularExpression nameRe(QStringLiteral("^[A-Za-z0-9_-]+$"));
                        if (!pr.name.isEmpty() && !nameRe.match(pr.name).hasMatch())
                            r.error(at + QStringLiteral("/name"),
                                    QStringLiteral("must contain only letters, digits, "
                                                   "\"_\" and \"-\" (got %1)")
                                        .arg(q(pr.name)));
                        for (const PortRequest &other : s.ports) {
                            if (!pr.name.isEmpty() && other.name == pr.name)
                                r.error(at + QStringLiteral("/name"),
                                        QStringLiteral("duplicate port name %1 in this "
                                                       "service")
                                            .arg(q(pr.name)));
                        }
                        pr.range = parseRange(req, "range", at, Need::Required);
                        pr.requiresSocket = r.boolean(req, "requires_socket", at).value_or(false);
                    }
                    s.ports.append(pr);
                });
        }
    }

    if (const json *h = r.member(v, "health", path, Need::Required))
        parseHealth(*h, path + QStringLiteral("/health"), s);
    if (const json *rd = r.member(v, "readiness", path, Need::Required))
        parseReadiness(*rd, path + QStringLiteral("/readiness"), s);
    s.dependencies = r.stringList(v, "dependencies", path);
    if (const json *m = r.member(v, "migrations", path, Need::Optional))
        parseMigrations(*m, path + QStringLiteral("/migrations"), s);
    if (const json *a = r.member(v, "assets", path, Need::Optional))
        parseAssets(*a, path + QStringLiteral("/assets"), s);

    if (const json *g = r.member(v, "gpu", path, Need::Optional)) {
        const QString here = path + QStringLiteral("/gpu");
        if (r.expectObject(*g, here)) {
            r.warnUnknownKeys(*g, here, {"requirement"});
            static const QStringList reqs {QStringLiteral("required"), QStringLiteral("optional"),
                                           QStringLiteral("optional_with_cpu_fallback"),
                                           QStringLiteral("optional_but_warn")};
            if (auto req = r.oneOf(*g, "requirement", here, reqs))
                s.gpu = GpuRequirement(reqs.indexOf(*req) + 1);
        }
    }
    s.critical = r.boolean(v, "critical", path).value_or(true);
    if (const json *md = r.member(v, "metadata", path, Need::Optional)) {
        if (r.expectObject(*md, path + QStringLiteral("/metadata")))
            s.metadata = *md;
    }
    if (const json *rs = r.member(v, "restart", path, Need::Optional))
        parseRestart(*rs, path + QStringLiteral("/restart"), s);
    if (const json *ei = r.member(v, "env_inherit", path, Need::Optional))
        parseEnvInherit(*ei, path + QStringLiteral("/env_inherit"), s);
    if (const json *sb = r.member(v, "sandbox", path, Need::Optional))
        parseSandbox(*sb, path + QStringLiteral("/sandbox"), s);
    if (auto sig = r.oneOf(v, "stop_signal", path,
                           {QStringLiteral("SIGTERM"), QStringLiteral("SIGINT"),
                            QStringLiteral("SIGHUP"), QStringLiteral("SIGQUIT"),
                            QStringLiteral("SIGUSR1"), QStringLiteral("SIGUSR2")}))
        s.stopSignal = *sig;
    if (auto t = r.integer(v, "stop_timeout_ms", path, 0, 10 * 60 * 1000))
        s.stopTimeoutMs = int(*t);
    return s;
}

void Parser::parseBinaries(const json &v, const QString &path, ServiceSpec &s, bool hasBuild)
{
    if (!r.expectObject(v, path))
        return;
    // Rule 7 of the v0.1 schema asks for at least one binary; the reference runtime loads a
    // bundle without one and fails only that service when it starts, and so does Steward. A
    // ui-bundle, which Steward serves, needs none.
    const QString known = Platform::knownKeys().join(QStringLiteral(", "));
    if (v.empty()) {
        if (s.type != ServiceSpec::Type::UiBundle)
            r.warning(path,
                      QStringLiteral("names no binary, so this service cannot start; add one "
                                     "keyed by platform (%1, or universal)%2")
                          .arg(known,
                               hasBuild
                                   ? QStringLiteral("; the build block only says how to compile "
                                                    "it, so add the built binary's path")
                                   : QString()));
        return;
    }
    for (auto it = v.begin(); it != v.end(); ++it) {
        const QString key = QString::fromStdString(it.key());
        const QString here = JsonReader::child(path, it.key());
        if (!Platform::knownKeys().contains(key) && key != QLatin1String("universal"))
            r.warning(here,
                      QStringLiteral("%1 is not a platform Steward knows (%2, or universal); "
                                     "this binary is never used")
                          .arg(q(key), known));
        if (!r.expectObject(*it, here))
            continue;
        r.warnUnknownKeys(*it, here, {"path", "args", "env", "cwd"});
        Binary b;
        b.path = r.string(*it, "path", here, Need::Required, true).value_or(QString());
        b.args = r.stringList(*it, "args", here);
        b.env = r.stringMap(*it, "env", here);
        b.cwd = r.string(*it, "cwd", here).value_or(QString());
        s.binaries.insert(key, b);
    }
}

void Parser::parseHealth(const json &v, const QString &path, ServiceSpec &s)
{
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path,
                      {"type", "path", "port_name", "command", "pattern", "interval_ms",
                       "timeout_ms", "retries"});
    static const QStringList types {QStringLiteral("http"), QStringLiteral("tcp"),
                                    QStringLiteral("command"), QStringLiteral("log_match")};
    const auto type = r.oneOf(v, "type", path, types, Need::Required);
    HealthCheck &h = s.health;
    h.path = r.string(v, "path", path).value_or(QString());
    h.portName = r.string(v, "port_name", path).value_or(QString());
    h.command = r.stringList(v, "command", path);
    h.pattern = r.string(v, "pattern", path).value_or(QString());
    h.intervalMs = int(r.integer(v, "interval_ms", path, 0, MaxTimeoutMs).value_or(h.intervalMs));
    h.timeoutMs = int(r.integer(v, "timeout_ms", path, 0, MaxTimeoutMs).value_or(h.timeoutMs));
    h.retries = int(r.integer(v, "retries", path, 0, 1000).value_or(h.retries));
    if (!type)
        return;
    h.type = HealthCheck::Type(types.indexOf(*type));
    switch (h.type) {
    case HealthCheck::Type::Http:
        if (h.path.isEmpty()) {
            h.path = QStringLiteral("/");
            r.warning(path + QStringLiteral("/path"),
                      QStringLiteral("is missing, so \"/\" is checked (any 2xx answer passes); "
                                     "name the service's health path"));
        } else if (!h.path.startsWith(QLatin1Char('/'))) {
            r.warning(path + QStringLiteral("/path"),
                      QStringLiteral("%1 does not start with \"/\"; \"/%2\" is checked")
                          .arg(q(h.path), h.path));
            h.path.prepend(QLatin1Char('/'));
        }
        [[fallthrough]];
    case HealthCheck::Type::Tcp:
        if (h.portName.isEmpty())
            r.error(path + QStringLiteral("/port_name"),
                    QStringLiteral("is required for %1 health checks").arg(*type));
        break;
    case HealthCheck::Type::Command:
        if (h.command.isEmpty())
            r.error(path + QStringLiteral("/command"),
                    QStringLiteral("is required for command health checks (the program and its "
                                   "arguments)"));
        break;
    case HealthCheck::Type::LogMatch:
        // The v0.1 health object has no "pattern": the reference takes it from "path".
        if (h.pattern.isEmpty())
            h.pattern = h.path;
        if (h.pattern.isEmpty())
            r.error(path + QStringLiteral("/path"),
                    QStringLiteral("is required for log_match health checks: the text (a "
                                   "regular expression) the service's output must show"));
        break;
    }
    if (!h.pattern.isEmpty())
        checkRegex(h.pattern, path + QStringLiteral("/pattern"));
    if (!h.portName.isEmpty() && !s.port(h.portName))
        r.error(path + QStringLiteral("/port_name"),
                QStringLiteral("names no port of this service (ports: %1)")
                    .arg(s.ports.isEmpty() ? QStringLiteral("none") : [&] {
                        QStringList names;
                        for (const PortRequest &p : s.ports)
                            names << p.name;
                        return names.join(QStringLiteral(", "));
                    }()));
}

void Parser::parseReadiness(const json &v, const QString &path, ServiceSpec &s)
{
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path, {"type", "port_name", "pattern", "timeout_ms"});
    static const QStringList types {QStringLiteral("health_success"), QStringLiteral("port_open"),
                                    QStringLiteral("log_match"),
                                    QStringLiteral("dependencies_ready")};
    const auto type = r.oneOf(v, "type", path, types, Need::Required);
    Readiness &rd = s.readiness;
    rd.portName = r.string(v, "port_name", path).value_or(QString());
    rd.pattern = r.string(v, "pattern", path).value_or(QString());
    rd.timeoutMs = int(r.integer(v, "timeout_ms", path, 0, MaxTimeoutMs).value_or(rd.timeoutMs));
    if (!rd.pattern.isEmpty())
        checkRegex(rd.pattern, path + QStringLiteral("/pattern"));
    if (!rd.portName.isEmpty() && !s.port(rd.portName))
        r.error(path + QStringLiteral("/port_name"),
                QStringLiteral("names no port of this service"));
    if (!type)
        return;
    rd.type = Readiness::Type(types.indexOf(*type));
    if (rd.type == Readiness::Type::PortOpen && rd.portName.isEmpty())
        r.error(path + QStringLiteral("/port_name"),
                QStringLiteral("is required for port_open readiness"));
    if (rd.type == Readiness::Type::LogMatch) {
        if (rd.pattern.isEmpty())
            r.error(path + QStringLiteral("/pattern"),
                    QStringLiteral("is required for log_match readiness"));
        if (s.logDir.isEmpty())
            r.warning(path,
                      QStringLiteral("log_match readiness without a log_dir: Steward matches "
                                     "the captured output and writes it to logs/%1")
                          .arg(s.id));
    }
}

void Parser::parseMigrations(const json &v, const QString &path, ServiceSpec &s)
{
    if (!v.is_array()) {
        r.error(path, QStringLiteral("must be an array, not %1").arg(JsonReader::typeName(v)));
        return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const QString at = JsonReader::child(path, qsizetype(i));
        Migration m;
        const json &item = v[i];
        if (r.expectObject(item, at)) {
            r.warnUnknownKeys(item, at, {"version", "command", "env", "run_on"});
            m.version = r.string(item, "version", at, Need::Required, true).value_or(QString());
            for (const Migration &other : s.migrations) {
                if (!m.version.isEmpty() && other.version == m.version)
                    r.error(at + QStringLiteral("/version"),
                            QStringLiteral("duplicate migration version %1").arg(q(m.version)));
            }
            m.command = r.stringList(item, "command", at, Need::Required);
            if (r.member(item, "command", at, Need::Optional) && m.command.isEmpty())
                r.error(at + QStringLiteral("/command"), QStringLiteral("must not be empty"));
            m.env = r.stringMap(item, "env", at);
            const auto runOn = r.string(item, "run_on", at);
            m.runOnAsWritten = runOn.value_or(QStringLiteral("always"));
            if (!runOn) {
                r.warning(at,
                          QStringLiteral("no run_on given, so \"always\": the migration runs once, "
                                         "at the first start that sees it"));
            } else if (*runOn == QLatin1String("first_install")) {
                m.runOn = Migration::RunOn::FirstInstall;
            } else if (*runOn == QLatin1String("upgrade")) {
                m.runOn = Migration::RunOn::Upgrade;
            } else if (*runOn != QLatin1String("always")) {
                m.runOn = Migration::RunOn::Never;
                r.warning(at + QStringLiteral("/run_on"),
                          QStringLiteral("%1 is not first_install, upgrade or always, so this "
                                         "migration never runs (as in the v0.1 reference)%2")
                              .arg(q(*runOn),
                                   runOn->contains(QLatin1String("install"))
                                       ? QStringLiteral("; did you mean \"first_install\"?")
                                       : QString()));
            }
        }
        s.migrations.append(m);
    }
}

void Parser::parseAssets(const json &v, const QString &path, ServiceSpec &s)
{
    if (!v.is_array()) {
        r.error(path, QStringLiteral("must be an array, not %1").arg(JsonReader::typeName(v)));
        return;
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
        const QString at = JsonReader::child(path, qsizetype(i));
        Asset a;
        const json &item = v[i];
        if (r.expectObject(item, at)) {
            r.warnUnknownKeys(item, at, {"path", "sha256", "size_bytes"});
            auto p = r.string(item, "path", at, Need::Required, true);
            checkRelativePath(p, at + QStringLiteral("/path"), "file");
            a.path = p.value_or(QString());
            a.sha256 = r.string(item, "sha256", at).value_or(QString());
            if (auto size
                = r.integer(item, "size_bytes", at, 0, std::numeric_limits<qint64>::max()))
                a.sizeBytes = *size;
        }
        s.assets.append(a);
    }
}

void Parser::parseRestart(const json &v, const QString &path, ServiceSpec &s)
{
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path,
                      {"policy", "max_restarts", "backoff_initial_ms", "backoff_max_ms",
                       "stable_after_ms", "on_unhealthy"});
    RestartPolicy &p = s.restart;
    static const QStringList modes {QStringLiteral("always"), QStringLiteral("on_failure"),
                                    QStringLiteral("never")};
    if (auto mode = r.oneOf(v, "policy", path, modes))
        p.mode = RestartPolicy::Mode(modes.indexOf(*mode));
    p.maxRestarts = int(r.integer(v, "max_restarts", path, 0, 1000000).value_or(p.maxRestarts));
    p.backoffInitialMs = int(
        r.integer(v, "backoff_initial_ms", path, 0, MaxTimeoutMs).value_or(p.backoffInitialMs));
    p.backoffMaxMs
        = int(r.integer(v, "backoff_max_ms", path, 0, MaxTimeoutMs).value_or(p.backoffMaxMs));
    p.stableAfterMs
        = int(r.integer(v, "stable_after_ms", path, 0, MaxTimeoutMs).value_or(p.stableAfterMs));
    p.onUnhealthy = r.boolean(v, "on_unhealthy", path).value_or(p.onUnhealthy);
    if (p.backoffMaxMs < p.backoffInitialMs)
        r.error(path + QStringLiteral("/backoff_max_ms"),
                QStringLiteral("must not be less than backoff_initial_ms (%1)")
                    .arg(p.backoffInitialMs));
}

void Parser::parseEnvInherit(const json &v, const QString &path, ServiceSpec &s)
{
    if (v.is_string()) {
        const QString mode = QString::fromStdString(v.get<std::string>());
        if (mode == QLatin1String("all"))
            s.envInherit.mode = EnvInherit::Mode::All;
        else if (mode == QLatin1String("minimal"))
            s.envInherit.mode = EnvInherit::Mode::Minimal;
        else
            r.error(path,
                    QStringLiteral("must be \"all\", \"minimal\" or a list of variable names "
                                   "(got %1)")
                        .arg(q(mode)));
        return;
    }
    if (!v.is_array()) {
        r.error(path,
                QStringLiteral("must be \"all\", \"minimal\" or a list of variable names, not %1")
                    .arg(JsonReader::typeName(v)));
        return;
    }
    s.envInherit.mode = EnvInherit::Mode::List;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || v[i].get<std::string>().empty())
            r.error(JsonReader::child(path, qsizetype(i)),
                    QStringLiteral("must be a variable name"));
        else
            s.envInherit.names << QString::fromStdString(v[i].get<std::string>());
    }
}

void Parser::parseSandbox(const json &v, const QString &path, ServiceSpec &s)
{
    auto mode = [&](const QString &m, const QString &where) {
        if (m == QLatin1String("strict")) {
            s.sandbox.mode = SandboxSpec::Mode::Strict;
        } else if (m == QLatin1String("off")) {
            s.sandbox.mode = SandboxSpec::Mode::Off;
            r.warning(where,
                      QStringLiteral("\"off\": service %1 runs unconfined, able to read the "
                                     "other services' secrets and Steward's admin token")
                          .arg(s.id));
        } else {
            r.error(where, QStringLiteral("must be \"strict\" or \"off\" (got %1)").arg(q(m)));
        }
    };
    if (v.is_string())
        return mode(QString::fromStdString(v.get<std::string>()), path);
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path, {"mode", "read", "write", "session_bus"});
    if (auto m = r.string(v, "mode", path))
        mode(*m, path + QStringLiteral("/mode"));
    if (auto bus = r.boolean(v, "session_bus", path))
        s.sandbox.sessionBus = *bus;
    // "${bundle}/x", "${data}/x" or "~/x": a path the service may also read (or write).
    auto grants = [&](std::string_view key, QList<SandboxSpec::Grant> &out) {
        forEachInArray(v, key, path, Need::Optional, [&](const json &item, const QString &where) {
            const QString text
                = item.is_string() ? QString::fromStdString(item.get<std::string>()) : QString();
            static const std::pair<const char *, SandboxSpec::Root> roots[]
                = {{"${bundle}", SandboxSpec::Root::Bundle},
                   {"${data}", SandboxSpec::Root::AppData},
                   {"~", SandboxSpec::Root::Home}};
            for (const auto &root : roots) {
                const QLatin1String prefix(root.first);
                if (text != prefix && !text.startsWith(prefix + QLatin1Char('/')))
                    continue;
                const QString rest = text.mid(prefix.size() + 1);
                if (!rest.isEmpty() && !isSafeRelativePath(rest))
                    break;
                out << SandboxSpec::Grant {root.second, rest};
                return;
            }
            r.error(where,
                    QStringLiteral("must be a path under ${bundle}/, ${data}/ or ~/ without "
                                   "\"..\" (got %1)")
                        .arg(item.is_string() ? q(text) : JsonReader::typeName(item)));
        });
    };
    grants("read", s.sandbox.read);
    grants("write", s.sandbox.write);
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

// Finds where a document nests deeper than ManifestLoader::MaxNesting, by streaming it (SAX)
// before any DOM exists. Returns the JSON pointer of the first container too deep, if any.
class NestingCheck : public nlohmann::json_sax<json>
{
public:
    std::optional<QString> tooDeep;

    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t &) override { return value(); }
    bool string(string_t &) override { return value(); }
    bool binary(binary_t &) override { return value(); }
    bool start_object(std::size_t) override { return open(false); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(true); }
    bool end_array() override { return close(); }
    bool key(string_t &k) override
    {
        m_path.back().key = k;
        return true;
    }
    bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) override
    {
        return false; // the real parse reports syntax errors with their position
    }

private:
    struct Level
    {
        bool array = false;
        qsizetype index = -1;
        std::string key;
    };
    // A value inside an array takes the next index.
    void advance()
    {
        if (!m_path.empty() && m_path.back().array)
            ++m_path.back().index;
    }
    bool value()
    {
        advance();
        return true;
    }
    bool open(bool array)
    {
        advance();
        if (int(m_path.size()) >= ManifestLoader::MaxNesting) {
            QString pointer;
            for (const Level &l : m_path)
                pointer = l.array ? JsonReader::child(pointer, l.index)
                                  : JsonReader::child(pointer, l.key);
            tooDeep = pointer;
            return false;
        }
        m_path.push_back({array, -1, {}});
        return true;
    }
    bool close()
    {
        m_path.pop_back();
        return true;
    }
    std::vector<Level> m_path;
};

int lineOf(const QByteArray &bytes, std::size_t offset, int *column)
{
    int line = 1;
    int col = 1;
    const std::size_t end = std::min<std::size_t>(offset, std::size_t(bytes.size()));
    for (std::size_t i = 0; i + 1 < end; ++i) {
        if (bytes.at(qsizetype(i)) == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    *column = col;
    return line;
}

} // namespace

ManifestLoadResult ManifestLoader::loadFile(const QString &path, const RemoteProviderRules *rules)
{
    ManifestLoadResult result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.unreadable = true;
        result.readError = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return result;
    }
    if (file.size() > MaxManifestBytes) {
        result.unreadable = true;
        result.readError = QStringLiteral("%1 is %2 bytes; a manifest may be at most %3 bytes")
                               .arg(path)
                               .arg(file.size())
                               .arg(MaxManifestBytes);
        return result;
    }
    ManifestLoadResult loaded
        = loadBytes(file.readAll(), QFileInfo(path).absoluteFilePath(), rules);
    if (loaded.manifest)
        checkServedFolders(*loaded.manifest, loaded.diagnostics);
    return loaded;
}

void ManifestLoader::checkServedFolders(const Manifest &manifest, Diagnostics &out)
{
    // Only a manifest read from its bundle can be checked against the files beside it.
    for (qsizetype i = 0; i < manifest.services.size(); ++i) {
        const ServiceSpec &s = manifest.services.at(i);
        const QString folder = manifest.servedFolder(s);
        if (s.type != ServiceSpec::Type::UiBundle || folder.isEmpty())
            continue;
        if (!QFileInfo(folder + QStringLiteral("/index.html")).isFile())
            out.append({Diagnostic::Severity::Warning,
                        QStringLiteral("/services/%1/assets/0/path").arg(i),
                        QStringLiteral("Steward serves %1 for this ui-bundle, and it has no "
                                       "index.html: the service will not start")
                            .arg(QDir::toNativeSeparators(folder))});
    }
}

ManifestLoadResult ManifestLoader::loadBytes(const QByteArray &bytes, const QString &sourcePath,
                                             const RemoteProviderRules *rules)
{
    ManifestLoadResult result;
    NestingCheck nesting;
    (void)json::sax_parse(bytes.cbegin(), bytes.cend(), &nesting);
    if (nesting.tooDeep) {
        result.diagnostics.append(
            {Diagnostic::Severity::Error, *nesting.tooDeep,
             QStringLiteral("nests arrays or objects deeper than %1 levels; a manifest never "
                            "needs that many")
                 .arg(MaxNesting)});
        return result;
    }
    json root;
    try {
        root = json::parse(bytes.cbegin(), bytes.cend());
    } catch (const json::parse_error &e) {
        Diagnostic d;
        d.line = lineOf(bytes, e.byte, &d.column);
        // nlohmann's message names the token it expected; drop its "[json.exception...]" prefix.
        QString what = QString::fromUtf8(e.what());
        const qsizetype cut = what.indexOf(QLatin1String(": syntax error "));
        if (cut >= 0)
            what = what.mid(cut + 2);
        d.message = QStringLiteral("invalid JSON: %1").arg(what);
        result.diagnostics.append(d);
        return result;
    } catch (const json::out_of_range &) {
        // A number too large for a double (1e999): nlohmann reports it as out of range, not as
        // a syntax error, and without a position.
        result.diagnostics.append({Diagnostic::Severity::Error, QString(),
                                   QStringLiteral("invalid JSON: a number is out of range")});
        return result;
    }
    if (!root.is_object()) {
        result.diagnostics.append({Diagnostic::Severity::Error, QString(),
                                   QStringLiteral("the manifest must be a JSON object, not %1")
                                       .arg(JsonReader::typeName(root))});
        return result;
    }
    Parser parser(result.diagnostics, rules);
    Manifest m = parser.parse(root);
    ManifestValidator::validate(m, result.diagnostics, rules);
    if (!sourcePath.isEmpty()) {
        m.sourcePath = sourcePath;
        m.bundleRoot = QFileInfo(sourcePath).absolutePath();
    }
    result.manifest = std::move(m);
    return result;
}

} // namespace steward
