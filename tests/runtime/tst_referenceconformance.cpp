// What a bundle written for the v0.1 reference runtime relies on (../shared/vrooli/README.md,
// "What a bundle written for their runtime relies on"), one data row per fact, checked with the
// real steward binary, the real keychain of the test session and real service processes that
// report what they saw: their working directory, argv, environment and secret files.

#include "StewardProcess.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace steward;
using json = nlohmann::json;
using test::StewardProcess;

namespace {

QString fromJson(const json &j)
{
    return QString::fromStdString(j.dump());
}

// A bundle in a temporary folder: the conformance services under services/, the folders a
// reference bundle has (bin/, cli/, sub/), and a manifest written by write().
class ConformanceBundle
{
public:
    ConformanceBundle()
    {
        QDir root(m_dir.path());
        for (const char *d : {"services", "bin", "cli", "sub", "resources"})
            root.mkpath(QLatin1String(d));
        for (const char *f : {"report.sh", "health.py", "migrate.sh"}) {
            const QString to = root.filePath(QStringLiteral("services/") + QLatin1String(f));
            QFile::copy(test::sourceDir() + QStringLiteral("/tests/runtime/conformance/")
                            + QLatin1String(f),
                        to);
            QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                     | QFileDevice::ExeOwner);
        }
        QFile data(root.filePath(QStringLiteral("services/data.txt")));
        if (data.open(QIODevice::WriteOnly))
            data.write("data\n");
    }

    // The real path: what `pwd -P` prints in a service.
    QString root() const { return QFileInfo(m_dir.path()).canonicalFilePath(); }
    QString manifest() const { return root() + QStringLiteral("/bundle.json"); }

    // A worker running services/report.sh with a generated file secret, ready once it reported.
    static json reportService(const QString &id)
    {
        const json binary {{"path", "services/report.sh"}, {"args", {id.toStdString()}}};
        return {
            {"id", id.toStdString()},
            {"type", "worker"},
            {"binaries", {{"linux-x64", binary}, {"linux-arm64", binary}}},
            {"secrets", {"key_file"}},
            {"ports",
             {{"requested",
               json::array({{{"name", "http"}, {"range", {{"min", 30000}, {"max", 39999}}}}})}}},
            {"health", {{"type", "command"}, {"command", {"true"}}}},
            {"readiness",
             {{"type", "log_match"}, {"pattern", "report written"}, {"timeout_ms", 20000}}}};
    }

    bool write(const json &services, const QString &version = QStringLiteral("1.0.0")) const
    {
        const json doc {{"schema_version", "v0.1"},
                        {"target", "desktop"},
                        {"app", {{"name", "conformance"}, {"version", version.toStdString()}}},
                        {"ipc",
                         {{"mode", "loopback-http"},
                          {"host", "127.0.0.1"},
                          {"port", 47990},
                          {"auth_token_path", "runtime/auth-token"}}},
                        {"telemetry", {{"file", "telemetry/events.jsonl"}}},
                        {"secrets",
                         json::array({{{"id", "key_file"},
                                       {"class", "per_install_generated"},
                                       {"generator",
                                        {{"type", "random"}, {"length", 24}, {"charset", "alnum"}}},
                                       {"target", {{"type", "file"}, {"name", "key.txt"}}}}})},
                        {"services", services}};
        QFile f(manifest());
        return f.open(QIODevice::WriteOnly) && f.write(QByteArray::fromStdString(doc.dump(2))) > 0;
    }

private:
    QTemporaryDir m_dir;
};

QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The admin token and port of a running steward, for calls the command line does not offer.
int postToApi(const QString &appData, const QString &path)
{
    const QString port = readFile(appData + QStringLiteral("/runtime/ipc_port")).trimmed();
    const QByteArray token
        = readFile(appData + QStringLiteral("/runtime/auth-token")).trimmed().toLatin1();
    QNetworkAccessManager net;
    QNetworkRequest req(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port, path)));
    req.setRawHeader("Authorization", "Bearer " + token);
    req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = net.post(req, QByteArray("{}"));
    QSignalSpy done(reply, &QNetworkReply::finished);
    if (!done.wait(10000))
        return 0;
    reply->deleteLater();
    return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
}

} // namespace

class tst_ReferenceConformance : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void reliesOn_data();
    void reliesOn();
    void onDemandServicesStartWhenAskedFor();
    void migrationsAreVersioned();
    void sharedManifestsLoad_data();
    void sharedManifestsLoad();
};

