#include "ProcessTable.h"
#include "StewardProcess.h"
#include "StoreSync.h"
#include "TestPaths.h"
#include "secrets/KeychainStore.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <nlohmann/json.hpp>

using namespace steward;
using test::CommandOutcome;
using test::StewardProcess;

namespace {

const QByteArray Token = "wx_0123456789abcdefghij";

CommandOutcome runSteward(const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            QStringList {QStringLiteral("--headless"), QStringLiteral("--manifest"),
                         test::exampleBundle()}
                + args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

// Drives the real steward binary through a first run, against the real keychain of the test
// session.
class tst_StewardHeadless : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstRunGeneratesThenWaits();
    void promptedValuesMakeItReady();
    void noSecretValueOutsideTheKeychain();
    void encryptedFileStoreWhenAsked();
    void badInvocations();
    void sigtermWhileWaitingExitsCleanly();
    void servicesRunAndSurviveKillOfAService();
    void sigkillOfStewardLeavesNoChildAlive();
    void serviceReadsItsOwnSecretAndIsRefusedAnother();
    void stewardctlSetsAMissingSecretAndTheServiceStarts();
    void historyRollbackAndAuditThroughStewardctl();
    void dryRunStartsNothing();
    void dryRunOfAnInvalidManifest();
    void bundleRootIsWhereBinariesAre();
    void headlessMapsNoGuiLibrary();
};

void tst_StewardHeadless::firstRunGeneratesThenWaits()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()});
    QVERIFY2(steward.waitFor(QStringLiteral("web: waiting - waiting for api")),
             qPrintable(steward.out()));
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 QFile f(data.filePath(QStringLiteral("telemetry/events.jsonl")));
                                 return f.open(QIODevice::ReadOnly)
                                     && f.readAll().contains("\"gpu_status\"");
                             }()),
                             10000);
    const CommandOutcome r = steward.terminate();
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("(first run)")), qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("Generated session_key (43 characters)")));
    QVERIFY(r.out.contains(QLatin1String("Generated signing_key (64 characters)")));
    QVERIFY(r.out.contains(QLatin1String("api_token (Weather API token), needed by api")));
    QVERIFY(r.out.contains(QLatin1String("api: waiting - waiting for secrets: api_token")));
    QVERIFY(r.out.contains(QLatin1String("Run with --prompt")));

    // The generated secrets are in the OS keychain, as secret-tool sees it.
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"),
               {QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("server"),
                QStringLiteral("steward:hello-steward")});
    QVERIFY(tool.waitForFinished(30000));
    const QString listing
        = QString::fromUtf8(tool.readAllStandardOutput() + tool.readAllStandardError());
    const QString id = test::installId(data.path());
    QVERIFY(listing.contains(id + QStringLiteral("/session_key")));
    QVERIFY(listing.contains(id + QStringLiteral("/signing_key")));
    QVERIFY(!listing.contains(id + QStringLiteral("/api_token")));

    // Telemetry in the Vrooli runtime's shape, with its runtime-level events.
    QFile telemetry(data.filePath(QStringLiteral("telemetry/events.jsonl")));
    QVERIFY(telemetry.open(QIODevice::ReadOnly));
    QStringList events;
    for (const QByteArray &line : telemetry.readAll().split('\n')) {
        if (line.isEmpty())
            continue;
        const nlohmann::json e = nlohmann::json::parse(line.toStdString(), nullptr, false);
        QVERIFY2(e.is_object() && e["ts"].is_string() && e["event"].is_string()
                     && e["details"].is_object(),
                 line.constData());
        const QString event = QString::fromStdString(e["event"].get<std::string>());
        if (event.startsWith(QLatin1String("service_")))
            QVERIFY2(e["service_id"].is_string(), line.constData());
        if (event == QLatin1String("secrets_generated")) {
            QCOMPARE(e["details"]["count"].get<int>(), 2);
            QCOMPARE(e["details"]["ids"].dump(), std::string(R"(["session_key","signing_key"])"));
        }
        if (event == QLatin1String("gpu_status"))
            QVERIFY(e["details"]["available"].is_boolean() && e["details"]["method"].is_string());
        events << event;
    }
    QCOMPARE(events.first(), QStringLiteral("runtime_start"));
    QCOMPARE(events.last(), QStringLiteral("runtime_shutdown"));
    for (const char *event : {"secrets_generated", "gpu_status"})
        QVERIFY2(events.contains(QLatin1String(event)), event);
}

