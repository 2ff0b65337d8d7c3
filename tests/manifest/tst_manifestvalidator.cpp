#include "ManifestBuilder.h"
#include "manifest/ManifestLoader.h"

#include <QTest>

using namespace steward;
using steward::test::ManifestBuilder;
using json = nlohmann::json;

Q_DECLARE_METATYPE(nlohmann::json)

// Checks that need the whole manifest (ManifestValidator), driven through the loader.
class tst_ManifestValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void crossReferences_data();
    void crossReferences();
    void cycleIsNamed();
    void unusedSecretIsAWarning();
    void dependenciesReadyWithoutDependenciesWarns();
    void startOrderPutsDependenciesFirst();
};

void tst_ManifestValidator::crossReferences_data()
{
    QTest::addColumn<json>("patch");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("error"); // false: a warning (the v0.1 reference runs it)
    auto row = [](const char *name, json patch, const char *path, const char *message,
                  bool error = true) {
        QTest::newRow(name) << patch << QString::fromUtf8(path) << QString::fromUtf8(message)
                            << error;
    };
    const bool warning = false;
    row("duplicate secret id", json::array({json::array({"set", "/secrets/1/id", "token"})}),
        "/secrets/1/id", "duplicate secret id \"token\" (also /secrets/0)");
    row("duplicate service id", json::array({json::array({"set", "/services/1/id", "api"})}),
        "/services/1/id", "duplicate service id \"api\"");
    row("unknown secret with hint",
        json::array({json::array({"set", "/services/0/secrets/1", "api_kye"})}),
        "/services/0/secrets/1", "unknown secret \"api_kye\"; did you mean \"api_key\"?");
    row("unknown dependency",
        json::array({json::array({"set", "/services/1/dependencies/0", "database"})}),
        "/services/1/dependencies/0", "unknown service \"database\", so it is ignored", warning);
    row("template unknown service",
        json::array({json::array({"set", "/services/1/env/API_URL", "http://x:${apii.http}"})}),
        "/services/1/env/API_URL",
        "unknown service \"apii\"; the service gets it literally, as written; did you mean "
        "\"api\"?",
        warning);
    row("template unknown port",
        json::array({json::array({"set", "/services/1/env/API_URL", "${api.grpc}"})}),
        "/services/1/env/API_URL", "requests no port named \"grpc\" (it has: http)", warning);
    row("template malformed",
        json::array({json::array({"set", "/services/1/env/API_URL", "${home}"})}),
        "/services/1/env/API_URL", "not a template Steward knows", warning);
    row("template in args",
        json::array(
            {json::array({"set", "/services/0/binaries/linux-x64/args/1", "${web.https}"})}),
        "/services/0/binaries/linux-x64/args/1", "requests no port named \"https\"", warning);
    row("template in health command",
        json::array({json::array({"set",
                                  "/services/1/health",
                                  {{"type", "command"}, {"command", {"probe", "${db.port}"}}}})}),
        "/services/1/health/command/1", "unknown service \"db\"", warning);
    row("template in migration",
        json::array({json::array({"set", "/services/0/migrations",
                                  json::array({{{"version", "1"},
                                                {"run_on", "upgrade"},
                                                {"command", {"m", "${data}/x", "${nope.p}"}}}})})}),
        "/services/0/migrations/0/command/2", "unknown service \"nope\"", warning);
    row("secret env collides with env",
        json::array({json::array({"set", "/services/0/env/TOKEN", "x"})}), "/services/0/secrets/0",
        "injected as \"TOKEN\", which env already sets");
    row("two secrets one env name",
        json::array({json::array({"set", "/secrets/1/target/name", "TOKEN"})}),
        "/services/0/secrets/1", "which secret \"token\" already sets");
    row("every port reserved",
        json::array({json::array(
            {"set", "/services/0/ports/requested/0/range", {{"min", 47710}, {"max", 47710}}})}),
        "/services/0/ports/requested/0/range", "every port from 47710 to 47710 is reserved");
    row("vault auth secret unknown",
        json::array({json::array(
            {"set",
             "/remote",
             {{"vault", {{"auth", {{"method", "token"}, {"token_secret", "vt"}}}}}}})}),
        "/remote/vault/auth/token_secret", "unknown secret \"vt\"");
}

void tst_ManifestValidator::crossReferences()
{
    QFETCH(json, patch);
    QFETCH(QString, path);
    QFETCH(QString, message);
    QFETCH(bool, error);
    ManifestBuilder b;
    for (const json &op : patch) {
        if (op[0] == "set")
            b.set(op[1].get<std::string>(), op[2]);
        else
            b.remove(op[1].get<std::string>());
    }
    const ManifestLoadResult r = b.load();
    QStringList got;
    bool found = false;
    for (const Diagnostic &d : r.diagnostics) {
        got << d.toString();
        found = found || (d.isError() == error && d.path == path && d.message.contains(message));
    }
    QVERIFY2(found,
             qPrintable(QStringLiteral("expected %1: %2, got:\n%3")
                            .arg(path, message, got.join(QLatin1Char('\n')))));
}

void tst_ManifestValidator::cycleIsNamed()
{
    ManifestBuilder b;
    b.set("/services/0/dependencies", {"web"});
    const ManifestLoadResult r = b.load();
    QCOMPARE(test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Error),
             QStringList {QStringLiteral("/services/0/dependencies")});
    QVERIFY(r.diagnostics.first().message.contains(
        QLatin1String("dependency cycle: api -> web -> api")));

    ManifestBuilder self;
    self.set("/services/0/dependencies", {"api"});
    const ManifestLoadResult s = self.load();
    QCOMPARE(errorCount(s.diagnostics), 1);
    QVERIFY(s.diagnostics.first().message.contains(QLatin1String("api -> api")));
}

void tst_ManifestValidator::unusedSecretIsAWarning()
{
    ManifestBuilder b;
    b.set("/services/0/secrets", {"token"});
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    QCOMPARE(test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Warning),
             QStringList {QStringLiteral("/secrets/1")});
}

void tst_ManifestValidator::dependenciesReadyWithoutDependenciesWarns()
{
    ManifestBuilder b;
    b.set("/services/0/readiness", {{"type", "dependencies_ready"}});
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    QCOMPARE(test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Warning),
             QStringList {QStringLiteral("/services/0/readiness")});
}

void tst_ManifestValidator::startOrderPutsDependenciesFirst()
{
    ManifestBuilder b;
    // web is listed first but depends on api; worker depends on both.
    json services = b.doc["services"];
    b.doc["services"] = json::array({services[1], services[0]});
    json worker = services[1];
    worker["id"] = "worker";
    worker["dependencies"] = {"web", "api"};
    worker["readiness"] = {{"type", "dependencies_ready"}};
    worker["health"] = {{"type", "command"}, {"command", {"true"}}};
    worker.erase("ports");
    worker.erase("env");
    b.doc["services"].push_back(worker);
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    QCOMPARE(
        r.manifest->startOrder(),
        (QStringList {QStringLiteral("api"), QStringLiteral("web"), QStringLiteral("worker")}));
}

QTEST_GUILESS_MAIN(tst_ManifestValidator)
#include "tst_manifestvalidator.moc"