// Each row: a change to the reporting service (a JSON merge patch), variables in steward's own
// environment, the line steward prints once the row's outcome is known, and what must hold:
//   "report:LINE" a line of the service's report (LINE ending in "*" matches a prefix),
//   "out:TEXT"    steward's output contains TEXT,
//   "file:PATH:TEXT" the file PATH under the app data dir contains TEXT;
// a leading "!" says the opposite must hold. ${bundle} and ${data} stand for the bundle root
// and the app data dir; any other ${...} is literal.
void tst_ReferenceConformance::reliesOn_data()
{
    QTest::addColumn<QString>("patch");
    QTest::addColumn<QStringList>("environment");
    QTest::addColumn<QString>("waitFor");
    QTest::addColumn<QStringList>("expect");
    const QString ready = QStringLiteral("svc: ready");
    auto l = [](std::initializer_list<const char *> items) {
        QStringList out;
        for (const char *i : items)
            out << QString::fromUtf8(i);
        return out;
    };
    const json health = [] {
        json binary {{"path", "services/health.py"}, {"args", {"${svc.http}", "BODY"}}};
        return json {{"binaries", {{"linux-x64", binary}, {"linux-arm64", binary}}},
                     {"health",
                      {{"type", "http"},
                       {"path", "/health"},
                       {"port_name", "http"},
                       {"interval_ms", 200},
                       {"timeout_ms", 1000}}},
                     {"readiness", {{"type", "health_success"}, {"timeout_ms", 1500}}}};
    }();
    auto withBody = [&](const char *body, const char *path = "/health") {
        json h = health;
        for (const char *platform : {"linux-x64", "linux-arm64"})
            h["binaries"][platform]["args"][1] = body;
        if (path)
            h["health"]["path"] = path;
        else
            h["health"].erase("path");
        return fromJson(h);
    };

    // Processes and paths.
    QTest::newRow("the working directory is the bundle root")
        << "{}" << QStringList() << ready << l({"report:cwd=${bundle}"});
    QTest::newRow("binary.cwd is relative to the bundle root")
        << R"({"binaries":{"linux-x64":{"cwd":"sub"},"linux-arm64":{"cwd":"sub"}}})"
        << QStringList() << ready << l({"report:cwd=${bundle}/sub"});
    QTest::newRow("relative args are found from the bundle root")
        << R"({"binaries":{"linux-x64":{"args":["svc","services/data.txt"]},)"
           R"("linux-arm64":{"args":["svc","services/data.txt"]}}})"
        << QStringList() << ready << l({"report:arg1=services/data.txt", "report:arg1 is a file"});
    // Environment.
    QTest::newRow("the session environment is inherited")
        << "{}"
        << l({"DISPLAY=:77", "WAYLAND_DISPLAY=wayland-7", "XAUTHORITY=/tmp/xauth-conf",
              "HTTPS_PROXY=http://proxy.example:3128", "NO_PROXY=localhost",
              "SSL_CERT_FILE=/etc/ssl/certs/conf.pem", "LD_LIBRARY_PATH=/opt/conformance/lib"})
        << ready
        << l({"report:env DISPLAY=:77", "report:env WAYLAND_DISPLAY=wayland-7",
              "report:env XAUTHORITY=/tmp/xauth-conf",
              "report:env HTTPS_PROXY=http://proxy.example:3128", "report:env NO_PROXY=localhost",
              "report:env SSL_CERT_FILE=/etc/ssl/certs/conf.pem",
              "report:env LD_LIBRARY_PATH=/opt/conformance/lib"});
    QTest::newRow("credentials in steward's environment are not inherited (Steward is stricter)")
        << "{}"
        << l({"GITHUB_TOKEN=ghp_conformance", "DB_PASSWORD=hunter2hunter2",
              "AWS_SECRET_ACCESS_KEY=aws-conformance", "STEWARD_EXTRA=1", "STRIPE_API_KEY=sk_x",
              "CONFORMANCE_PLAIN=kept"})
        << ready
        << l({"!report:env GITHUB_TOKEN=*", "!report:env DB_PASSWORD=*",
              "!report:env AWS_SECRET_ACCESS_KEY=*", "!report:env STEWARD_EXTRA=*",
              "!report:env STRIPE_API_KEY=*", "report:env CONFORMANCE_PLAIN=kept"});
    QTest::newRow("env_inherit minimal keeps only the basics (Steward extension)")
        << R"({"env_inherit":"minimal"})" << l({"DISPLAY=:77", "CONFORMANCE_PLAIN=kept"}) << ready
        << l({"!report:env DISPLAY=*", "!report:env CONFORMANCE_PLAIN=*", "report:env HOME=*"});
    QTest::newRow("APP_DATA_DIR and BUNDLE_ROOT, which the manifest's env may override")
        << R"({"env":{"BUNDLE_ROOT":"elsewhere"}})" << QStringList() << ready
        << l({"report:env APP_DATA_DIR=${data}", "report:env BUNDLE_ROOT=elsewhere"});
    QTest::newRow("PATH starts with the bundle's bin and cli")
        << "{}" << QStringList() << ready << l({"report:env PATH=${bundle}/bin:${bundle}/cli:*"});
    QTest::newRow("templates in env and args; unknown ones stay as written")
        << R"({"env":{"DB":"file:${data}/app.db","SHELLISH":"${HOME}/x","PEER":"${nope.http}"},)"
           R"("binaries":{"linux-x64":{"args":["svc","${bundle}/services/data.txt","${svc.nope}"]},)"
           R"("linux-arm64":{"args":["svc","${bundle}/services/data.txt","${svc.nope}"]}}})"
        << QStringList() << ready
        << l({"report:env DB=file:${data}/app.db", "report:env SHELLISH=${HOME}/x",
              "report:env PEER=${nope.http}", "report:arg1 is a file", "report:arg2=${svc.nope}"});
    QTest::newRow("file secrets are named by SECRET_FILE_<ID>")
        << "{}" << QStringList() << ready
        << l({"report:SECRET_FILE_KEY_FILE is a file of 24 bytes",
              "report:env STEWARD_SECRET_FILE_KEY_FILE=${data}/runtime/secrets/svc/key.txt"});
    QTest::newRow("every service learns whether there is a GPU")
        << "{}" << l({"PATH=/usr/bin:/bin"}) << ready
        << l({"report:env BUNDLE_GPU_AVAILABLE=false", "report:env BUNDLE_GPU_MODE=cpu"});
    QTest::newRow("BUNDLE_GPU_AVAILABLE=1 in steward's environment forces a GPU")
        << "{}" << l({"BUNDLE_GPU_AVAILABLE=1"}) << ready
        << l({"report:env BUNDLE_GPU_AVAILABLE=true", "report:env BUNDLE_GPU_MODE=gpu"});
    QTest::newRow("Playwright settings: the driver's port and a browser path in the bundle")
        << R"({"env":{"PLAYWRIGHT_DRIVER_PORT":"${playwright.http}",)"
           R"("PLAYWRIGHT_CHROMIUM_PATH":"resources/chrome"}})"
        << QStringList() << ready
        << l({"!report:env PLAYWRIGHT_DRIVER_PORT=${playwright.http}",
              "report:env PLAYWRIGHT_DRIVER_URL=http://127.0.0.1:*",
              "report:env PLAYWRIGHT_CHROMIUM_PATH=${bundle}/resources/chrome"});
    QTest::newRow("every service gets VROOLI_API_SKIP_STALE_CHECK")
        << "{}" << QStringList() << ready << l({"report:env VROOLI_API_SKIP_STALE_CHECK=true"});
    QTest::newRow("migrations: command[0] from the bundle root, run where the service runs")
        << R"({"binaries":{"linux-x64":{"cwd":"sub"},"linux-arm64":{"cwd":"sub"}},)"
           R"("migrations":[{"version":"1","command":["services/migrate.sh","one"],"run_on":"always"}]})"
        << QStringList() << ready << l({"file:migrated-one.log:${bundle}/sub"});
    // Logs.
    QTest::newRow("a log_dir ending in .log names the log file")
        << R"({"log_dir":"logs/svc.log"})" << QStringList() << ready
        << l({"file:logs/svc.log:report written"});
    // Health and readiness.
    QTest::newRow("/health: status healthy passes")
        << withBody(R"({"status":"healthy"})") << QStringList() << ready
        << l({"file:logs/svc/svc.log:GET /health"});
    QTest::newRow("/health: status degraded passes")
        << withBody(R"({"status":"degraded"})") << QStringList() << ready << QStringList();
    QTest::newRow("/health: readiness true passes")
        << withBody(R"({"readiness":true})") << QStringList() << ready << QStringList();
    QTest::newRow("/health: status unhealthy fails, even with 200")
        << withBody(R"({"status":"unhealthy"})") << QStringList()
        << QStringLiteral("svc: starting - not ready within 1500 ms") << l({"!out:svc: ready"});
    QTest::newRow("other paths: any 2xx passes")
        << withBody("not json at all", "/healthz") << QStringList() << ready << QStringList();
    QTest::newRow("an http check without a path requests /")
        << withBody("fine", nullptr) << QStringList() << ready
        << l({"file:logs/svc/svc.log:GET /\n"});
    QTest::newRow("log_match health takes its pattern from health.path")
        << R"({"health":{"type":"log_match","path":"report written"},)"
           R"("readiness":{"type":"health_success","timeout_ms":20000}})"
        << QStringList() << ready << QStringList();
    QTest::newRow("a readiness timeout leaves the service running, not ready")
        << R"({"readiness":{"type":"log_match","pattern":"never said","timeout_ms":300}})"
        << QStringList() << QStringLiteral("svc: starting - not ready within 300 ms")
        << l({"report:cwd=${bundle}", "!out:svc: ready", "!out:svc: restarting", "!out:exited"});
}

