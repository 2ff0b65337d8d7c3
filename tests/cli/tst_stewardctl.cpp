#include "ManifestBuilder.h"
#include "TestPaths.h"
#include "TestPrinters.h"
#include "cli/StewardCtl.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using json = nlohmann::json;

namespace {

struct Run
{
    int code = -1;
    QString out;
    QString err;
};

Run ctl(const QStringList &args)
{
    Run r;
    QTextStream out(&r.out);
    QTextStream err(&r.err);
    StewardCtl c(out, err);
    r.code = c.run(args);
    out.flush();
    err.flush();
    return r;
}

QString vrooli(const char *file)
{
    return test::sharedDir() + QStringLiteral("/vrooli/") + QLatin1String(file);
}

} // namespace

class tst_StewardCtl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void validateHappyExample();
    void validateListsAllFiveErrors();
    void validateJson();
    void validateUnreadable();
    void validateSyntaxError();
    void planExample();
    void planJsonAndPlatform();
    void planRefusesInvalidManifest();
    void templateFormats();
    void usageErrors_data();
    void usageErrors();
    void optionsBeforeTheCommand();
    void helpOnEveryCommand_data();
    void helpOnEveryCommand();
    void realBinaryExitCodes();

private:
    QTemporaryDir m_dir;
    QString m_fiveErrors;
};

void tst_StewardCtl::initTestCase()
{
    QVERIFY(m_dir.isValid());
    test::ManifestBuilder b;
    b.set("/schema_version", "v9");
    b.set("/ipc/host", "10.0.0.1");
    b.set("/secrets/0/generator/length", -4);
    b.set("/secrets/1/target/name", "BAD=NAME");
    b.set("/services/1/secrets", {"api_kye"});
    m_fiveErrors = m_dir.filePath(QStringLiteral("five-errors.json"));
    QFile f(m_fiveErrors);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(b.bytes());
}

void tst_StewardCtl::validateHappyExample()
{
    const Run r = ctl({QStringLiteral("validate"), vrooli("desktop-happy.json")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(
        QLatin1String("valid (picker-wheel 1.2.3, 3 services, 2 secrets, 1 warning)")));
    // Its ui-bundle names no assets, so Steward would have nothing to serve.
    QVERIFY2(r.out.contains(QLatin1String("warning: /services/0: Steward serves a ui-bundle")),
             qPrintable(r.out));
    QVERIFY(r.err.isEmpty());
}

void tst_StewardCtl::validateListsAllFiveErrors()
{
    const Run r = ctl({QStringLiteral("validate"), m_fiveErrors});
    QCOMPARE(r.code, 1);
    for (const char *path : {"/schema_version", "/ipc/host", "/secrets/0/generator/length",
                             "/secrets/1/target/name", "/services/1/secrets/0"})
        QVERIFY2(r.err.contains(QStringLiteral("error: %1: ").arg(QLatin1String(path))), path);
    QVERIFY(r.err.contains(QLatin1String("invalid: 5 errors")));
    QVERIFY(r.err.contains(QLatin1String("did you mean \"api_key\"?")));
}

void tst_StewardCtl::validateJson()
{
    // The reference runtime runs desktop-with-build.json: Steward too, with warnings...
    const Run r = ctl(
        {QStringLiteral("validate"), QStringLiteral("--json"), vrooli("desktop-with-build.json")});
    QCOMPARE(r.code, 0);
    const json report = json::parse(r.out.toStdString());
    QCOMPARE(test::dumped(report["valid"]), test::dumped(true));
    QCOMPARE(report["errors"].size(), 0u);
    QCOMPARE(report["warnings"].size(), 6u);
    QCOMPARE(test::dumped(report["warnings"][0]["path"]), test::dumped("/services/0/binaries"));
    QVERIFY(report["warnings"][0]["message"].get<std::string>().find("add the built binary")
            != std::string::npos);
    // ... which --strict, for a bundle author's CI, makes errors.
    const Run strict = ctl({QStringLiteral("validate"), QStringLiteral("--json"),
                            QStringLiteral("--strict"), vrooli("desktop-with-build.json")});
    QCOMPARE(strict.code, 1);
    const json strictReport = json::parse(strict.out.toStdString());
    QCOMPARE(test::dumped(strictReport["valid"]), test::dumped(false));
    QCOMPARE(test::dumped(strictReport["strict"]), test::dumped(true));
    QCOMPARE(strictReport["errors"].size(), 6u);
}

void tst_StewardCtl::validateUnreadable()
{
    const Run r = ctl({QStringLiteral("validate"), QStringLiteral("/nonexistent/bundle.json")});
    QCOMPARE(r.code, 2);
    QVERIFY(r.err.contains(QLatin1String("cannot read /nonexistent/bundle.json")));
    const Run j = ctl({QStringLiteral("validate"), QStringLiteral("--json"),
                       QStringLiteral("/nonexistent/bundle.json")});
    QCOMPARE(j.code, 2);
    QCOMPARE(test::dumped(json::parse(j.out.toStdString())["readable"]), test::dumped(false));
}

void tst_StewardCtl::validateSyntaxError()
{
    const QString path = m_dir.filePath(QStringLiteral("broken.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("{\n  \"app\": {\n    \"name\": \"x\",,\n  }\n}\n");
    f.close();
    const Run r = ctl({QStringLiteral("validate"), path});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("line 3, column 17")), qPrintable(r.err));
}

void tst_StewardCtl::planExample()
{
    const Run r = ctl({QStringLiteral("plan"), test::exampleBundle()});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("First run of hello-steward")));
    QVERIFY(r.out.contains(QLatin1String("Services, in start order")));
}