void tst_StewardHeadless::promptedValuesMakeItReady()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
                           "too-short\n" + Token + "\n\n");
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    const CommandOutcome r = steward.terminate();
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("Stopped.")));
    QVERIFY(r.out.contains(QLatin1String("api_token: does not have the expected format")));
    QVERIFY(r.out.contains(QLatin1String("example.com/tokens (https://example.com/tokens)")));
    QVERIFY(r.out.contains(QLatin1String("skipped")));
    QVERIFY(r.out.contains(QLatin1String("All required secrets are configured")));
    QVERIFY(!r.out.contains(QString::fromLatin1(Token)));
    QVERIFY(!r.out.contains(QLatin1String("too-short")));

    StewardProcess second({QStringLiteral("--app-data"), data.path()});
    QVERIFY(second.waitFor(QStringLiteral("hello-steward is ready.")));
    const CommandOutcome again = second.terminate();
    QCOMPARE(again.code, 0);
    QVERIFY(!again.out.contains(QLatin1String("Generated")));
    QVERIFY(!again.out.contains(QLatin1String("first run")));
}

void tst_StewardHeadless::noSecretValueOutsideTheKeychain()
{
    QTemporaryDir data;
    {
        StewardProcess steward(
            {QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
            Token + "\nAda Lovelace\n");
        QVERIFY(steward.waitFor(QStringLiteral("hello-steward is ready.")));
        QCOMPARE(steward.terminate().code, 0);
    }
    KeychainStore store(QStringLiteral("hello-steward"), test::installId(data.path()));
    QList<QByteArray> values;
    for (const char *id : {"session_key", "signing_key", "api_token", "greeting_name"}) {
        const test::ReadOutcome v = test::readNow(store, QString::fromLatin1(id));
        QVERIFY2(v.error.ok(), qPrintable(v.error.message));
        values << v.value;
    }
    QCOMPARE(values.at(2), Token);
    int files = 0;
    QDirIterator it(data.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        ++files;
        for (const QByteArray &v : values)
            QVERIFY2(!content.contains(v), qPrintable(f.fileName()));
    }
    QVERIFY(files >= 5); // install-id, state.json, logs/steward.log, the services' logs, telemetry
}

void tst_StewardHeadless::encryptedFileStoreWhenAsked()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path(),
                            QStringLiteral("--secret-store=file"), QStringLiteral("--prompt")},
                           Token + "\n\n");
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    const CommandOutcome r = steward.terminate();
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("encrypted files, key in the OS keychain")),
             qPrintable(r.out));
    const QStringList files = QDir(data.filePath(QStringLiteral("secrets"))).entryList(QDir::Files);
    // Each value and its first version in the history, and the audit trail's key, all encrypted.
    QCOMPARE(
        files,
        (QStringList {QStringLiteral("api_token.secret"), QStringLiteral("api_token~v1.secret"),
                      QStringLiteral("session_key.secret"), QStringLiteral("session_key~v1.secret"),
                      QStringLiteral("signing_key.secret"), QStringLiteral("signing_key~v1.secret"),
                      QStringLiteral("steward-audit-key.secret")}));
    for (const QString &name : files) {
        QFile f(data.filePath(QStringLiteral("secrets/") + name));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(!f.readAll().contains(Token));
    }
}

void tst_StewardHeadless::badInvocations()
{
    QCOMPARE(runSteward({QStringLiteral("--secret-store=cloud")}).code, 64);
    // A manifest no runtime would run: an unknown schema version.
    QTemporaryDir dir;
    QFile fixture(test::sharedDir() + QStringLiteral("/vrooli/runtime-fixture-bundle.json"));
    QVERIFY(fixture.open(QIODevice::ReadOnly));
    QFile broken(dir.filePath(QStringLiteral("bundle.json")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(
        fixture.readAll().replace("\"schema_version\": \"0.1\"", "\"schema_version\": \"v9\""));
    broken.close();
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            {QStringLiteral("--headless"), QStringLiteral("--manifest"), broken.fileName()});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QLatin1String("/schema_version")));
}

void tst_StewardHeadless::sigtermWhileWaitingExitsCleanly()
{
    QTemporaryDir data;
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            {QStringLiteral("--headless"), QStringLiteral("--prompt"), QStringLiteral("--manifest"),
             test::exampleBundle(), QStringLiteral("--app-data"), data.path()});
    QVERIFY(p.waitForStarted());
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput()))
                                 .contains(QLatin1String("api_token: ")),
                             30000);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
}

