#include "StewardProcess.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace steward;
using test::CommandOutcome;
using test::StewardProcess;
using json = nlohmann::json;

namespace {

const QString App = QStringLiteral("upgraded-app");
// What the Vrooli runtime generated and stored in plaintext; the database was created with it.
const QByteArray OldPassword = "Vr00li-generated-db-password-x7Qp";
const QByteArray OldApiKey = "abcdefghijklmnop";

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return QDir().mkpath(QFileInfo(path).absolutePath()) && f.open(QIODevice::WriteOnly)
        && f.write(content) == content.size()
        && f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
}

QByteArray sha256Hex(const QByteArray &data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256).toHex();
}

// One machine where the Vrooli runtime ran the app 1.0.0 and Steward now runs 1.1.0: a bundle
// whose db service writes the SHA-256 of the password it was given, and whose migrations leave
// a line each in migrations.log when they run; the old runtime's plaintext secrets.json and
// migrations.json in the user config dir of a throw-away HOME.
class Machine
{
public:
    Machine()
    {
        const std::string sh = "/bin/sh";
        auto script = [](const std::string &body) {
            return json {{"path", "/bin/sh"}, {"args", {"-c", body}}};
        };
        const json service = script(
            "printf %s \"$DB_PASSWORD\" | sha256sum | cut -c1-64 > \"$APP_DATA_DIR/db.sha256\"; "
            "echo serving; exec sleep 600");
        auto migration = [&](const char *version, const char *runOn) {
            return json {
                {"version", version},
                {"run_on", runOn},
                {"command",
                 {sh, "-c",
                  std::string("echo ") + version + " >> \"$APP_DATA_DIR/migrations.log\""}}};
        };
        const json manifest {
            {"schema_version", "v0.1"},
            {"target", "desktop"},
            {"app", {{"name", App.toStdString()}, {"version", "1.1.0"}}},
            {"ipc",
             {{"mode", "loopback-http"},
              {"host", "127.0.0.1"},
              {"port", 47930},
              {"auth_token_path", "runtime/auth-token"}}},
            {"telemetry", {{"file", "telemetry/events.jsonl"}}},
            {"secrets",
             {{{"id", "db_password"},
               {"class", "per_install_generated"},
               {"generator", {{"type", "random"}, {"length", 32}, {"charset", "alnum"}}},
               {"target", {{"type", "env"}, {"name", "DB_PASSWORD"}}}},
              {{"id", "api_key"},
               {"class", "user_prompt"},
               {"prompt", {{"label", "API key"}}},
               {"target", {{"type", "env"}, {"name", "API_KEY"}}}}}},
            {"services",
             {{{"id", "db"},
               {"type", "worker"},
               {"binaries", {{"linux-x64", service}, {"linux-arm64", service}}},
               {"secrets", {"db_password", "api_key"}},
               {"health", {{"type", "command"}, {"command", {"true"}}}},
               {"readiness", {{"type", "log_match"}, {"pattern", "serving"}}},
               // 1 and 2 ran under the Vrooli runtime; 3 is new in 1.1.0.
               {"migrations",
                {migration("1", "first_install"), migration("2", "upgrade"),
                 migration("3", "upgrade")}}}}}};
        m_ok = writeFile(bundle(), QByteArray::fromStdString(manifest.dump(2)))
            && writeFile(secretsFile(),
                         R"({"secrets":{"db_password":")" + OldPassword + R"(","api_key":")"
                             + OldApiKey + R"(","left_over":"something-else"}})")
            && writeFile(oldDir() + QStringLiteral("/migrations.json"),
                         R"({"app_version":"1.0.0","applied":{"db":["1","2"]}})");
        m_env = QProcessEnvironment::systemEnvironment();
        m_env.insert(QStringLiteral("HOME"), m_dir.filePath(QStringLiteral("home")));
        m_env.insert(QStringLiteral("XDG_CONFIG_HOME"),
                     m_dir.filePath(QStringLiteral("home/.config")));
    }

    bool ok() const { return m_ok; }
    QString bundle() const { return m_dir.filePath(QStringLiteral("bundle/bundle.json")); }
    QString appData() const { return m_dir.filePath(QStringLiteral("steward-data")); }
    // Where the Vrooli runtime kept the app's data: <user config dir>/<app name>.
    QString oldDir() const { return m_dir.filePath(QStringLiteral("home/.config/") + App); }
    QString secretsFile() const { return oldDir() + QStringLiteral("/secrets.json"); }
    QProcessEnvironment &env() { return m_env; }

    std::unique_ptr<StewardProcess> steward(const QStringList &extra = {})
    {
        return std::make_unique<StewardProcess>(
            QStringList {QStringLiteral("--app-data"), appData()} + extra, QByteArray(), bundle(),
            m_env);
    }

private:
    QTemporaryDir m_dir;
    QProcessEnvironment m_env;
    bool m_ok = false;
};

} // namespace

// An install of the Vrooli runtime upgraded to Steward: the real steward binary, the real
// keychain of the test session.
class tst_VrooliUpgrade : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void importsTheOldInstallOnce();
    void failingKeychainKeepsThePlaintext();
    void noImportLeavesItAlone();
};

