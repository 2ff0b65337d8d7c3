#include "PlanReport.h"

#include "SecretValidator.h"
#include "core/StdText.h"

#include <QDir>
#include <QTextStream>

namespace steward {

namespace {

using json = nlohmann::json;
using stdtext::s;

QString qs(const json &j)
{
    return j.is_string() ? QString::fromStdString(j.get<std::string>()) : QString();
}

json targetJson(const SecretSpec &sec)
{
    json t {{"type",
             sec.target.type == SecretTarget::Type::Env       ? "env"
                 : sec.target.type == SecretTarget::Type::Dir ? "dir"
                                                              : "file"},
            {"name", s(sec.target.name)}};
    // A remote .env: the variables are its keys, those listed or with the prefix.
    if (sec.source && sec.source->shape == RemoteSource::Shape::Env) {
        json keys = json::array();
        for (const QString &k : sec.source->keys)
            keys.push_back(s(k));
        t["name"] = nullptr;
        t["env_keys"] = keys;
        t["env_prefix"] = s(sec.source->prefix);
    }
    return t;
}

QString generatorText(const SecretGeneratorSpec &g)
{
    if (g.type == SecretGeneratorSpec::Type::Uuid)
        return QStringLiteral("UUID v4");
    if (!g.alphabet.isEmpty())
        return QStringLiteral("%1 chars from a %2-symbol alphabet")
            .arg(g.length)
            .arg(g.alphabet.size());
    return QStringLiteral("%1 chars, %2").arg(g.length).arg(g.charset);
}

QString healthText(const HealthCheck &h)
{
    switch (h.type) {
    case HealthCheck::Type::Http:
        return QStringLiteral("HTTP GET %1 on port %2 answers 2xx").arg(h.path, h.portName);
    case HealthCheck::Type::Tcp:
        return QStringLiteral("port %1 accepts TCP connections").arg(h.portName);
    case HealthCheck::Type::Command:
        return QStringLiteral("`%1` exits 0").arg(h.command.join(QLatin1Char(' ')));
    case HealthCheck::Type::LogMatch:
        return QStringLiteral("output matches /%1/").arg(h.pattern);
    }
    return {};
}

QString readinessText(const ServiceSpec &svc)
{
    const Readiness &r = svc.readiness;
    switch (r.type) {
    case Readiness::Type::HealthSuccess:
        return QStringLiteral("first health check passes (%1)").arg(healthText(svc.health));
    case Readiness::Type::PortOpen:
        return QStringLiteral("port %1 accepts connections").arg(r.portName);
    case Readiness::Type::LogMatch:
        return QStringLiteral("output matches /%1/").arg(r.pattern);
    case Readiness::Type::DependenciesReady:
        return QStringLiteral("its dependencies are ready");
    }
    return {};
}

} // namespace

json PlanReport::toJson(const Manifest &m, const QString &platform)
{
    json generated = json::array(), prompted = json::array(), remote = json::array(),
         refused = json::array();
    for (const SecretSpec &sec : m.secrets) {
        json consumers = json::array();
        for (const QString &c : m.consumersOf(sec.id))
            consumers.push_back(s(c));
        json e {{"id", s(sec.id)},
                {"target", targetJson(sec)},
                {"consumers", consumers},
                {"required", sec.required}};
        switch (sec.secretClass) {
        case SecretClass::PerInstallGenerated:
            if (sec.generator)
                e["generator"] = s(generatorText(*sec.generator));
            generated.push_back(e);
            break;
        case SecretClass::UserPrompt:
            e["label"] = s(sec.label());
            if (!sec.format.isEmpty())
                e["format"] = s(sec.format);
            if (!sec.description.isEmpty())
                e["description"] = s(sec.description);
            prompted.push_back(e);
            break;
        case SecretClass::RemoteFetch:
            // As written: each provider has its own fields.
            if (sec.source)
                e["source"] = sec.source->settings;
            remote.push_back(e);
            break;
        case SecretClass::Infrastructure:
            refused.push_back(
                {{"id", s(sec.id)}, {"reason", "infrastructure secrets never ship in a bundle"}});
            break;
        }
    }

    json services = json::array();
    const QStringList order = m.startOrder();
    for (qsizetype i = 0; i < order.size(); ++i) {
        const ServiceSpec &svc = *m.service(order.at(i));
        const Binary *bin = svc.binaryFor(platform);
        json ports = json::array();
        for (const PortRequest &p : svc.ports) {
            const std::optional<PortRange> range = p.range ? p.range : m.ports.defaultRange;
            json pj {{"name", s(p.name)}};
            pj["range"]
                = range ? json::array({range->min, range->max}) : json::array({47000, 47999});
            ports.push_back(pj);
        }
        json env = json::array();
        for (auto it = svc.env.cbegin(); it != svc.env.cend(); ++it)
            env.push_back(s(it.key()));
        if (bin) {
            for (auto it = bin->env.cbegin(); it != bin->env.cend(); ++it)
                env.push_back(s(it.key()));
        }
        json secretEnv = json::array(), secretFiles = json::array(), waitsFor = json::array();
        for (const QString &id : svc.secrets) {
            const SecretSpec *sec = m.secret(id);
            if (!sec)
                continue;
            if (sec->target.type == SecretTarget::Type::Env && sec->source
                && sec->source->shape == RemoteSource::Shape::Env)
                // A remote .env: the keys it is filtered to, or a pattern of them.
                secretEnv.push_back(
                    {{"secret", s(id)},
                     {"env",
                      !sec->source->keys.isEmpty() ? s(sec->source->keys.join(QStringLiteral(", ")))
                                                   : s(sec->source->prefix + u'*')}});
            else if (sec->target.type == SecretTarget::Type::Env)
                secretEnv.push_back({{"secret", s(id)}, {"env", s(sec->target.name)}});
            else if (sec->target.type == SecretTarget::Type::Dir)
                // The files a deployment keeps in the remote store, written into this folder.
                secretFiles.push_back(
                    {{"secret", s(id)},
                     {"path", s(secretFileRelativePath(svc.id, sec->target.name) + u'/')},
                     {"env", s(secretDirEnvName(id))},
                     {"mode", "each file's file_mode"}});
            else
                secretFiles.push_back(
                    {{"secret", s(id)},
                     {"path", s(secretFileRelativePath(svc.id, sec->target.name))},
                     {"env", s(secretFileEnvName(id))},
                     {"mode",
                      s(QStringLiteral("0%1").arg(sec->target.fileMode, 3, 8, QLatin1Char('0')))}});
            if (sec->required && sec->secretClass != SecretClass::PerInstallGenerated)
                waitsFor.push_back(s(id));
        }
        json deps = json::array();
        for (const QString &d : svc.dependencies)
            deps.push_back(s(d));
        json sj {{"id", s(svc.id)},
                 {"type", s(svc.typeName.isEmpty() ? enumName(svc.type) : svc.typeName)},
                 {"start_position", i + 1},
                 {"binary", bin ? json(s(bin->path)) : json(nullptr)},
                 {"dependencies", deps},
                 {"ports", ports},
                 {"env", env},
                 {"secret_env", secretEnv},
                 {"secret_files", secretFiles},
                 {"steward_env",
                  {"APP_DATA_DIR", "BUNDLE_ROOT", "STEWARD_CONTROL_URL", "STEWARD_TOKEN"}},
                 {"waits_for_secrets", waitsFor},
                 {"health", s(healthText(svc.health))},
                 {"ready_when", s(readinessText(svc))},
                 {"critical", svc.critical},
                 {"restart", s(enumName(svc.restart.mode))}};
        if (svc.type == ServiceSpec::Type::UiBundle) {
            // Not a program: Steward serves its folder itself and forwards /api and /ws.
            QString apiPort;
            const ServiceSpec *api = m.apiService(&apiPort);
            const QString folder = m.servedFolder(svc);
            sj["served"]
                = {{"folder",
                    folder.isEmpty() ? json(nullptr)
                                     : json(s(QDir(m.bundleRoot).relativeFilePath(folder)))},
                   {"port", s(svc.servedPortName())},
                   {"api", api ? json(s(api->id + QLatin1Char('.') + apiPort)) : json(nullptr)}};
            sj["env"] = json::array();
            sj["steward_env"] = json::array();
            sj["health"] = "GET / answered 2xx";
            sj["ready_when"] = "its port answers";
            if (folder.isEmpty())
                sj["problem"] = "no assets entry: Steward has no folder to serve";
        } else if (!bin) {
            sj["problem"]
                = s(QStringLiteral("no binary for %1: this service cannot start on this machine")
                        .arg(platform));
        }
        services.push_back(sj);
    }

    return {
        {"app",
         {{"name", s(m.app.name)},
          {"version", s(m.app.version)},
          {"description", s(m.app.description)}}},
        {"platform", s(platform)},
        {"secrets",
         {{"generated", generated},
          {"prompted", prompted},
          {"remote", remote},
          {"refused", refused}}},
        {"services", services},
        {"control_api",
         {{"host", s(m.ipc.host)}, {"port", m.ipc.port}, {"token_file", s(m.ipc.authTokenPath)}}}};
}

QString PlanReport::toText(const Manifest &m, const QString &platform)
{
    const json plan = toJson(m, platform);
    QString out;
    QTextStream t(&out);
    t << "First run of " << m.app.name << ' ' << m.app.version;
    if (!m.app.description.isEmpty())
        t << " - " << m.app.description;
    t << "\nPlatform: " << platform << "\n\n";

    auto targetText = [](const json &e) {
        const json &target = e["target"];
        if (target.contains("env_keys")) {
            QStringList keys;
            for (const json &k : target["env_keys"])
                keys << qs(k);
            if (!keys.isEmpty())
                return QStringLiteral("env %1 (from a .env)").arg(keys.join(QStringLiteral(", ")));
            const QString prefix = qs(target["env_prefix"]);
            return prefix.isEmpty()
                ? QStringLiteral("env: every key of a .env")
                : QStringLiteral("env: the keys of a .env starting with %1").arg(prefix);
        }
        if (qs(target["type"]) == QLatin1String("dir"))
            return QStringLiteral("config files from the remote store, into folder %1")
                .arg(qs(target["name"]));
        return QStringLiteral("%1 %2").arg(qs(target["type"]) == QLatin1String("env")
                                               ? QStringLiteral("env")
                                               : QStringLiteral("file"),
                                           qs(target["name"]));
    };
    auto usedBy = [](const json &e) {
        QStringList c;
        for (const json &x : e["consumers"])
            c << qs(x);
        return c.isEmpty() ? QStringLiteral("no service") : c.join(QStringLiteral(", "));
    };
    const json &secrets = plan["secrets"];
    t << "Secrets\n";
    t << "  Generated now and stored in the OS keychain (" << secrets["generated"].size() << "):\n";
    for (const json &e : secrets["generated"])
        t << "    " << qs(e["id"]) << ": " << qs(e["generator"]) << "; given to " << usedBy(e)
          << " as " << targetText(e) << '\n';
    if (secrets["generated"].empty())
        t << "    none\n";
    t << "  Asked from you (" << secrets["prompted"].size() << "):\n";
    for (const json &e : secrets["prompted"]) {
        t << "    " << qs(e["id"]) << " \"" << qs(e["label"]) << "\" ("
          << (e["required"].get<bool>() ? "required" : "optional");
        if (e.contains("format"))
            t << ", must match " << qs(e["format"]);
        t << "); given to " << usedBy(e) << " as " << targetText(e) << '\n';
    }
    if (secrets["prompted"].empty())
        t << "    none\n";
    t << "  Fetched from a remote store (" << secrets["remote"].size() << "):\n";
    for (const json &e : secrets["remote"]) {
        t << "    " << qs(e["id"]);
        if (e.contains("source")) {
            const json &src = e["source"];
            auto field = [&src](const char *key) {
                return src.contains(key) ? qs(src.at(key)) : QString();
            };
            t << " from " << field("provider");
            if (src.contains("mount"))
                t << ' ' << field("mount") << '/' << field("path");
            else if (src.contains("path"))
                t << ' ' << field("path");
            if (src.contains("key"))
                t << '#' << field("key");
        }
        t << "; given to " << usedBy(e) << " as " << targetText(e) << '\n';
    }
    if (secrets["remote"].empty())
        t << "    none\n";
    if (!secrets["refused"].empty()) {
        t << "  Refused:\n";
        for (const json &e : secrets["refused"])
            t << "    " << qs(e["id"]) << ": " << qs(e["reason"]) << '\n';
    }

    t << "\nServices, in start order\n";
    for (const json &svc : plan["services"]) {
        t << "  " << svc["start_position"].get<int>() << ". " << qs(svc["id"]) << " ("
          << qs(svc["type"]) << (svc["critical"].get<bool>() ? ", critical" : "") << ")\n";
        if (svc.contains("problem"))
            t << "     PROBLEM: " << qs(svc["problem"]) << '\n';
        else if (svc.contains("served"))
            t << "     serves: " << qs(svc["served"]["folder"])
              << "/ (Steward's own server); /api and "
              << "/ws go to "
              << (svc["served"]["api"].is_null() ? QStringLiteral("no API service (502)")
                                                 : qs(svc["served"]["api"]))
              << '\n';
        else
            t << "     runs:   " << qs(svc["binary"]) << '\n';
        QStringList deps;
        for (const json &d : svc["dependencies"])
            deps << qs(d);
        t << "     after:  "
          << (deps.isEmpty() ? QStringLiteral("nothing (starts at once)")
                             : deps.join(QStringLiteral(", ")) + QStringLiteral(" ready"))
          << '\n';
        QStringList waits;
        for (const json &w : svc["waits_for_secrets"])
            waits << qs(w);
        if (!waits.isEmpty())
            t << "     waits for secrets: " << waits.join(QStringLiteral(", ")) << '\n';
        for (const json &p : svc["ports"])
            t << "     port:   " << qs(p["name"]) << " from " << p["range"][0].get<int>() << "-"
              << p["range"][1].get<int>() << '\n';
        QStringList env;
        for (const json &e : svc["env"])
            env << qs(e);
        for (const json &e : svc["secret_env"])
            env << qs(e["env"]) + QStringLiteral(" (secret ") + qs(e["secret"]) + QLatin1Char(')');
        for (const json &e : svc["secret_files"])
            env << qs(e["env"]) + QStringLiteral(" (path of secret ") + qs(e["secret"])
                    + QLatin1Char(')');
        for (const json &e : svc["steward_env"])
            env << qs(e);
        if (!env.isEmpty())
            t << "     env:    " << env.join(QStringLiteral(", ")) << '\n';
        for (const json &f : svc["secret_files"])
            t << "     file:   <app data>/" << qs(f["path"]) << " (secret " << qs(f["secret"])
              << ", mode " << qs(f["mode"]) << ")\n";
        t << "     ready:  " << qs(svc["ready_when"]) << '\n';
        t << "     health: " << qs(svc["health"]) << "; restart " << qs(svc["restart"]) << '\n';
    }
    t << "\nControl API: http://" << m.ipc.host << ':' << m.ipc.port << " (token in <app data>/"
      << m.ipc.authTokenPath << ")\n";
    return out;
}

QString PlanReport::envFileTemplate(const Manifest &m, const SecretSpec &secret)
{
    QString out;
    QTextStream t(&out);
    t << "# The .env of " << secret.id << " for " << m.app.name << ' ' << m.app.version << "\n"
      << "# It is kept whole in the remote store (" << secret.source->provider
      << "); fill in the values, one KEY=value line each,\n"
      << "# and store this file there. Used by: "
      << (m.consumersOf(secret.id).isEmpty() ? QStringLiteral("no service")
                                             : m.consumersOf(secret.id).join(QStringLiteral(", ")))
      << "\n";
    if (!secret.source->keys.isEmpty()) {
        t << "# The services are given these keys; any other key is left out.\n";
        for (const QString &key : secret.source->keys)
            t << key << "=\n";
    } else if (!secret.source->prefix.isEmpty()) {
        t << "# The services are given every key starting with " << secret.source->prefix
          << "; any other key is left out.\n"
          << secret.source->prefix << "EXAMPLE=\n";
    } else {
        t << "# The services are given every key of it.\n"
          << "EXAMPLE=\n";
    }
    return out;
}

QString PlanReport::secretsTemplate(const Manifest &m, const QString &format)
{
    QList<const SecretSpec *> wanted;
    for (const SecretSpec &sec : m.secrets) {
        if (sec.secretClass == SecretClass::UserPrompt
            || sec.secretClass == SecretClass::RemoteFetch)
            wanted << &sec;
    }
    if (format == QLatin1String("json")) {
        json secrets = json::object();
        json help = json::object();
        for (const SecretSpec *sec : wanted) {
            secrets[s(sec->id)] = "";
            help[s(sec->id)] = s(
                QStringLiteral("%1 (%2); %3")
                    .arg(sec->label(),
                         sec->required ? QStringLiteral("required") : QStringLiteral("optional"),
                         SecretValidator::expectation(*sec)));
        }
        json doc {{"$comment",
                   s(QStringLiteral("Secrets for %1 %2. Fill in the values under "
                                    "\"secrets\"; this document is the body the control "
                                    "API's POST /secrets accepts.")
                         .arg(m.app.name, m.app.version))},
                  {"descriptions", help},
                  {"secrets", secrets}};
        return QString::fromStdString(doc.dump(2)) + QLatin1Char('\n');
    }
    QString out;
    QTextStream t(&out);
    t << "# Secrets for " << m.app.name << ' ' << m.app.version << "\n"
      << "# Fill in the values after the \"=\" (one line each, no quotes), then keep this file\n"
      << "# private. Lines are keyed by secret id.\n";
    for (const SecretSpec *sec : wanted) {
        t << "\n# " << sec->label() << " (" << (sec->required ? "required" : "optional") << ")\n";
        if (!sec->description.isEmpty())
            t << "#   " << sec->description << '\n';
        if (sec->prompt && !sec->prompt->hint.isEmpty())
            t << "#   hint: " << sec->prompt->hint << '\n';
        if (!sec->format.isEmpty())
            t << "#   format: " << sec->format << '\n';
        if (sec->secretClass == SecretClass::RemoteFetch)
            t << "#   normally fetched from "
              << (sec->source ? sec->source->provider : QStringLiteral("a remote store"))
              << "; a value here seeds the last-known-good copy\n";
        QStringList consumers = m.consumersOf(sec->id);
        t << "#   used by: "
          << (consumers.isEmpty() ? QStringLiteral("no service")
                                  : consumers.join(QStringLiteral(", ")))
          << '\n';
        t << sec->id << "=\n";
    }
    if (wanted.isEmpty())
        t << "\n# This bundle asks for no secrets: everything it needs is generated on first "
             "run.\n";
    return out;
}

} // namespace steward