void tst_StewardHeadless::servicesRunAndSurviveKillOfAService()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
                           Token + "\n\n");
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    const QList<qint64> children = test::childrenOf(steward.pid());
    QCOMPARE(children.size(), 2);
    // kill -9 one service: it is restarted and the app is ready again.
    qint64 api = 0;
    for (qint64 pid : children) {
        QFile cmd(QStringLiteral("/proc/%1/cmdline").arg(pid));
        QVERIFY(cmd.open(QIODevice::ReadOnly));
        if (cmd.readAll().contains(QByteArray("--name\0api", 10)))
            api = pid;
    }
    QVERIFY(api > 0);
    ::kill(pid_t(api), SIGKILL);
    QVERIFY2(steward.waitFor(QStringLiteral("api: ready"), 2), qPrintable(steward.out()));
    QVERIFY(steward.out().contains(QLatin1String("api: restarting - killed by a signal")));
    QVERIFY(steward.waitFor(QStringLiteral("hello-steward is ready."), 2));
    const QList<qint64> after = test::childrenOf(steward.pid());
    QCOMPARE(after.size(), 2);
    const CommandOutcome r = steward.terminate();
    QCOMPARE(r.code, 0);
    for (qint64 pid : after)
        QVERIFY(!test::isAlive(pid));
    QVERIFY(!QDir(data.filePath(QStringLiteral("runtime/secrets"))).exists());
}

void tst_StewardHeadless::sigkillOfStewardLeavesNoChildAlive()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
                           Token + "\n\n");
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    const QList<qint64> children = test::childrenOf(steward.pid());
    QCOMPARE(children.size(), 2);
    ::kill(pid_t(steward.pid()), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(children.at(0)) && !test::isAlive(children.at(1)),
                             10000);
}

void tst_StewardHeadless::serviceReadsItsOwnSecretAndIsRefusedAnother()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
                           Token + "\nAda Lovelace\n");
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    // The api service asks the control API for api_token (its own) and greeting_name (web's).
    QString log;
    QTRY_VERIFY_WITH_TIMEOUT(([&] {
                                 QFile f(data.filePath(QStringLiteral("logs/api/api.log")));
                                 log = f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll())
                                                                   : QString();
                                 return log.contains(QLatin1String("refused greeting_name"));
                             }()),
                             20000);
    QVERIFY2(log.contains(QLatin1String("fetched api_token: 23 characters, version 1")),
             qPrintable(log));
    QVERIFY(log.contains(QLatin1String("refused greeting_name: HTTP 403")));
    QVERIFY(!log.contains(QString::fromLatin1(Token)));
    QCOMPARE(steward.terminate().code, 0);
}

void tst_StewardHeadless::stewardctlSetsAMissingSecretAndTheServiceStarts()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()});
    QVERIFY2(steward.waitFor(QStringLiteral("api: waiting - waiting for secrets: api_token")),
             qPrintable(steward.out()));
    auto ctl = [&](const QStringList &args, const QByteArray &input = {}) {
        return test::runStewardctl(args + QStringList {QStringLiteral("--app-data"), data.path()},
                                   input);
    };
    CommandOutcome r = ctl({QStringLiteral("status")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("Missing secrets: api_token")));
    r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("api_token")},
            "not valid\n");
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains(QLatin1String("does not have the expected format")));
    QVERIFY(!r.err.contains(QLatin1String("not valid")));
    r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("api_token")},
            Token + "\n");
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("api_token stored; services affected: api")));
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    r = ctl({QStringLiteral("status"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("\"status\": \"ready\"")));
    r = ctl(
        {QStringLiteral("logs"), QStringLiteral("api"), QStringLiteral("-n"), QStringLiteral("5")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("steward | ready")));
    r = ctl({QStringLiteral("status"), QStringLiteral("--token-file"),
             QStringLiteral("/etc/hostname")});
    QCOMPARE(r.code, 4);
    r = ctl({QStringLiteral("shutdown")});
    QCOMPARE(r.code, 0);
    QVERIFY(steward.waitFor(QStringLiteral("Stopped.")));
    r = ctl({QStringLiteral("status")});
    QCOMPARE(r.code, 3);
}