void tst_VrooliUpgrade::importsTheOldInstallOnce()
{
    Machine m;
    QVERIFY(m.ok());
    {
        auto steward = m.steward();
        QVERIFY2(steward->waitFor(App + QStringLiteral(" is ready.")),
                 qPrintable(steward->out() + steward->err()));
        // The service was given the old password, so the old database still opens.
        QTRY_COMPARE_WITH_TIMEOUT(readFile(m.appData() + QStringLiteral("/db.sha256")).trimmed(),
                                  sha256Hex(OldPassword), 10000);
        const QString out = steward->out();
        QVERIFY2(out.contains(QStringLiteral("Imported 2 secrets from ") + m.oldDir()),
                 qPrintable(out));
        QVERIFY(out.contains(QLatin1String(": db_password, api_key")));
        QVERIFY(out.contains(QStringLiteral("The plaintext ") + m.secretsFile()
                             + QStringLiteral(" was overwritten and removed.")));
        QVERIFY(out.contains(QLatin1String("Recorded 2 migrations as already applied (db 1, 2)")));
        QVERIFY(out.contains(QLatin1String("the manifest does not declare them: left_over")));
        QVERIFY(!out.contains(QLatin1String("Generated db_password")));
        QVERIFY(!out.contains(QLatin1String("Waiting for"))); // the prompted key came along

        // The plaintext is gone; what holds no secret stays.
        QVERIFY(!QFile::exists(m.secretsFile()));
        QVERIFY(QFile::exists(m.oldDir() + QStringLiteral("/migrations.json")));
        // Only the migration new in 1.1.0 ran.
        QCOMPARE(readFile(m.appData() + QStringLiteral("/migrations.log")), QByteArray("3\n"));

        // /status says what was imported, never a value.
        const CommandOutcome status
            = test::runStewardctl({QStringLiteral("status"), QStringLiteral("--json"),
                                   QStringLiteral("--app-data"), m.appData()});
        QCOMPARE(status.code, 0);
        const json s = json::parse(status.out.toStdString(), nullptr, false);
        QVERIFY2(s.is_object() && s["imported"].is_object(), qPrintable(status.out));
        QCOMPARE(s["imported"]["count"].get<int>(), 2);
        QCOMPARE(QString::fromStdString(s["imported"]["from"].get<std::string>()), m.oldDir());
        QVERIFY(s["imported"]["plaintext_removed"].get<bool>());
        QCOMPARE(s["imported"]["migrations"].dump(), std::string(R"({"db":["1","2"]})"));
        QVERIFY(!status.out.contains(QString::fromLatin1(OldPassword)));
        const CommandOutcome text = test::runStewardctl(
            {QStringLiteral("status"), QStringLiteral("--app-data"), m.appData()});
        QVERIFY2(text.out.contains(QStringLiteral("Imported from the Vrooli runtime's data in ")
                                   + m.oldDir() + QStringLiteral(": 2 secret(s)")),
                 qPrintable(text.out));
        QCOMPARE(steward->terminate().code, 0);
    }

    // No value anywhere in Steward's files or output.
    QDirIterator it(m.appData(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QByteArray content = readFile(path);
        QVERIFY2(!content.contains(OldPassword) && !content.contains(OldApiKey), qPrintable(path));
    }
    const QByteArray telemetry = readFile(m.appData() + QStringLiteral("/telemetry/events.jsonl"));
    QVERIFY(telemetry.contains(R"("event":"secrets_imported")"));

    // The next launch imports nothing and runs no migration again, with the same password.
    QVERIFY(QFile::remove(m.appData() + QStringLiteral("/db.sha256")));
    auto again = m.steward();
    QVERIFY2(again->waitFor(App + QStringLiteral(" is ready.")), qPrintable(again->out()));
    QTRY_COMPARE_WITH_TIMEOUT(readFile(m.appData() + QStringLiteral("/db.sha256")).trimmed(),
                              sha256Hex(OldPassword), 10000);
    QVERIFY(!again->out().contains(QLatin1String("Imported")));
    QCOMPARE(readFile(m.appData() + QStringLiteral("/migrations.log")), QByteArray("3\n"));
    QCOMPARE(again->terminate().code, 0);
}

void tst_VrooliUpgrade::failingKeychainKeepsThePlaintext()
{
    Machine m;
    QVERIFY(m.ok());
    const QByteArray before = readFile(m.secretsFile());
    // No session bus: no keychain to import into.
    m.env().insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=/nonexistent/steward-test-bus"));
    auto steward = m.steward();
    const CommandOutcome r = steward->finish(60000);
    QCOMPARE(r.code, 4);
    QVERIFY2(r.err.contains(QStringLiteral("cannot import db_password from ") + m.secretsFile()),
             qPrintable(r.err));
    QVERIFY(r.err.contains(QLatin1String("nothing was removed")));
    QVERIFY(r.err.contains(QLatin1String("--no-import")));
    QVERIFY(!r.err.contains(QString::fromLatin1(OldPassword)));
    QVERIFY(!r.out.contains(QString::fromLatin1(OldPassword)));
    QCOMPARE(readFile(m.secretsFile()), before);
    QVERIFY(!QFile::exists(m.appData() + QStringLiteral("/state.json")));
    QVERIFY(!QFile::exists(m.appData() + QStringLiteral("/migrations.log")));
}

void tst_VrooliUpgrade::noImportLeavesItAlone()
{
    Machine m;
    QVERIFY(m.ok());
    const QByteArray before = readFile(m.secretsFile());
    auto steward = m.steward({QStringLiteral("--no-import")});
    QVERIFY2(steward->waitFor(QStringLiteral("Waiting for 1 secret:")), qPrintable(steward->out()));
    QVERIFY(steward->out().contains(QLatin1String("Generated db_password")));
    QVERIFY(!steward->out().contains(QLatin1String("Imported")));
    QCOMPARE(steward->terminate().code, 0);
    QCOMPARE(readFile(m.secretsFile()), before);
}

QTEST_GUILESS_MAIN(tst_VrooliUpgrade)

#include "tst_vrooliupgrade.moc"