void tst_ReferenceConformance::reliesOn()
{
    QFETCH(QString, patch);
    QFETCH(QStringList, environment);
    QFETCH(QString, waitFor);
    QFETCH(QStringList, expect);

    ConformanceBundle bundle;
    json service = ConformanceBundle::reportService(QStringLiteral("svc"));
    service.merge_patch(json::parse(patch.toStdString()));
    QVERIFY(bundle.write(json::array({service})));
    QTemporaryDir data;
    const QString appData = QFileInfo(data.path()).canonicalFilePath();

    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : std::as_const(environment))
        env.insert(kv.section(QLatin1Char('='), 0, 0), kv.section(QLatin1Char('='), 1));
    StewardProcess steward({QStringLiteral("--app-data"), appData}, {}, bundle.manifest(), env);
    QVERIFY2(steward.waitFor(waitFor), qPrintable(steward.out() + steward.err()));

    auto expand = [&](QString s) {
        return s.replace(QLatin1String("${bundle}"), bundle.root())
            .replace(QLatin1String("${data}"), appData);
    };
    // The report is written before the service says so, and so before it is ready.
    const QStringList report
        = readFile(appData + QStringLiteral("/report-svc.txt")).split(QLatin1Char('\n'));
    for (QString e : std::as_const(expect)) {
        const bool negated = e.startsWith(QLatin1Char('!'));
        if (negated)
            e.remove(0, 1);
        bool holds = false;
        if (e.startsWith(QLatin1String("report:"))) {
            const QString line = expand(e.mid(7));
            for (const QString &r : report)
                holds = holds
                    || (line.endsWith(QLatin1Char('*')) ? r.startsWith(line.chopped(1))
                                                        : r == line);
        } else if (e.startsWith(QLatin1String("out:"))) {
            holds = steward.out().contains(e.mid(4));
        } else if (e.startsWith(QLatin1String("file:"))) {
            const QString path = appData + QLatin1Char('/') + e.section(QLatin1Char(':'), 1, 1);
            const QString text = expand(e.section(QLatin1Char(':'), 2));
            // Logs are written as output arrives: wait for what must come.
            const auto has = [&] {
                return readFile(path).contains(text);
            };
            holds = negated ? has() : QTest::qWaitFor(has, 10000);
        } else {
            QFAIL(qPrintable(QStringLiteral("unknown expectation %1").arg(e)));
        }
        QVERIFY2(holds != negated,
                 qPrintable(QStringLiteral("%1%2\n--- report ---\n%3\n--- steward ---\n%4")
                                .arg(negated ? QStringLiteral("not expected: ")
                                             : QStringLiteral("expected: "),
                                     e, report.join(QLatin1Char('\n')), steward.out())));
    }
    QCOMPARE(steward.terminate().code, 0);
}

