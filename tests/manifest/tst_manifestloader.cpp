#include "ManifestBuilder.h"
#include "TestPaths.h"
#include "TestPrinters.h"
#include "manifest/ManifestLoader.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using steward::test::ManifestBuilder;
using json = nlohmann::json;

Q_DECLARE_METATYPE(nlohmann::json)

class tst_ManifestLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void baseManifestIsValid();
    void vrooliReferenceFiles_data();
    void vrooliReferenceFiles();
    void parsesEveryFieldOfTheHappyExample();
    void parsesStewardExtensions();
    void fieldRules_data();
    void fieldRules();
    void lenientRules_data();
    void lenientRules();
    void reportsEveryErrorAtOnce();
    void unknownFieldsAreWarningsOnly();
    void syntaxErrorHasLineAndColumn();
    void numberOutOfRangeIsAnErrorNotACrash();
    void nonObjectRoot();
    void unreadableFile();
    void oversizedFileIsRefused();
    void deepNestingIsRefused();
    void platformAliases();
    void uiBundleNeedsNoBinaryButAFolderToServe();
};

void tst_ManifestLoader::baseManifestIsValid()
{
    const ManifestLoadResult r = ManifestBuilder().load();
    QVERIFY2(r.valid(),
             qPrintable(r.diagnostics.isEmpty() ? QString() : r.diagnostics.first().toString()));
    QVERIFY(r.diagnostics.isEmpty());
}

void tst_ManifestLoader::vrooliReferenceFiles_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QStringList>("errors");
    QTest::addColumn<QStringList>("warnings");

    // Their ui-bundles name no assets: Steward serves the first one's folder, so it says it cannot.
    QTest::newRow("desktop-happy: ui-server without assets")
        << "desktop-happy.json" << QStringList() << QStringList {QStringLiteral("/services/0")};
    // The reference runtime runs them all: what a strict reader would refuse is a warning.
    QTest::newRow("desktop-playwright: ${playwright.http} is unresolvable")
        << "desktop-playwright.json" << QStringList()
        << QStringList {QStringLiteral("/services/0"),
                        QStringLiteral("/services/1/env/PLAYWRIGHT_DRIVER_URL"),
                        QStringLiteral("/services/3/binaries/darwin-arm64/args/1"),
                        QStringLiteral("/services/3/binaries/darwin-x64/args/1"),
                        QStringLiteral("/services/3/binaries/linux-x64/args/1"),
                        QStringLiteral("/services/3/binaries/win-x64/args/1"),
                        QStringLiteral("/services/3/env/PLAYWRIGHT_DRIVER_PORT")};
    QTest::newRow("desktop-with-build: empty binaries, universal, log_match, install")
        << "desktop-with-build.json" << QStringList()
        << QStringList {QStringLiteral("/services/0/binaries"),
                        QStringLiteral("/services/0/migrations/0/run_on"),
                        QStringLiteral("/services/1"),
                        QStringLiteral("/services/2/binaries"),
                        QStringLiteral("/services/2/readiness"),
                        QStringLiteral("/services/3/binaries")};
    QTest::newRow("runtime-fixture: 0.1, http, backend")
        << "runtime-fixture-bundle.json" << QStringList()
        << QStringList {QStringLiteral("/ipc/mode"), QStringLiteral("/schema_version"),
                        QStringLiteral("/services/0/type")};
}

void tst_ManifestLoader::vrooliReferenceFiles()
{
    QFETCH(QString, file);
    QFETCH(QStringList, errors);
    QFETCH(QStringList, warnings);
    const ManifestLoadResult r
        = ManifestLoader::loadFile(test::sharedDir() + QStringLiteral("/vrooli/") + file);
    QVERIFY(!r.unreadable);
    QVERIFY(r.manifest.has_value());
    QCOMPARE(test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Error), errors);
    QCOMPARE(test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Warning), warnings);
    QCOMPARE(r.valid(), errors.isEmpty());
}