void tst_StewardHeadless::historyRollbackAndAuditThroughStewardctl()
{
    const QByteArray second = "wx_second_value_of_the_token";
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()});
    QVERIFY2(steward.waitFor(QStringLiteral("api: waiting - waiting for secrets: api_token")),
             qPrintable(steward.out()));
    auto ctl = [&](QStringList args, const QByteArray &input = {}) {
        return test::runStewardctl(args << QStringLiteral("--app-data") << data.path(), input);
    };
    const QString id = QStringLiteral("api_token");
    CommandOutcome r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), id}, Token + "\n");
    QCOMPARE(r.code, 0);
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));

    // A dry run answers and changes nothing.
    r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), id, QStringLiteral("--dry-run")},
            second + "\n");
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("api_token would be stored; these services would "
                                          "restart: api (dry run: nothing was changed)")),
             qPrintable(r.out));
    r = ctl({QStringLiteral("secrets"), QStringLiteral("history"), id, QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QCOMPARE(nlohmann::json::parse(r.out.toStdString())["versions"].size(), 1u);

    r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), id}, second + "\n");
    QCOMPARE(r.code, 0);
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready."), 2),
             qPrintable(steward.out()));
    r = ctl({QStringLiteral("secrets"), QStringLiteral("history"), id});
    QCOMPARE(r.code, 0);
    const QStringList rows = r.out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    QCOMPARE(rows.size(), 2);
    QVERIFY2(rows.at(0).startsWith(QLatin1String("v2     current")), qPrintable(r.out));
    QVERIFY(rows.at(0).contains(QLatin1String("stewardctl")));
    QVERIFY(rows.at(1).startsWith(QLatin1String("v1            ")));

    // Back to the first value: a new version, and the service that uses it restarts with it.
    r = ctl({QStringLiteral("secrets"), QStringLiteral("rollback"), id});
    QCOMPARE(r.code, 64); // no --to
    r = ctl({QStringLiteral("secrets"), QStringLiteral("rollback"), id, QStringLiteral("--to"),
             QStringLiteral("9")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("has no kept version 9")), qPrintable(r.err));
    r = ctl({QStringLiteral("secrets"), QStringLiteral("rollback"), id, QStringLiteral("--to"),
             QStringLiteral("1")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("api_token rolled back to version 1; services "
                                          "affected: api")),
             qPrintable(r.out));
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready."), 3),
             qPrintable(steward.out()));

    // The trail: who did what, with no value in it, and a chain that verifies.
    r = ctl({QStringLiteral("audit"), QStringLiteral("--json")});
    QCOMPARE(r.code, 0);
    QStringList actions;
    const nlohmann::json listed = nlohmann::json::parse(r.out.toStdString());
    for (const nlohmann::json &e : listed["entries"]) {
        if (e["secret"] == "api_token")
            actions << QString::fromStdString(e["action"].get<std::string>() + "/"
                                              + e["actor"].get<std::string>());
    }
    for (const char *expected :
         {"created/stewardctl", "changed/stewardctl", "rolled_back/stewardctl", "injected/steward"})
        QVERIFY2(actions.contains(QLatin1String(expected)), qPrintable(actions.join(u' ')));
    r = ctl({QStringLiteral("audit"), QStringLiteral("--secret"), QStringLiteral("session_key")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("injected")));
    QVERIFY(!r.out.contains(QLatin1String("api_token")));
    r = ctl({QStringLiteral("audit"), QStringLiteral("--verify")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("The audit trail is intact")), qPrintable(r.out));

    const QString trail = data.filePath(QStringLiteral("audit/audit.jsonl"));
    QFile file(trail);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray content = file.readAll();
    file.close();
    QVERIFY(!content.contains(Token) && !content.contains(second));
    // One edited line: the chain shows it, naming the line.
    QVERIFY(content.contains("\"actor\":\"stewardctl\""));
    content.replace("\"actor\":\"stewardctl\"", "\"actor\":\"somebody\"");
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(content);
    file.close();
    r = ctl({QStringLiteral("audit"), QStringLiteral("--verify")});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("does not verify at line")), qPrintable(r.err));
    QCOMPARE(steward.terminate().code, 0);
}

