#include "ManifestParser.h"
#include "core/Platform.h"

#include <QRegularExpression>

namespace steward::detail {

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
         "restart",      "stop_signal", "stop_timeout_ms", "env_inherit", "sandbox",  "limits"});
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
    if (const json *limits = r.member(v, "limits", path, Need::Optional))
        parseLimits(*limits, path + QStringLiteral("/limits"), s);
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
        r.warnUnknownKeys(*it, here, {"path", "args", "env", "cwd", "system"});
        Binary b;
        b.path = r.string(*it, "path", here, Need::Required, true).value_or(QString());
        b.args = r.stringList(*it, "args", here);
        b.env = r.stringMap(*it, "env", here);
        b.cwd = r.string(*it, "cwd", here).value_or(QString());
        b.system = r.boolean(*it, "system", here).value_or(false);
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
            r.warnUnknownKeys(item, at, {"version", "command", "env", "run_on", "system"});
            m.system = r.boolean(item, "system", at).value_or(false);
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

void Parser::parseLimits(const json &v, const QString &path, ServiceSpec &s)
{
    if (!r.expectObject(v, path))
        return;
    r.warnUnknownKeys(v, path, {"memory_mb", "cpu_percent", "pids"});
    s.limits.memoryMb = r.integer(v, "memory_mb", path, 16, qint64(16) * 1024 * 1024);
    if (const auto cpu = r.integer(v, "cpu_percent", path, 1, 100000))
        s.limits.cpuPercent = int(*cpu);
    if (const auto pids = r.integer(v, "pids", path, 1, 4194304))
        s.limits.pids = int(*pids);
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
    r.warnUnknownKeys(v, path, {"mode", "read", "write", "session_bus", "connect"});
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
    // The only TCP ports it may connect to (beyond the bundle's and Steward's).
    if (v.contains("connect")) {
        s.sandbox.connect = QList<quint16>();
        forEachInArray(
            v, "connect", path, Need::Optional, [&](const json &item, const QString &where) {
                if (item.is_number_integer() && item.get<qint64>() >= 1
                    && item.get<qint64>() <= 65535)
                    *s.sandbox.connect << quint16(item.get<qint64>());
                else
                    r.error(where,
                            QStringLiteral("must be a TCP port, 1 to 65535 "
                                           "(got %1)")
                                .arg(item.is_number() ? QString::fromStdString(item.dump())
                                                      : JsonReader::typeName(item)));
            });
    }
}

} // namespace steward::detail