void tst_StewardCtl::planJsonAndPlatform()
{
    const Run r
        = ctl({QStringLiteral("plan"), QStringLiteral("--json"), QStringLiteral("--platform"),
               QStringLiteral("mac-x64"), vrooli("desktop-happy.json")});
    QCOMPARE(r.code, 0);
    const json plan = json::parse(r.out.toStdString());
    QCOMPARE(test::dumped(plan["platform"]), test::dumped("darwin-x64"));
    QCOMPARE(test::dumped(plan["services"][0]["binary"]),
             test::dumped("resources/sqlite/macos-x64/sqlite-server"));
    const Run bad = ctl({QStringLiteral("plan"), QStringLiteral("--platform"),
                         QStringLiteral("beos"), vrooli("desktop-happy.json")});
    QCOMPARE(bad.code, 64);
    QVERIFY(bad.err.contains(QLatin1String("unknown platform \"beos\"")));
}

void tst_StewardCtl::planRefusesInvalidManifest()
{
    const Run r = ctl({QStringLiteral("plan"), m_fiveErrors});
    QCOMPARE(r.code, 1);
    QVERIFY(r.out.isEmpty());
    QVERIFY(r.err.contains(QLatin1String("/schema_version")));
}

void tst_StewardCtl::templateFormats()
{
    const Run env = ctl({QStringLiteral("template"), test::exampleBundle(),
                         QStringLiteral("--format"), QStringLiteral("env")});
    QCOMPARE(env.code, 0);
    QVERIFY(env.out.contains(QLatin1String("\napi_token=\n")));
    const Run js = ctl({QStringLiteral("template"), test::exampleBundle(),
                        QStringLiteral("--format"), QStringLiteral("json")});
    QCOMPARE(js.code, 0);
    QVERIFY(json::parse(js.out.toStdString())["secrets"].contains("api_token"));
    const Run bad = ctl({QStringLiteral("template"), test::exampleBundle(),
                         QStringLiteral("--format"), QStringLiteral("yaml")});
    QCOMPARE(bad.code, 64);
    QVERIFY(bad.err.contains(QLatin1String("--format must be env or json")));

    // A remote .env: its own fill-in, with the keys the services are given.
    test::ManifestBuilder b;
    b.set("/secrets/2",
          {{"id", "deploy_env"},
           {"class", "remote_fetch"},
           {"source",
            {{"provider", "vault"},
             {"path", "apps/ledger"},
             {"key", "ledger_env"},
             {"shape", "env"},
             {"keys", {"SMTP_HOST", "SMTP_USER"}}}},
           {"target", {{"type", "env"}}}});
    b.set("/services/0/secrets/-", "deploy_env");
    const QString path = m_dir.filePath(QStringLiteral("remote-env.json"));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(b.bytes());
    f.close();
    const Run dotenv = ctl({QStringLiteral("template"), path, QStringLiteral("--secret"),
                            QStringLiteral("deploy_env")});
    QVERIFY2(dotenv.code == 0, qPrintable(dotenv.err));
    QVERIFY2(dotenv.out.contains(QLatin1String("# The .env of deploy_env"))
                 && dotenv.out.endsWith(QLatin1String("\nSMTP_HOST=\nSMTP_USER=\n")),
             qPrintable(dotenv.out));
    const Run notEnv = ctl(
        {QStringLiteral("template"), path, QStringLiteral("--secret"), QStringLiteral("api_key")});
    QCOMPARE(notEnv.code, 64);
    QVERIFY2(notEnv.err.contains(QLatin1String("takes a remote secret of shape \"env\"")),
             qPrintable(notEnv.err));
}