void tst_ReferenceConformance::onDemandServicesStartWhenAskedFor()
{
    ConformanceBundle bundle;
    json lazy = ConformanceBundle::reportService(QStringLiteral("lazy"));
    lazy["metadata"] = {{"run_mode", "on_demand"}};
    QVERIFY(
        bundle.write(json::array({ConformanceBundle::reportService(QStringLiteral("svc")), lazy})));
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("svc: ready")), qPrintable(steward.out()));
    QVERIFY2(steward.out().contains(QLatin1String("lazy: waiting - skipped: on-demand service")),
             qPrintable(steward.out()));
    QVERIFY(!QFileInfo::exists(data.filePath(QStringLiteral("report-lazy.txt"))));

    const int status = postToApi(data.path(), QStringLiteral("/services/lazy/start"));
    QVERIFY2(status >= 200 && status < 300, qPrintable(QString::number(status)));
    QVERIFY2(steward.waitFor(QStringLiteral("lazy: ready")), qPrintable(steward.out()));
    QVERIFY(QFileInfo::exists(data.filePath(QStringLiteral("report-lazy.txt"))));
    QCOMPARE(steward.terminate().code, 0);
}

void tst_ReferenceConformance::migrationsAreVersioned()
{
    // Each (service, version) runs at most once, ever; run_on picks the launch it may run in.
    ConformanceBundle bundle;
    QTemporaryDir data;
    auto migration = [](const char *version, const char *runOn) {
        return json {
            {"version", version}, {"command", {"services/migrate.sh", version}}, {"run_on", runOn}};
    };
    json service = ConformanceBundle::reportService(QStringLiteral("svc"));
    service["migrations"]
        = json::array({migration("always", "always"), migration("first", "first_install"),
                       migration("upgrade", "upgrade"), migration("install", "install")});
    auto launch = [&](const QString &version) {
        if (!bundle.write(json::array({service}), version))
            return false;
        StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
        const bool ready = steward.waitFor(QStringLiteral("svc: ready"));
        if (!ready)
            qWarning().noquote() << steward.out() << steward.err();
        return ready && steward.terminate().code == 0;
    };
    auto runs = [&](const char *version) {
        return readFile(
                   data.filePath(QStringLiteral("migrated-%1.log").arg(QLatin1String(version))))
            .count(QLatin1Char('\n'));
    };
    QVERIFY(launch(QStringLiteral("1.0.0"))); // the first launch of the app
    QVERIFY(launch(QStringLiteral("1.0.0"))); // an ordinary launch
    service["migrations"].push_back(migration("later", "always"));
    QVERIFY(launch(QStringLiteral("2.0.0"))); // an upgrade
    QVERIFY(launch(QStringLiteral("2.0.0")));
    QCOMPARE(runs("always"), 1);
    QCOMPARE(runs("first"), 1);
    QCOMPARE(runs("upgrade"), 1);
    QCOMPARE(runs("install"), 0); // a run_on the reference does not know never runs
    QCOMPARE(runs("later"), 1); // always: the first launch that sees it
}