void tst_ManifestLoader::parsesEveryFieldOfTheHappyExample()
{
    const ManifestLoadResult r = ManifestLoader::loadFile(
        test::sharedDir() + QStringLiteral("/vrooli/desktop-happy.json"));
    QVERIFY(r.valid());
    const Manifest &m = *r.manifest;
    QCOMPARE(m.schemaVersion, QStringLiteral("v0.1"));
    QCOMPARE(m.target, QStringLiteral("desktop"));
    QCOMPARE(m.app.name, QStringLiteral("picker-wheel"));
    QCOMPARE(m.app.version, QStringLiteral("1.2.3"));
    QVERIFY(m.app.description.startsWith(QLatin1String("Offline picker wheel")));
    QCOMPARE(m.ipc.mode, QStringLiteral("loopback-http"));
    QCOMPARE(m.ipc.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(m.ipc.port, 47710);
    QCOMPARE(m.ipc.authTokenPath, QStringLiteral("runtime/auth-token"));
    QCOMPARE(m.telemetry.file, QStringLiteral("telemetry/deployment-telemetry.jsonl"));
    QVERIFY(m.ports.defaultRange.has_value());
    QCOMPARE(m.ports.defaultRange->min, 47000);
    QCOMPARE(m.ports.defaultRange->max, 47999);
    QCOMPARE(m.ports.reserved, QList<int> {47100});
    QCOMPARE(m.swaps.size(), 1);
    QCOMPARE(m.swaps.first().replacement, QStringLiteral("sqlite"));
    QCOMPARE(m.swaps.first().limitations, QStringLiteral("Single-user file store; no replication"));

    QCOMPARE(m.secrets.size(), 2);
    const SecretSpec *session = m.secret(QStringLiteral("session_secret"));
    QVERIFY(session);
    QCOMPARE(session->secretClass, SecretClass::UserPrompt);
    QVERIFY(session->required);
    QCOMPARE(session->label(), QStringLiteral("Session secret"));
    QCOMPARE(session->target.type, SecretTarget::Type::Env);
    QCOMPARE(session->target.name, QStringLiteral("SESSION_SECRET"));
    const SecretSpec *jwt = m.secret(QStringLiteral("jwt_secret"));
    QVERIFY(jwt && jwt->generator);
    QCOMPARE(jwt->generator->type, SecretGeneratorSpec::Type::Random);
    QCOMPARE(jwt->generator->length, 32);
    QCOMPARE(jwt->generator->charset, QStringLiteral("alnum"));
    QCOMPARE(jwt->format, QStringLiteral("^[A-Za-z0-9]{32,}$"));

    QCOMPARE(m.services.size(), 3);
    const ServiceSpec *ui = m.service(QStringLiteral("ui-server"));
    QVERIFY(ui);
    QCOMPARE(ui->type, ServiceSpec::Type::UiBundle);
    QCOMPARE(ui->binaries.size(), 4);
    QCOMPARE(ui->binaryFor(QStringLiteral("linux-x64"))->path,
             QStringLiteral("services/ui-server/linux-x64/ui-server"));
    QCOMPARE(ui->binaryFor(QStringLiteral("win-x64"))->path,
             QStringLiteral("services\\ui-server\\windows-x64\\ui-server.exe"));
    QVERIFY(!ui->binaryFor(QStringLiteral("linux-arm64")));
    QCOMPARE(ui->env.value(QStringLiteral("API_BASE_URL")),
             QStringLiteral("http://127.0.0.1:${api.http}"));
    QCOMPARE(ui->health.type, HealthCheck::Type::Http);
    QCOMPARE(ui->health.intervalMs, 500);
    QCOMPARE(ui->health.timeoutMs, 2000);
    QCOMPARE(ui->health.retries, 5);
    QCOMPARE(ui->readiness.type, Readiness::Type::DependenciesReady);
    QCOMPARE(ui->readiness.timeoutMs, 30000);
    QCOMPARE(ui->dependencies, QStringList {QStringLiteral("api")});
    QVERIFY(!ui->critical);

    const ServiceSpec *api = m.service(QStringLiteral("api"));
    QVERIFY(api);
    QCOMPARE(api->secrets,
             (QStringList {QStringLiteral("session_secret"), QStringLiteral("jwt_secret")}));
    QCOMPARE(api->dataDirs, QStringList {QStringLiteral("data/picker-wheel")});
    QCOMPARE(api->logDir, QStringLiteral("logs/api"));
    QCOMPARE(api->ports.size(), 1);
    QCOMPARE(api->ports.first().range->min, 47040);
    QCOMPARE(api->migrations.size(), 1);
    QCOMPARE(api->migrations.first().runOn, Migration::RunOn::Upgrade);
    QCOMPARE(api->migrations.first().command.size(), 4);
    QVERIFY(api->critical);

    const ServiceSpec *sqlite = m.service(QStringLiteral("sqlite"));
    QVERIFY(sqlite);
    QCOMPARE(sqlite->type, ServiceSpec::Type::Resource);
    QCOMPARE(sqlite->health.type, HealthCheck::Type::Tcp);
    QCOMPARE(sqlite->readiness.type, Readiness::Type::PortOpen);
    QCOMPARE(sqlite->readiness.portName, QStringLiteral("sql"));
    QCOMPARE(sqlite->assets.size(), 1);
    QCOMPARE(sqlite->assets.first().sizeBytes.value_or(0), qint64(2048));

    QCOMPARE(m.startOrder(),
             (QStringList {QStringLiteral("sqlite"), QStringLiteral("api"),
                           QStringLiteral("ui-server")}));
    QCOMPARE(m.consumersOf(QStringLiteral("jwt_secret")), QStringList {QStringLiteral("api")});
}

void tst_ManifestLoader::parsesStewardExtensions()
{
    ManifestBuilder b;
    b.set("/services/0/restart",
          {{"policy", "always"},
           {"max_restarts", 3},
           {"backoff_initial_ms", 100},
           {"backoff_max_ms", 2000},
           {"stable_after_ms", 5000}});
    b.set("/services/0/stop_signal", "SIGINT");
    b.set("/services/0/stop_timeout_ms", 2500);
    b.set("/services/0/gpu", {{"requirement", "optional_but_warn"}});
    b.set("/secrets/-",
          {{"id", "cert"},
           {"class", "per_install_generated"},
           {"generator", {{"type", "uuid"}}},
           {"target", {{"type", "file"}, {"name", "tls/cert.pem"}, {"mode", "0640"}}}});
    b.set("/secrets/-",
          {{"id", "db_password"},
           {"class", "remote_fetch"},
           {"source",
            {{"provider", "vault"}, {"path", "{app}/db"}, {"key", "password"}, {"kv_version", 1}}},
           {"target", {{"type", "env"}, {"name", "DB_PASSWORD"}}}});
    b.set("/services/0/secrets/-", "cert");
    b.set("/services/0/secrets/-", "db_password");
    b.set("/remote",
          {{"vault",
            {{"address", "https://vault.example:8200"},
             {"namespace", "team"},
             {"refresh_interval_s", 30},
             {"jitter_s", {1, 3}},
             {"auth", {{"method", "token"}}}}}});
    const ManifestLoadResult r = b.load();
    QVERIFY2(r.valid(),
             qPrintable(r.diagnostics.isEmpty() ? QString() : r.diagnostics.first().toString()));
    QVERIFY(r.diagnostics.isEmpty());
    const Manifest &m = *r.manifest;
    const ServiceSpec &api = m.services.first();
    QCOMPARE(api.restart.mode, RestartPolicy::Mode::Always);
    QCOMPARE(api.restart.maxRestarts, 3);
    QCOMPARE(api.restart.backoffInitialMs, 100);
    QCOMPARE(api.restart.backoffMaxMs, 2000);
    QCOMPARE(api.restart.stableAfterMs, 5000);
    QCOMPARE(api.stopSignal, QStringLiteral("SIGINT"));
    QCOMPARE(api.stopTimeoutMs, 2500);
    QCOMPARE(api.gpu, GpuRequirement::OptionalButWarn);
    const SecretSpec *cert = m.secret(QStringLiteral("cert"));
    QCOMPARE(cert->generator->type, SecretGeneratorSpec::Type::Uuid);
    QCOMPARE(cert->target.type, SecretTarget::Type::File);
    QCOMPARE(cert->target.fileMode, 0640);
    const SecretSpec *db = m.secret(QStringLiteral("db_password"));
    // The provider's own fields are kept as written, for the provider (tst_vaultmanifest).
    QVERIFY(db->source);
    QCOMPARE(db->source->provider, QStringLiteral("vault"));
    QCOMPARE(db->source->settings.value("kv_version", 0), 1);
    QVERIFY(m.remote.contains(QStringLiteral("vault")));
    QCOMPARE(m.remote.value(QStringLiteral("vault")).value("namespace", ""), "team");
    // Defaults of the extensions when absent.
    const ServiceSpec &web = m.services.at(1);
    QCOMPARE(web.restart.mode, RestartPolicy::Mode::OnFailure);
    QCOMPARE(web.stopSignal, QStringLiteral("SIGTERM"));
    QCOMPARE(web.stopTimeoutMs, 10000);
    QVERIFY(web.critical);
}

void tst_ManifestLoader::fieldRules_data()
{
    QTest::addColumn<json>("patch"); // [op, pointer, value] triples
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");

    auto row = [](const char *name, json patch, const char *path, const char *message) {
        QTest::newRow(name) << patch << QString::fromUtf8(path) << QString::fromUtf8(message);
    };
    // The ten rules of the v0.1 reference.
    row("1 schema_version", json::array({json::array({"set", "/schema_version", "v0.2"})}),
        "/schema_version", "must be \"v0.1\"");
    row("1 schema_version missing", json::array({json::array({"remove", "/schema_version"})}),
        "/schema_version", "is required");
    row("2 target", json::array({json::array({"set", "/target", "mobile"})}), "/target",
        "must be \"desktop\"");
    row("3 app.name empty", json::array({json::array({"set", "/app/name", ""})}), "/app/name",
        "must not be empty");
    row("3 app.version missing", json::array({json::array({"remove", "/app/version"})}),
        "/app/version", "is required");
    row("5 ipc.host missing", json::array({json::array({"remove", "/ipc/host"})}), "/ipc/host",
        "is required");
    row("5 ipc.port zero", json::array({json::array({"set", "/ipc/port", 0})}), "/ipc/port",
        "between 1 and 65535");
    row("6 no services", json::array({json::array({"set", "/services", json::array()})}),
        "/services", "at least one service");
    row("7 service id empty", json::array({json::array({"set", "/services/1/id", ""})}),
        "/services/1/id", "must not be empty");
    row("7 health type missing", json::array({json::array({"remove", "/services/0/health/type"})}),
        "/services/0/health/type", "is required");
    row("7 readiness type missing",
        json::array({json::array({"remove", "/services/0/readiness/type"})}),
        "/services/0/readiness/type", "is required");
    row("8 secret class", json::array({json::array({"set", "/secrets/0/class", "magic"})}),
        "/secrets/0/class", "must be one of");
    row("9 generated without generator",
        json::array({json::array({"remove", "/secrets/0/generator"})}), "/secrets/0/generator",
        "is required for per_install_generated");
    // Steward's rules.
    row("infrastructure refused",
        json::array({json::array({"set", "/secrets/1/class", "infrastructure"})}),
        "/secrets/1/class", "must never ship in a bundle");
    row("ipc host not loopback", json::array({json::array({"set", "/ipc/host", "0.0.0.0"})}),
        "/ipc/host", "must be a loopback address");
    row("ipc host lan", json::array({json::array({"set", "/ipc/host", "192.168.1.5"})}),
        "/ipc/host", "must be a loopback address");
    row("generator type", json::array({json::array({"set", "/secrets/0/generator/type", "words"})}),
        "/secrets/0/generator/type", "must be one of \"random\", \"uuid\"");
    row("generator length zero",
        json::array({json::array({"set", "/secrets/0/generator/length", 0})}),
        "/secrets/0/generator/length", "between 1 and 4096");
    row("generator alphabet repeats",
        json::array({json::array({"set",
                                  "/secrets/0/generator",
                                  {{"type", "random"}, {"length", 8}, {"alphabet", "aab"}}})}),
        "/secrets/0/generator/alphabet", "must not repeat");
    row("generator charset and alphabet",
        json::array({json::array({"set", "/secrets/0/generator/alphabet", "xyz"})}),
        "/secrets/0/generator", "either charset or alphabet");
    row("generator cannot meet format",
        json::array({json::array({"set", "/secrets/0/format", "^[0-9]+$"})}), "/secrets/0/format",
        "never produces a value matching");
    row("format regex invalid", json::array({json::array({"set", "/secrets/1/format", "^[a-z"})}),
        "/secrets/1/format", "not a valid regular expression");
    row("file target absolute",
        json::array({json::array(
            {"set", "/secrets/1/target", {{"type", "file"}, {"name", "/etc/passwd"}}})}),
        "/secrets/1/target/name", "relative file path without \"..\"");
    row("file target escapes",
        json::array({json::array(
            {"set", "/secrets/1/target", {{"type", "file"}, {"name", "keys/../../x"}}})}),
        "/secrets/1/target/name", "without \"..\"");
    row("file target mode",
        json::array({json::array(
            {"set", "/secrets/1/target", {{"type", "file"}, {"name", "k"}, {"mode", "0200"}}})}),
        "/secrets/1/target/mode", "owner read");
    row("target type", json::array({json::array({"set", "/secrets/1/target/type", "registry"})}),
        "/secrets/1/target/type", "must be one of \"env\", \"file\"");
    row("secret id charset",
        json::array({json::array({"set", "/secrets/1/id", "api key"}),
                     json::array({"set", "/services/0/secrets/1", "api key"})}),
        "/secrets/1/id", "only letters, digits");
    row("remote_fetch without source",
        json::array({json::array({"set", "/secrets/1/class", "remote_fetch"})}),
        "/secrets/1/source", "is required for remote_fetch");
    row("port range min > max",
        json::array({json::array(
            {"set", "/services/0/ports/requested/0/range", {{"min", 5000}, {"max", 4000}}})}),
        "/services/0/ports/requested/0/range", "must not be greater than max");
    row("port range above 65535",
        json::array({json::array({"set", "/services/0/ports/requested/0/range/max", 70000})}),
        "/services/0/ports/requested/0/range/max", "between 1 and 65535");
    row("default range below 1", json::array({json::array({"set", "/ports/default_range/min", 0})}),
        "/ports/default_range/min", "between 1 and 65535");
    row("reserved not a port", json::array({json::array({"set", "/ports/reserved/0", "47710"})}),
        "/ports/reserved/0", "port number");
    row("duplicate port name",
        json::array({json::array({"set",
                                  "/services/0/ports/requested/1",
                                  {{"name", "http"}, {"range", {{"min", 1}, {"max", 2}}}}})}),
        "/services/0/ports/requested/1/name", "duplicate port name");
    row("health port unknown",
        json::array({json::array({"set", "/services/0/health/port_name", "grpc"})}),
        "/services/0/health/port_name", "names no port of this service");
    row("health command empty",
        json::array({json::array({"set", "/services/1/health", {{"type", "command"}}})}),
        "/services/1/health/command", "is required for command");
    row("readiness port_open needs port",
        json::array({json::array({"remove", "/services/1/readiness/port_name"})}),
        "/services/1/readiness/port_name", "is required for port_open");
    row("readiness log_match pattern invalid",
        json::array({json::array(
            {"set", "/services/1/readiness", {{"type", "log_match"}, {"pattern", "(("}}})}),
        "/services/1/readiness/pattern", "not a valid regular expression");
    row("interval negative",
        json::array({json::array({"set", "/services/0/health/interval_ms", -1})}),
        "/services/0/health/interval_ms", "between 0 and");
    row("timeout not integer",
        json::array({json::array({"set", "/services/0/readiness/timeout_ms", 1.5})}),
        "/services/0/readiness/timeout_ms", "must be an integer");
    row("critical not bool", json::array({json::array({"set", "/services/0/critical", "yes"})}),
        "/services/0/critical", "true or false");
    row("env value not string", json::array({json::array({"set", "/services/1/env/PORT", 8080})}),
        "/services/1/env/PORT", "must be a string");
    row("migration duplicate version",
        json::array({json::array(
            {"set", "/services/0/migrations",
             json::array({{{"version", "1"}, {"command", {"m"}}, {"run_on", "always"}},
                          {{"version", "1"}, {"command", {"m"}}, {"run_on", "always"}}})})}),
        "/services/0/migrations/1/version", "duplicate migration version");
    row("asset path escapes",
        json::array(
            {json::array({"set", "/services/0/assets", json::array({{{"path", "../x"}}})})}),
        "/services/0/assets/0/path", "without \"..\"");
    row("gpu requirement",
        json::array({json::array({"set", "/services/0/gpu", {{"requirement", "always"}}})}),
        "/services/0/gpu/requirement", "must be one of");
    row("restart policy",
        json::array({json::array({"set", "/services/0/restart", {{"policy", "sometimes"}}})}),
        "/services/0/restart/policy", "must be one of \"always\", \"on_failure\", \"never\"");
    row("restart backoff order",
        json::array({json::array({"set",
                                  "/services/0/restart",
                                  {{"backoff_initial_ms", 5000}, {"backoff_max_ms", 100}}})}),
        "/services/0/restart/backoff_max_ms", "must not be less than");
    row("stop signal", json::array({json::array({"set", "/services/0/stop_signal", "SIGSTOP"})}),
        "/services/0/stop_signal", "must be one of");
    row("telemetry file absolute",
        json::array({json::array({"set", "/telemetry/file", "/var/log/t.jsonl"})}),
        "/telemetry/file", "relative file path");
    row("auth token path escapes",
        json::array({json::array({"set", "/ipc/auth_token_path", "../token"})}),
        "/ipc/auth_token_path", "relative file path");
    row("app name with slash", json::array({json::array({"set", "/app/name", "a/b"})}), "/app/name",
        "directory names");
    row("vault address scheme",
        json::array({json::array({"set", "/remote", {{"vault", {{"address", "vault:8200"}}}}})}),
        "/remote/vault/address", "http:// or https://");
    row("vault approle needs ids",
        json::array(
            {json::array({"set", "/remote", {{"vault", {{"auth", {{"method", "approle"}}}}}}})}),
        "/remote/vault/auth/role_id_secret", "is required for approle");
    row("vault jitter shape",
        json::array({json::array({"set", "/remote", {{"vault", {{"jitter_s", {9, 1}}}}}})}),
        "/remote/vault/jitter_s", "[min, max]");
    row("swap replacement missing",
        json::array({json::array({"set", "/swaps", json::array({{{"original", "postgres"}}})})}),
        "/swaps/0/replacement", "is required");
    row("4 ipc.mode unknown", json::array({json::array({"set", "/ipc/mode", "unix"})}), "/ipc/mode",
        "must be one of \"loopback-http\", \"http\"");
    row("generator charset with one character",
        json::array({json::array({"set", "/secrets/0/generator/charset", "aaaa"})}),
        "/secrets/0/generator/charset", "between 2 and 256 different characters");
    row("env target name with =",
        json::array({json::array({"set", "/secrets/1/target/name", "A=B"})}),
        "/secrets/1/target/name", "holds \"=\"");
    row("service id with two dots",
        json::array({json::array({"set", "/services/1/id", "web..ui"})}), "/services/1/id",
        "single dots");
    row("log_match health without a pattern",
        json::array({json::array({"set", "/services/1/health", {{"type", "log_match"}}})}),
        "/services/1/health/path", "is required for log_match");
    row("secrets not array", json::array({json::array({"set", "/secrets", {{"a", 1}}})}),
        "/secrets", "must be an array");
    row("app not object", json::array({json::array({"set", "/app", "demo"})}), "/app",
        "must be an object");
}

void tst_ManifestLoader::fieldRules()
{
    QFETCH(json, patch);
    QFETCH(QString, path);
    QFETCH(QString, message);
    ManifestBuilder b;
    for (const json &op : patch) {
        if (op[0] == "set")
            b.set(op[1].get<std::string>(), op[2]);
        else
            b.remove(op[1].get<std::string>());
    }
    const ManifestLoadResult r = b.load();
    QVERIFY(!r.valid());
    bool found = false;
    for (const Diagnostic &d : r.diagnostics) {
        if (d.isError() && d.path == path && d.message.contains(message))
            found = true;
    }
    if (!found) {
        QStringList got;
        for (const Diagnostic &d : r.diagnostics)
            got << d.toString();
        QFAIL(qPrintable(QStringLiteral("expected an error at %1 containing '%2', got:\n%3")
                             .arg(path, message, got.join(QLatin1Char('\n')))));
    }
}

void tst_ManifestLoader::lenientRules_data()
{
    // What the v0.1 reference runtime runs: Steward loads it, with a warning at the field and
    // the reference's meaning.
    QTest::addColumn<json>("patch"); // [pointer, value] pairs; a null value removes the field
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    auto row = [](const char *name, json patch, const char *path, const char *message) {
        QTest::newRow(name) << patch << QString::fromUtf8(path) << QString::fromUtf8(message);
    };
    row("schema_version 0.1", json::array({json::array({"/schema_version", "0.1"})}),
        "/schema_version", "read as \"v0.1\"");
    row("ipc.mode http", json::array({json::array({"/ipc/mode", "http"})}), "/ipc/mode",
        "read as \"loopback-http\"");
    row("no binaries", json::array({json::array({"/services/0/binaries", json::object()})}),
        "/services/0/binaries", "cannot start");
    row("unknown platform",
        json::array({json::array({"/services/1/binaries/amiga-68k", {{"path", "x"}}})}),
        "/services/1/binaries/amiga-68k", "never used");
    row("user_prompt without prompt", json::array({json::array({"/secrets/1/prompt", nullptr})}),
        "/secrets/1/prompt", "asked for \"api_key\" by its id");
    row("generator without length",
        json::array({json::array({"/secrets/0/generator/length", nullptr})}),
        "/secrets/0/generator", "32 characters");
    row("generator charset is a literal alphabet",
        json::array({json::array({"/secrets/0/generator/charset", "emoji"})}),
        "/secrets/0/generator/charset", "its characters are the alphabet");
    row("env target name a shell cannot read",
        json::array({json::array({"/secrets/1/target/name", "MY-VAR"})}), "/secrets/1/target/name",
        "shells cannot read it");
    row("service type outside the enum",
        json::array({json::array({"/services/0/type", "backend"})}), "/services/0/type",
        "run as a program");
    row("service id with a dot", json::array({json::array({"/services/1/id", "web.ui"})}),
        "/services/1/id", "holds a dot");
    row("http health without path",
        json::array({json::array({"/services/0/health/path", nullptr})}), "/services/0/health/path",
        "so \"/\" is checked");
    row("unknown run_on",
        json::array({json::array(
            {"/services/0/migrations",
             json::array({{{"version", "1"}, {"command", {"m"}}, {"run_on", "install"}}})})}),
        "/services/0/migrations/0/run_on", "never runs");
    row("log_dir outside the app data",
        json::array({json::array({"/services/0/log_dir", "../../var/log"})}), "/services/0/log_dir",
        "lies outside");
    row("absolute log_dir", json::array({json::array({"/services/0/log_dir", "/var/log/app"})}),
        "/services/0/log_dir", "lies outside");
    row("unknown dependency", json::array({json::array({"/services/1/dependencies", {"apj"}})}),
        "/services/1/dependencies/0", "so it is ignored; did you mean \"api\"?");
    row("unknown template token",
        json::array({json::array({"/services/1/env/PEER", "http://127.0.0.1:${playwright.http}"})}),
        "/services/1/env/PEER", "gets it literally");
}

void tst_ManifestLoader::lenientRules()
{
    QFETCH(json, patch);
    QFETCH(QString, path);
    QFETCH(QString, message);
    ManifestBuilder b;
    for (const json &op : patch) {
        if (op[1].is_null())
            b.remove(op[0].get<std::string>());
        else
            b.set(op[0].get<std::string>(), op[1]);
    }
    const ManifestLoadResult r = b.load();
    QStringList got;
    bool found = false;
    for (const Diagnostic &d : r.diagnostics) {
        got << d.toString();
        found = found || (!d.isError() && d.path == path && d.message.contains(message));
    }
    QVERIFY2(r.valid(), qPrintable(got.join(QLatin1Char('\n'))));
    QVERIFY2(found,
             qPrintable(QStringLiteral("expected a warning at %1 containing '%2', got:\n%3")
                            .arg(path, message, got.join(QLatin1Char('\n')))));
}

void tst_ManifestLoader::reportsEveryErrorAtOnce()
{
    ManifestBuilder b;
    b.set("/schema_version", "v9");
    b.set("/ipc/host", "10.0.0.1");
    b.set("/secrets/0/generator/length", -4);
    b.set("/secrets/1/target/name", "BAD=NAME");
    b.set("/services/1/secrets", {"api_kye"});
    const ManifestLoadResult r = b.load();
    QCOMPARE(test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Error),
             (QStringList {QStringLiteral("/ipc/host"), QStringLiteral("/schema_version"),
                           QStringLiteral("/secrets/0/generator/length"),
                           QStringLiteral("/secrets/1/target/name"),
                           QStringLiteral("/services/1/secrets/0")}));
}