void tst_StewardCtl::usageErrors_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("message");
    QTest::newRow("no command") << QStringList() << "Usage: stewardctl";
    QTest::newRow("unknown command")
        << QStringList {QStringLiteral("frobnicate")} << "unknown command \"frobnicate\"";
    QTest::newRow("validate without path")
        << QStringList {QStringLiteral("validate")} << "expected exactly one PATH";
    QTest::newRow("validate two paths")
        << QStringList {QStringLiteral("validate"), QStringLiteral("a"), QStringLiteral("b")}
        << "expected exactly one PATH";
    QTest::newRow("unknown option")
        << QStringList {QStringLiteral("plan"), QStringLiteral("--colour"), QStringLiteral("x")}
        << "Unknown option 'colour'";
}

void tst_StewardCtl::usageErrors()
{
    QFETCH(QStringList, args);
    QFETCH(QString, message);
    const Run r = ctl(args);
    QCOMPARE(r.code, 64);
    QVERIFY2(r.err.contains(message), qPrintable(r.err));
}

void tst_StewardCtl::optionsBeforeTheCommand()
{
    const QString manifest = vrooli("desktop-with-build.json");
    const Run after = ctl({QStringLiteral("validate"), manifest, QStringLiteral("--json")});
    const Run before = ctl({QStringLiteral("--json"), QStringLiteral("validate"), manifest});
    QCOMPARE(before.code, after.code);
    QCOMPARE(before.out, after.out);

    // An option's value is not taken for the command.
    QTemporaryDir nothingRuns;
    const Run status
        = ctl({QStringLiteral("--app-data"), nothingRuns.path(), QStringLiteral("status")});
    QCOMPARE(status.code, 3);
    QVERIFY2(status.err.contains(QLatin1String("Steward is not running for")),
             qPrintable(status.err));
}

void tst_StewardCtl::helpOnEveryCommand_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("validate") << "validate"
                              << "Exit codes: 0 valid, 1 invalid, 2 unreadable";
    QTest::newRow("plan") << "plan"
                          << "--platform";
    QTest::newRow("template") << "template"
                              << "--format";
}

void tst_StewardCtl::helpOnEveryCommand()
{
    QFETCH(QString, command);
    QFETCH(QString, mentions);
    const Run r = ctl({command, QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(mentions), qPrintable(r.out));
    QCOMPARE(ctl({QStringLiteral("--help")}).code, 0);
}

void tst_StewardCtl::realBinaryExitCodes()
{
    QProcess p;
    p.start(QStringLiteral(STEWARDCTL_PATH), {QStringLiteral("validate"), m_fiveErrors});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    QCOMPARE(QString::fromUtf8(p.readAllStandardError()).count(QLatin1String(": error: ")), 5);
    p.start(QStringLiteral(STEWARDCTL_PATH),
            {QStringLiteral("validate"), vrooli("desktop-happy.json")});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_StewardCtl)
#include "tst_stewardctl.moc"