void tst_ReferenceConformance::sharedManifestsLoad_data()
{
    QTest::addColumn<QString>("file");
    for (const char *f : {"desktop-happy.json", "desktop-playwright.json",
                          "desktop-with-build.json", "runtime-fixture-bundle.json"})
        QTest::newRow(f) << QString::fromLatin1(f);
}

void tst_ReferenceConformance::sharedManifestsLoad()
{
    // Their binaries are not here: steward loads each manifest, starts what it can and says why
    // the rest cannot run, and stewardctl validates it (with warnings, never errors).
    QFETCH(QString, file);
    const QString path = test::sharedDir() + QStringLiteral("/vrooli/") + file;
    const test::CommandOutcome validate
        = test::runStewardctl({QStringLiteral("validate"), QStringLiteral("--json"), path});
    const QJsonObject report = QJsonDocument::fromJson(validate.out.toUtf8()).object();
    QVERIFY2(validate.code == 0 && report.value(QLatin1String("valid")).toBool(),
             qPrintable(validate.out + validate.err));

    // Every service gets as far as it can: it waits for a secret or a dependency, or fails
    // naming what the bundle lacks (a binary, an asset).
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const json doc = json::parse(f.readAll().toStdString());
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, path);
    for (const json &service : doc["services"]) {
        const QString id = QString::fromStdString(service["id"].get<std::string>());
        QVERIFY2(steward.waitFor(id + QStringLiteral(": ")),
                 qPrintable(steward.out() + steward.err()));
    }
    static const QRegularExpression failedWithoutReason(QStringLiteral("^[^ ]+: failed$"),
                                                        QRegularExpression::MultilineOption);
    QVERIFY2(!steward.out().contains(failedWithoutReason), qPrintable(steward.out()));
    QCOMPARE(steward.terminate().code, 0);
}

QTEST_GUILESS_MAIN(tst_ReferenceConformance)
#include "tst_referenceconformance.moc"