void tst_ManifestLoader::unknownFieldsAreWarningsOnly()
{
    ManifestBuilder b;
    b.set("/colour", "blue");
    b.set("/services/0/health/jitter", 3);
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    QCOMPARE(
        test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Warning),
        (QStringList {QStringLiteral("/colour"), QStringLiteral("/services/0/health/jitter")}));
}

void tst_ManifestLoader::syntaxErrorHasLineAndColumn()
{
    const QByteArray text = "{\n  \"schema_version\": \"v0.1\",\n  \"target\": desktop\n}\n";
    const ManifestLoadResult r = ManifestLoader::loadBytes(text);
    QVERIFY(!r.valid());
    QVERIFY(!r.manifest);
    QCOMPARE(r.diagnostics.size(), 1);
    QCOMPARE(r.diagnostics.first().line, 3);
    QCOMPARE(r.diagnostics.first().column, 13);
    QVERIFY(r.diagnostics.first().message.startsWith(QLatin1String("invalid JSON")));
    QVERIFY(r.diagnostics.first().toString().contains(QLatin1String("line 3, column 13")));
}

// Found by fuzz_manifest: nlohmann throws out_of_range, not parse_error, for 1e999.
void tst_ManifestLoader::numberOutOfRangeIsAnErrorNotACrash()
{
    const ManifestLoadResult r = ManifestLoader::loadBytes("{\"schema_version\": 1e999}");
    QVERIFY(!r.valid());
    QVERIFY(!r.manifest);
    QCOMPARE(r.diagnostics.size(), 1);
    QCOMPARE(r.diagnostics.first().message,
             QStringLiteral("invalid JSON: a number is out of range"));
}

