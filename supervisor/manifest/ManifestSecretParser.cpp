#include "GeneratorAlphabet.h"
#include "ManifestParser.h"
#include "RemoteProviderRules.h"

#include <QRegularExpression>

namespace steward::detail {

SecretSpec Parser::parseSecret(const json &v, const QString &path)
{
    SecretSpec s;
    if (!r.expectObject(v, path))
        return s;
    r.warnUnknownKeys(v, path,
                      {"id", "class", "description", "format", "required", "keep_versions",
                       "prompt", "generator", "target", "source"});
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
    if (const std::optional<qint64> keep = r.integer(v, "keep_versions", path, 1, 100))
        s.keepVersions = int(*keep);

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
    const auto type = r.oneOf(
        v, "type", path, {QStringLiteral("env"), QStringLiteral("file"), QStringLiteral("dir")},
        Need::Required);
    const bool files = s.source && s.source->shape == RemoteSource::Shape::Files;
    if (type && (*type == QLatin1String("dir")) != files) {
        r.error(path + QStringLiteral("/type"),
                files ? QStringLiteral("must be \"dir\" for a source of shape \"files\"")
                      : QStringLiteral("\"dir\" takes a remote source of shape \"files\""));
        return;
    }
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
    } else if (*type == QLatin1String("dir")) {
        s.target.type = SecretTarget::Type::Dir;
        checkRelativePath(name, namePath, "folder");
        if (r.member(v, "mode", path, Need::Optional))
            r.warning(path + QStringLiteral("/mode"),
                      QStringLiteral("is ignored: each file has its own file_mode"));
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
    const QString shape
        = r.oneOf(v, "shape", path,
                  {QStringLiteral("value"), QStringLiteral("env"), QStringLiteral("files")})
              .value_or(QStringLiteral("value"));
    if (shape == QLatin1String("env"))
        src.shape = RemoteSource::Shape::Env;
    else if (shape == QLatin1String("files"))
        src.shape = RemoteSource::Shape::Files;
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

} // namespace steward::detail
