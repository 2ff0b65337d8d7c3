#include "TestPaths.h"
#include "TestPrinters.h"
#include "manifest/ManifestLoader.h"
#include "manifest/PlanReport.h"

#include <QTest>

using namespace steward;
using json = nlohmann::json;

class tst_PlanReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void secretsAreSortedByWhatHappensToThem();
    void servicesInStartOrderWithWhatTheyGet();
    void textTellsAPersonWhatHappens();
    void missingBinaryForPlatformIsAProblem();
    void envTemplate();
    void jsonTemplateIsAPostSecretsBody();

private:
    Manifest m_manifest;
};

void tst_PlanReport::initTestCase()
{
    const ManifestLoadResult r = ManifestLoader::loadFile(
        test::sourceDir() + QStringLiteral("/resources/examples/hello/bundle.json"));
    QVERIFY(r.valid());
    m_manifest = *r.manifest;
}

void tst_PlanReport::secretsAreSortedByWhatHappensToThem()
{
    const json plan = PlanReport::toJson(m_manifest, QStringLiteral("linux-x64"));
    const json &s = plan["secrets"];
    QCOMPARE(s["generated"].size(), 2u);
    QCOMPARE(test::dumped(s["generated"][0]["id"]), test::dumped("session_key"));
    QCOMPARE(test::dumped(s["generated"][0]["generator"]), test::dumped("43 chars, base64url"));
    QCOMPARE(test::dumped(s["generated"][1]["target"]["type"]), test::dumped("file"));
    QCOMPARE(s["prompted"].size(), 2u);
    QCOMPARE(test::dumped(s["prompted"][0]["label"]), test::dumped("Weather API token"));
    QCOMPARE(test::dumped(s["prompted"][0]["required"]), test::dumped(true));
    QCOMPARE(test::dumped(s["prompted"][1]["required"]), test::dumped(false));
    QVERIFY(s["remote"].empty());
    QVERIFY(s["refused"].empty());
}

void tst_PlanReport::servicesInStartOrderWithWhatTheyGet()
{
    const json plan = PlanReport::toJson(m_manifest, QStringLiteral("linux-x64"));
    const json &services = plan["services"];
    QCOMPARE(services.size(), 3u);
    const json &api = services[0];
    QCOMPARE(test::dumped(api["id"]), test::dumped("api"));
    QCOMPARE(test::dumped(api["start_position"]), test::dumped(1));
    QCOMPARE(test::dumped(api["binary"]), test::dumped("bin/hello-service"));
    QCOMPARE(test::dumped(api["ports"][0]["range"]), test::dumped(json::array({47820, 47839})));
    QCOMPARE(api["secret_env"].size(), 2u);
    QCOMPARE(test::dumped(api["secret_files"][0]["path"]),
             test::dumped("runtime/secrets/api/keys/signing.key"));
    QCOMPARE(test::dumped(api["secret_files"][0]["env"]),
             test::dumped("STEWARD_SECRET_FILE_SIGNING_KEY"));
    QCOMPARE(test::dumped(api["secret_files"][0]["mode"]), test::dumped("0600"));
    // Optional and generated secrets never hold a service back; the required prompt does.
    QCOMPARE(test::dumped(api["waits_for_secrets"]), test::dumped(json::array({"api_token"})));
    QCOMPARE(test::dumped(services[1]["id"]), test::dumped("web"));
    QCOMPARE(test::dumped(services[1]["dependencies"]), test::dumped(json::array({"api"})));
    QVERIFY(services[1]["waits_for_secrets"].empty());
    // The ui-bundle runs no binary: Steward serves its folder and forwards /api and /ws to api.
    const json &ui = services[2];
    QCOMPARE(test::dumped(ui["id"]), test::dumped("ui"));
    QVERIFY(ui["binary"].is_null());
    QVERIFY(!ui.contains("problem"));
    QCOMPARE(test::dumped(ui["served"]),
             test::dumped(json {{"folder", "ui"}, {"port", "http"}, {"api", "api.http"}}));
    QCOMPARE(test::dumped(ui["ready_when"]), test::dumped("its port answers"));
}

void tst_PlanReport::textTellsAPersonWhatHappens()
{
    const QString text = PlanReport::toText(m_manifest, QStringLiteral("linux-x64"));
    QVERIFY(text.contains(QLatin1String("First run of hello-steward 0.1.0")));
    QVERIFY(text.contains(QLatin1String("Generated now and stored in the OS keychain (2)")));
    QVERIFY(text.contains(QLatin1String(
        "api_token \"Weather API token\" (required, must match ^[A-Za-z0-9_-]{20,}$)")));
    QVERIFY(text.contains(QLatin1String("1. api (api-binary, critical)")));
    QVERIFY(text.contains(QLatin1String("after:  api ready")));
    QVERIFY(text.contains(QLatin1String("waits for secrets: api_token")));
    QVERIFY(text.contains(QLatin1String("<app data>/runtime/secrets/api/keys/signing.key")));
    QVERIFY2(text.contains(
                 QLatin1String("serves: ui/ (Steward's own server); /api and /ws go to api.http")),
             qPrintable(text));
}

void tst_PlanReport::missingBinaryForPlatformIsAProblem()
{
    const json plan = PlanReport::toJson(m_manifest, QStringLiteral("win-x64"));
    QVERIFY(plan["services"][0]["binary"].is_null());
    QVERIFY(plan["services"][0].contains("problem"));
    QVERIFY(PlanReport::toText(m_manifest, QStringLiteral("win-x64"))
                .contains(QLatin1String("PROBLEM: no binary for win-x64")));
}

void tst_PlanReport::envTemplate()
{
    const QString t = PlanReport::secretsTemplate(m_manifest, QStringLiteral("env"));
    QVERIFY(t.contains(QLatin1String("\napi_token=\n")));
    QVERIFY(t.contains(QLatin1String("\ngreeting_name=\n")));
    QVERIFY(t.contains(QLatin1String("# Weather API token (required)")));
    QVERIFY(t.contains(QLatin1String("#   format: ^[A-Za-z0-9_-]{20,}$")));
    // Generated secrets are never asked for.
    QVERIFY(!t.contains(QLatin1String("session_key")));
}

void tst_PlanReport::jsonTemplateIsAPostSecretsBody()
{
    const json t = json::parse(
        PlanReport::secretsTemplate(m_manifest, QStringLiteral("json")).toStdString());
    QCOMPARE(test::dumped(t["secrets"]),
             test::dumped(json({{"api_token", ""}, {"greeting_name", ""}})));
    QVERIFY(t["descriptions"]["api_token"].get<std::string>().find("required")
            != std::string::npos);
}

QTEST_GUILESS_MAIN(tst_PlanReport)
#include "tst_planreport.moc"