void tst_ManifestLoader::nonObjectRoot()
{
    const ManifestLoadResult r = ManifestLoader::loadBytes("[1, 2]");
    QVERIFY(!r.valid());
    QCOMPARE(r.diagnostics.size(), 1);
    QVERIFY(r.diagnostics.first().message.contains(QLatin1String("must be a JSON object")));
}

void tst_ManifestLoader::unreadableFile()
{
    const ManifestLoadResult r
        = ManifestLoader::loadFile(QStringLiteral("/nonexistent/bundle.json"));
    QVERIFY(r.unreadable);
    QVERIFY(r.readError.contains(QLatin1String("/nonexistent/bundle.json")));
    QVERIFY(!r.valid());
}

void tst_ManifestLoader::oversizedFileIsRefused()
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("bundle.json")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(ManifestLoader::MaxManifestBytes + 1, ' '));
    f.close();
    const ManifestLoadResult r = ManifestLoader::loadFile(f.fileName());
    QVERIFY(r.unreadable);
    QVERIFY(r.readError.contains(QLatin1String("at most")));
}

void tst_ManifestLoader::deepNestingIsRefused()
{
    // 200 000 nested arrays (400 KB, under the size cap) once overflowed the stack; now the
    // first container too deep is named, before any document is built.
    ManifestBuilder b;
    b.set("/services/0/metadata", {{"x", "DEEP"}});
    QByteArray bytes = b.bytes();
    const int depth = 200000;
    bytes.replace("\"DEEP\"", QByteArray(QByteArray(depth, '[') + QByteArray(depth, ']')));
    const ManifestLoadResult r = ManifestLoader::loadBytes(bytes, QStringLiteral("deep.json"));
    QVERIFY(!r.valid());
    QCOMPARE(r.diagnostics.size(), 1);
    QVERIFY2(r.diagnostics.first().message.contains(QLatin1String("deeper than 256 levels")),
             qPrintable(r.diagnostics.first().toString()));
    QVERIFY(r.diagnostics.first().path.startsWith(QLatin1String("/services/0/metadata/x/0/0/0")));

    // 200 levels are fine.
    ManifestBuilder fine;
    fine.set("/services/0/metadata", {{"x", "DEEP"}});
    QByteArray ok = fine.bytes();
    ok.replace("\"DEEP\"", QByteArray(QByteArray(200, '[') + QByteArray(200, ']')));
    QVERIFY(ManifestLoader::loadBytes(ok, QStringLiteral("ok.json")).valid());
}