void tst_StewardHeadless::dryRunStartsNothing()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    // No display and no --headless: a dry run needs neither.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"})
        env.remove(QLatin1String(name));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(STEWARD_PATH),
            {QStringLiteral("--dry-run"), QStringLiteral("--manifest"), test::exampleBundle(),
             QStringLiteral("--app-data"), data});
    QVERIFY(p.waitForFinished(30000));
    const QString out = QString::fromUtf8(p.readAllStandardOutput());
    QVERIFY2(p.exitCode() == 0, qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
    const QString program
        = QFileInfo(test::exampleBundle()).absolutePath() + QStringLiteral("/bin/hello-service");
    QVERIFY2(out.contains(QLatin1String("First run of hello-steward")), qPrintable(out));
    QVERIFY(out.contains(QLatin1String("Would start, in this order")));
    QVERIFY(out.contains(QStringLiteral("  1. api\n     run:    ") + program
                         + QStringLiteral(" --name api --port 478")));
    QVERIFY(out.contains(QStringLiteral("  2. web\n     run:    ") + program
                         + QStringLiteral(" --name web --port 478")));
    QVERIFY(out.contains(QLatin1String("     ports:  http=127.0.0.1:478")));
    QVERIFY(!out.contains(QLatin1String("PROBLEM")));
    // Nothing was created, so nothing was generated or stored either.
    QVERIFY(!QFileInfo::exists(data));
}

void tst_StewardHeadless::dryRunOfAnInvalidManifest()
{
    QTemporaryDir dir;
    QFile example(test::exampleBundle());
    QVERIFY(example.open(QIODevice::ReadOnly));
    nlohmann::json m = nlohmann::json::parse(example.readAll().toStdString());
    m["ipc"]["host"] = "0.0.0.0"; // refused in every mode: it would expose the control API
    QFile broken(dir.filePath(QStringLiteral("bundle.json")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(QByteArray::fromStdString(m.dump()));
    broken.close();
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            {QStringLiteral("--dry-run"), QStringLiteral("--manifest"), broken.fileName()});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    const QString err = QString::fromUtf8(p.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("/ipc/host")), qPrintable(err));
    QVERIFY(!p.readAllStandardOutput().contains("Would start"));
}

void tst_StewardHeadless::bundleRootIsWhereBinariesAre()
{
    // The manifest alone, away from its binaries.
    QTemporaryDir dir;
    const QString manifest = dir.filePath(QStringLiteral("bundle.json"));
    QVERIFY(QFile::copy(test::exampleBundle(), manifest));
    const QString root = QFileInfo(test::exampleBundle()).absolutePath();
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            {QStringLiteral("--dry-run"), QStringLiteral("--manifest"), manifest});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0); // a valid manifest, but:
    const QByteArray problem = "PROBLEM: "
        + dir.filePath(QStringLiteral("bin/hello-service")).toUtf8() + " does not exist";
    QVERIFY(p.readAllStandardOutput().contains(problem));

    StewardProcess steward({QStringLiteral("--app-data"), dir.filePath(QStringLiteral("data")),
                            QStringLiteral("--bundle-root"), root, QStringLiteral("--prompt")},
                           Token + "\n\n", manifest);
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    QCOMPARE(steward.terminate().code, 0);

    const CommandOutcome r
        = runSteward({QStringLiteral("--bundle-root"), dir.filePath(QStringLiteral("nowhere"))});
    QCOMPARE(r.code, 64);
    QVERIFY(r.err.contains(QLatin1String("is not a directory")));
}

// A headless Steward is the core alone: with the app ready, its memory maps no Qt Gui or
// Widgets, no X11, xcb, EGL or OpenGL, and no font library.
void tst_StewardHeadless::headlessMapsNoGuiLibrary()
{
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
                           Token + "\n\n");
    QVERIFY2(steward.waitFor(QStringLiteral("hello-steward is ready.")), qPrintable(steward.out()));
    QFile maps(QStringLiteral("/proc/%1/maps").arg(steward.pid()));
    QVERIFY(maps.open(QIODevice::ReadOnly));
    const QByteArray mapped = maps.readAll();
    QVERIFY(mapped.contains("libQt6Core"));
    QVERIFY(mapped.contains("libQt6Network"));
    for (const char *library : {"libQt6Gui", "libQt6Widgets", "libX11", "libxcb", "libEGL", "libGL",
                                "libOpenGL", "libfontconfig", "libfreetype"})
        QVERIFY2(!mapped.contains(library), library);
    QCOMPARE(steward.terminate().code, 0);
}

QTEST_GUILESS_MAIN(tst_StewardHeadless)

#include "tst_stewardheadless.moc"