void tst_ManifestLoader::platformAliases()
{
    ManifestBuilder b;
    b.set("/services/0/binaries",
          {{"mac-x64", {{"path", "bin/api-mac"}}}, {"windows-x64", {{"path", "bin/api.exe"}}}});
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    const ServiceSpec &api = r.manifest->services.first();
    QCOMPARE(api.binaryFor(QStringLiteral("darwin-x64"))->path, QStringLiteral("bin/api-mac"));
    QCOMPARE(api.binaryFor(QStringLiteral("win-x64"))->path, QStringLiteral("bin/api.exe"));
    QVERIFY(!api.binaryFor(QStringLiteral("linux-x64")));
}

void tst_ManifestLoader::uiBundleNeedsNoBinaryButAFolderToServe()
{
    // Steward serves a ui-bundle: its binaries may be absent or empty...
    for (const json &binaries : {json(), json::object()}) {
        ManifestBuilder b;
        if (binaries.is_null())
            b.remove("/services/1/binaries");
        else
            b.set("/services/1/binaries", binaries);
        const ManifestLoadResult r = b.load();
        QVERIFY(r.valid());
        QVERIFY(r.diagnostics.isEmpty());
    }
    // ... a program's may not.
    ManifestBuilder program;
    program.remove("/services/0/binaries");
    QCOMPARE(test::diagnosticPaths(program.load().diagnostics, Diagnostic::Severity::Error),
             QStringList {QStringLiteral("/services/0/binaries")});

    // Without assets there is nothing to serve: a warning, the service fails when started.
    ManifestBuilder noAssets;
    noAssets.remove("/services/1/assets");
    const ManifestLoadResult r = noAssets.load();
    QVERIFY(r.valid());
    QCOMPARE(test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Warning),
             QStringList {QStringLiteral("/services/1")});
    QVERIFY(r.diagnostics.first().message.contains(QLatin1String("first assets entry")));

    // Read from its bundle, the folder is checked for index.html.
    QTemporaryDir dir;
    QFile manifest(dir.filePath(QStringLiteral("bundle.json")));
    QVERIFY(manifest.open(QIODevice::WriteOnly));
    manifest.write(ManifestBuilder().bytes());
    manifest.close();
    const ManifestLoadResult bare = ManifestLoader::loadFile(manifest.fileName());
    QVERIFY(bare.valid());
    QCOMPARE(test::diagnosticPaths(bare.diagnostics, Diagnostic::Severity::Warning),
             QStringList {QStringLiteral("/services/1/assets/0/path")});
    QVERIFY2(bare.diagnostics.first().message.contains(QLatin1String("has no index.html")),
             qPrintable(bare.diagnostics.first().message));
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("ui")));
    QFile index(dir.filePath(QStringLiteral("ui/index.html")));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.close();
    QVERIFY(ManifestLoader::loadFile(manifest.fileName()).diagnostics.isEmpty());
}

QTEST_GUILESS_MAIN(tst_ManifestLoader)
#include "tst_manifestloader.moc"
