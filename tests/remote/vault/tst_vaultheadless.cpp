// Vault support end to end: the real `steward --headless` and stewardctl run the example bundle
// with one more secret, db_password, which the Vault-compatible test server (fake_vault.py)
// serves and only the api service uses. The first fetch, a rotation, Vault going down while the
// app runs and before it starts, a refresh on request, and what must never leak.

#include "FakeVault.h"
#include "ProcessTable.h"
#include "StewardProcess.h"
#include "StoreSync.h"
#include "TestPaths.h"
#include "TestPrinters.h"
#include "VaultBundle.h"
#include "secrets/KeychainStore.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <utility>
#include <vector>

using namespace steward;
using json = nlohmann::json;
using test::CommandOutcome;
using test::FakeVault;
using test::StewardProcess;
using test::writeVaultBundle;

namespace {

const QByteArray ApiToken = "wx_0123456789abcdefghij"; // the example's prompted secret
const QByteArray VaultToken = "hvs.e2e-vault-token-Zq81rT0pWd";
// Two lengths, so a service's page (names and lengths, never values) tells which one it got.
const QByteArray FirstPassword = "db-first-7Hk2vQ9xWm";
const QByteArray RotatedPassword = "db-rotated-Lp4sN8cJ3eRb6tYq";
const std::string SecretPath = "steward/default/hello-steward/db";
const QString Ready = QStringLiteral("hello-steward is ready.");
// A deployment's .env and config files (addDeploymentSecrets): values that must never leak,
// first as Vault serves them, then rotated, then in a malformed update.
const std::string LedgerPath = "steward/default/apps/ledger";
const QByteArray SmtpPassword = "smtp-first-Vb7nQ2xKe9";
const QByteArray RotatedSmtpPassword = "smtp-rotated-Hd3mZ8wPq5";
const QByteArray ConfigContent = "cfg-content-Tr6yU1oPa4";
const QByteArray RotatedConfigContent = "cfg-rotated-Gs5hJ9kLz2";
const QByteArray MalformedValue = "smtp-malformed-Wc4vB7nMx1";
// The refresh loop runs every 5 s (the least refresh_interval_s allows) plus up to 1 s of
// jitter; one refresh and the restart it causes fit well within this.
constexpr int RefreshDeadlineMs = 20000;

json vaultConfig()
{
    return {{"mounts", {{"secret", 2}}},
            {"secrets",
             json::array({{{"mount", "secret"},
                           {"path", SecretPath},
                           {"data", {{"password", FirstPassword.toStdString()}}}}})},
            {"tokens", json::array({{{"id", VaultToken.toStdString()}, {"ttl", 0}}})}};
}

// The deployment's .env and config files at LedgerPath, with `password` and `config` in them.
json ledgerData(const QByteArray &password, const QByteArray &config)
{
    const json files
        = json::array({{{"name", "app.yaml"},
                        {"content", "db_password: " + config.toStdString() + "\n"},
                        {"file_mode", "0600"}},
                       {{"name", "settings.ini"}, {"content", "[smtp]\nhost=smtp.example.com\n"}}});
    return {{"ledger_env",
             "SMTP_HOST=smtp.example.com\nSMTP_USER=mailer\nSMTP_PASSWORD=\""
                 + password.toStdString() + "\"\nDB_URL=postgres://db/ledger\n"},
            {"ledger_configs", files.dump()}};
}

// Writes a new version of the deployment's secrets at LedgerPath.
void writeLedger(FakeVault &vault, const json &data)
{
    vault.control(QStringLiteral("secret"),
                  {{"mount", "secret"}, {"path", LedgerPath}, {"data", data}});
}

// Writes a new version of db_password in Vault; returns its version number.
int rotate(FakeVault &vault, const QByteArray &value)
{
    const json r = vault.control(
        QStringLiteral("secret"),
        {{"mount", "secret"}, {"path", SecretPath}, {"data", {{"password", value.toStdString()}}}});
    return r.is_object() ? r.value("version", 0) : 0;
}

void setFault(FakeVault &vault, const char *mode)
{
    vault.control(QStringLiteral("fault"), {{"mode", mode}});
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// Steward's environment: Vault's address and token come from there, as a service manager sets
// them, never from the command line that `ps` shows everyone.
QProcessEnvironment vaultEnvironment(const QUrl &vault, bool withToken)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"VAULT_ADDRESS", "VAULT_NAMESPACE", "VAULT_AGENT_PATH_PREFIX", "DEPLOYMENT_HASH"})
        env.remove(QString::fromLatin1(name));
    env.insert(QStringLiteral("VAULT_ADDR"), vault.toString());
    if (withToken)
        env.insert(QStringLiteral("VAULT_TOKEN"), QString::fromLatin1(VaultToken));
    else
        env.remove(QStringLiteral("VAULT_TOKEN"));
    return env;
}

// What a hello-service page says about a secret it received: "DB_PASSWORD: 19 characters".
QString listed(const QByteArray &value)
{
    return QStringLiteral("DB_PASSWORD: %1 characters").arg(value.size());
}

// The value at a JSON pointer such as "/remote/db_password/status", null when there is none.
json at(const json &doc, const std::string &pointer)
{
    const json::json_pointer p(pointer);
    return doc.contains(p) ? doc.at(p) : json();
}

QString text(const json &doc, const std::string &pointer)
{
    const json v = at(doc, pointer);
    return v.is_string() ? QString::fromStdString(v.get<std::string>()) : QString();
}

struct HttpReply
{
    int status = 0; // 0: no answer
    QByteArray raw;
    json body; // discarded when the answer is not JSON
};

HttpReply httpRequest(int port, const QByteArray &method, const QString &path,
                      const QByteArray &token = {})
{
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    request.setTransferTimeout(10000);
    std::unique_ptr<QNetworkReply> reply(nam.sendCustomRequest(request, method));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, 15000))
        return {};
    HttpReply r;
    r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.raw = reply->readAll();
    r.body = json::parse(r.raw.toStdString(), nullptr, false);
    return r;
}

// Steward's control API as its admin, found the way stewardctl finds it: the port in
// <app data>/runtime/ipc_port, the admin token in runtime/auth-token (read at each request, so
// it follows a restarted steward).
class AdminClient
{
public:
    explicit AdminClient(QString appData)
        : m_appData(std::move(appData))
    { }
    int port() const
    {
        return readFile(m_appData + QStringLiteral("/runtime/ipc_port")).trimmed().toInt();
    }
    HttpReply get(const QString &path) const { return send("GET", path); }
    HttpReply post(const QString &path) const { return send("POST", path); }

private:
    HttpReply send(const QByteArray &method, const QString &path) const
    {
        return httpRequest(port(), method, path,
                           readFile(m_appData + QStringLiteral("/runtime/auth-token")).trimmed());
    }
    QString m_appData;
};

// A variable of the environment a process was started with; nullopt when it has none.
std::optional<QByteArray> variable(qint64 pid, const QByteArray &name)
{
    for (const QByteArray &entry :
         readFile(QStringLiteral("/proc/%1/environ").arg(pid)).split('\0')) {
        if (entry.startsWith(QByteArray(name + '=')))
            return entry.mid(name.size() + 1);
    }
    return std::nullopt;
}

// The pid of the service steward runs as `hello-service --name NAME`, 0 when none runs.
qint64 servicePid(qint64 steward, const QString &name)
{
    // The command line's arguments, each ended by a NUL.
    const QByteArray argument = QByteArray("--name\0", 7) + name.toLatin1() + '\0';
    for (qint64 pid : test::childrenOf(steward)) {
        if (test::isAlive(pid)
            && readFile(QStringLiteral("/proc/%1/cmdline").arg(pid)).contains(argument))
            return pid;
    }
    return 0;
}

// A service's own control-API token, which steward gave it in its environment.
QByteArray serviceToken(qint64 pid)
{
    return variable(pid, "STEWARD_TOKEN").value_or(QByteArray());
}

// A service's page, which lists the secrets it received by env name and length.
QString servicePage(const AdminClient &admin, const QString &service)
{
    const json port = at(admin.get(QStringLiteral("/ports")).body,
                         "/services/" + service.toStdString() + "/http");
    if (!port.is_number_integer())
        return {};
    return QString::fromUtf8(httpRequest(port.get<int>(), "GET", QStringLiteral("/")).raw);
}

// A secret's entry in GET /secrets: status, source, detail (why it is stale), ...
json secretEntry(const AdminClient &admin, const QString &id)
{
    for (const json &entry : at(admin.get(QStringLiteral("/secrets")).body, "/secrets")) {
        if (text(entry, "/id") == id)
            return entry;
    }
    return {};
}

QString appStatus(const AdminClient &admin)
{
    return text(admin.get(QStringLiteral("/status")).body, "/status");
}

QByteArray shown(const json &doc)
{
    return test::dumped(doc).toUtf8();
}

// stewardctl COMMAND ARGS --app-data DIR (stewardctl takes the command first).
CommandOutcome stewardctl(const QString &appData, const QStringList &args)
{
    return test::runStewardctl(args + QStringList {QStringLiteral("--app-data"), appData});
}

} // namespace

class tst_VaultHeadless : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void startupFetchStartsTheConsumer();
    void rotationRestartsOnlyTheConsumer();
    void vaultDownKeepsLastKnownGood_data();
    void vaultDownKeepsLastKnownGood();
    void vaultDownAtStartupUsesLastKnownGood();
    void vaultDownAtStartupHoldsBackOnlyTheConsumer();
    void refreshNowFromStewardctl();
    void rollbackAtVaultThroughStewardctl();
    void tokenEnteredByThePerson();
    void noSecretValueLeaks();
    void deploymentEnvAndFilesNeverLeak();
    // After every test function: nothing it printed or left in its app data dirs holds a value.
    void cleanup();

private:
    // ApiToken: the example's prompted secret on stdin. Nothing: no prompting (a later run).
    // VaultToken: no prompting and no VAULT_TOKEN in the environment (the bundle asks for it).
    enum class Prompt { ApiToken, Nothing, VaultToken };
    // A fresh app data dir, kept until cleanup() has looked through it.
    QString newAppData();
    // A copy of the example bundle with db_password from Vault (see writeVaultBundle), in a
    // directory the test keeps; its bundle.json, empty on failure.
    QString newBundle(int refreshIntervalS, bool tokenFromPerson = false);
    // steward --headless on `manifest` with Vault in its environment; on a first run it is given
    // the example's prompted secret on stdin. --verbose: informational log lines go to stderr
    // too, the audit trail among them.
    std::unique_ptr<StewardProcess> start(const QString &manifest, const QString &appData,
                                          const QUrl &vault, Prompt prompt = Prompt::ApiToken);
    // Keeps what a steward or stewardctl run printed, for verifyNoValueLeaked().
    CommandOutcome keep(const CommandOutcome &outcome);
    // Fails when a Vault value or the Vault token is in what the current test function kept
    // (keep) or in a file of its app data dirs, then forgets both. `serviceLogs`: how many api
    // service logs were among the files.
    void verifyNoValueLeaked(int *serviceLogs = nullptr);

    std::vector<std::unique_ptr<QTemporaryDir>> m_appData;
    std::vector<std::unique_ptr<QTemporaryDir>> m_bundles;
    QStringList m_printed;
};

QString tst_VaultHeadless::newAppData()
{
    m_appData.push_back(std::make_unique<QTemporaryDir>());
    return m_appData.back()->path();
}

QString tst_VaultHeadless::newBundle(int refreshIntervalS, bool tokenFromPerson)
{
    m_bundles.push_back(std::make_unique<QTemporaryDir>());
    return writeVaultBundle(m_bundles.back()->path(), refreshIntervalS, tokenFromPerson);
}

std::unique_ptr<StewardProcess> tst_VaultHeadless::start(const QString &manifest,
                                                         const QString &appData, const QUrl &vault,
                                                         Prompt prompt)
{
    QStringList args {QStringLiteral("--app-data"), appData, QStringLiteral("--verbose")};
    QByteArray input;
    if (prompt == Prompt::ApiToken) {
        args << QStringLiteral("--prompt");
        input = ApiToken + "\n\n"; // api_token, then no greeting_name
    }
    return std::make_unique<StewardProcess>(args, input, manifest,
                                            vaultEnvironment(vault, prompt != Prompt::VaultToken));
}

CommandOutcome tst_VaultHeadless::keep(const CommandOutcome &outcome)
{
    m_printed << outcome.out << outcome.err;
    return outcome;
}

void tst_VaultHeadless::startupFetchStartsTheConsumer()
{
    FakeVault vault(vaultConfig());
    QVERIFY(vault.url().isValid());
    const QString manifest = newBundle(5);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    auto steward = start(manifest, data, vault.url());
    QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
    const AdminClient admin(data);

    const qint64 api = servicePid(steward->pid(), QStringLiteral("api"));
    const qint64 web = servicePid(steward->pid(), QStringLiteral("web"));
    QVERIFY(api > 0 && web > 0);
    const QString page = servicePage(admin, QStringLiteral("api"));
    QVERIFY2(page.contains(listed(FirstPassword)), qPrintable(page));
    // Only the consumer gets the value, and no service gets Steward's Vault credentials.
    QCOMPARE(variable(api, "DB_PASSWORD").value_or(QByteArray()), FirstPassword);
    QVERIFY(!variable(web, "DB_PASSWORD"));
    for (qint64 pid : {api, web})
        QVERIFY(!variable(pid, "VAULT_TOKEN") && !variable(pid, "VAULT_ADDR"));

    const json entry = secretEntry(admin, QStringLiteral("db_password"));
    QCOMPARE(text(entry, "/status"), QStringLiteral("configured"));
    QCOMPARE(text(entry, "/source"), QStringLiteral("remote"));
    // Read back through the control API, it is Vault's value. Values go only to the services
    // that use them, with their own token; the admin token is refused one.
    HttpReply value = httpRequest(admin.port(), "GET", QStringLiteral("/secrets/db_password/value"),
                                  serviceToken(api));
    QCOMPARE(value.status, 200);
    QCOMPARE(text(value.body, "/value"), QString::fromLatin1(FirstPassword));
    QCOMPARE(admin.get(QStringLiteral("/secrets/db_password/value")).status, 403);
    value = httpRequest(admin.port(), "GET", QStringLiteral("/secrets/db_password/value"),
                        serviceToken(web));
    QCOMPARE(value.status, 403);
    // The keychain holds it as the last-known-good value for a run without Vault.
    KeychainStore keychain(QStringLiteral("hello-steward"), test::installId(data));
    const test::ReadOutcome stored = test::readNow(keychain, QStringLiteral("db_password"));
    QVERIFY2(stored.error.ok(), qPrintable(stored.error.message));
    QCOMPARE(stored.value, FirstPassword);

    QCOMPARE(keep(steward->terminate()).code, 0);
}

void tst_VaultHeadless::rotationRestartsOnlyTheConsumer()
{
    FakeVault vault(vaultConfig());
    const QString manifest = newBundle(5);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    auto steward = start(manifest, data, vault.url());
    QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
    const AdminClient admin(data);
    const qint64 api = servicePid(steward->pid(), QStringLiteral("api"));
    const qint64 web = servicePid(steward->pid(), QStringLiteral("web"));
    QVERIFY(api > 0 && web > 0);

    QCOMPARE(rotate(vault, RotatedPassword), 2);
    // The next refresh brings the new value in; api is restarted to take it, web is not touched.
    QTRY_VERIFY_WITH_TIMEOUT(
        servicePage(admin, QStringLiteral("api")).contains(listed(RotatedPassword)),
        RefreshDeadlineMs);
    const qint64 restarted = servicePid(steward->pid(), QStringLiteral("api"));
    QVERIFY(restarted > 0 && restarted != api);
    QVERIFY(!test::isAlive(api));
    QCOMPARE(servicePid(steward->pid(), QStringLiteral("web")), web);
    QVERIFY(test::isAlive(web));
    QTRY_COMPARE_WITH_TIMEOUT(appStatus(admin), QStringLiteral("ready"), 15000);

    // The audit trail names the secret and the version at the source, never a value.
    const QString audit = QStringLiteral("secret rotated: db_password (version 2 at the source)");
    QVERIFY2(steward->err().contains(audit), qPrintable(steward->err()));
    const CommandOutcome stopped = keep(steward->terminate());
    QCOMPARE(stopped.code, 0);
    const QString log = QString::fromUtf8(readFile(data + QStringLiteral("/logs/steward.log")));
    QVERIFY2(log.contains(audit), qPrintable(log));
    for (const QString &printed : {stopped.out, stopped.err, log}) {
        QVERIFY(!printed.contains(QString::fromLatin1(FirstPassword)));
        QVERIFY(!printed.contains(QString::fromLatin1(RotatedPassword)));
    }
}

void tst_VaultHeadless::vaultDownKeepsLastKnownGood_data()
{
    QTest::addColumn<bool>("killed");
    QTest::newRow("sealed") << false;
    QTest::newRow("process killed") << true;
}

void tst_VaultHeadless::vaultDownKeepsLastKnownGood()
{
    QFETCH(bool, killed);
    FakeVault vault(vaultConfig());
    const QString manifest = newBundle(5);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    auto steward = start(manifest, data, vault.url());
    QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
    const AdminClient admin(data);
    const qint64 api = servicePid(steward->pid(), QStringLiteral("api"));
    QVERIFY(api > 0);

    if (killed)
        vault.kill();
    else
        setFault(vault, "sealed");
    // The next refresh fails: the last-known-good value stays in use, marked stale, and nothing
    // is restarted.
    QTRY_COMPARE_WITH_TIMEOUT(text(secretEntry(admin, QStringLiteral("db_password")), "/status"),
                              QStringLiteral("stale"), RefreshDeadlineMs);
    const json entry = secretEntry(admin, QStringLiteral("db_password"));
    QVERIFY2(text(entry, "/detail").contains(QLatin1String("db_password")), shown(entry));
    QCOMPARE(appStatus(admin), QStringLiteral("ready"));
    QCOMPARE(servicePid(steward->pid(), QStringLiteral("api")), api);
    QVERIFY(servicePage(admin, QStringLiteral("api")).contains(listed(FirstPassword)));

    json health = admin.get(QStringLiteral("/health")).body;
    QVERIFY2(at(health, "/last_refresh_ok") == json(false), shown(health));
    QVERIFY2(text(health, "/remote/db_password/status") == QLatin1String("stale"), shown(health));
    QVERIFY2(text(health, "/remote/db_password/last_error").contains(QLatin1String("db_password")),
             shown(health));

    // Vault is back: a retry finds it (the loop backs off from about a second).
    if (killed)
        QVERIFY(vault.restart());
    else
        setFault(vault, "none");
    auto refreshedOk = [&] {
        health = admin.get(QStringLiteral("/health")).body;
        return at(health, "/last_refresh_ok") == json(true);
    };
    QTRY_VERIFY2_WITH_TIMEOUT(refreshedOk(), shown(health), RefreshDeadlineMs);
    QVERIFY2(text(health, "/remote/db_password/status") == QLatin1String("configured"),
             shown(health));
    QVERIFY2(text(health, "/remote/db_password/source")
                 == QLatin1String("vault secret/data/steward/default/hello-steward/db#password"),
             shown(health));
    QVERIFY2(at(health, "/remote/db_password/version") == json(1), shown(health));
    QVERIFY2(at(health, "/remote/db_password/age_seconds").is_number_integer(), shown(health));
    QVERIFY2(at(health, "/remote/db_password/last_error").is_null(), shown(health));
    QVERIFY2(at(health, "/last_refresh_at").is_string(), shown(health));
    QCOMPARE(text(secretEntry(admin, QStringLiteral("db_password")), "/status"),
             QStringLiteral("configured"));
    QCOMPARE(servicePid(steward->pid(), QStringLiteral("api")), api); // the same value: no restart
    QCOMPARE(keep(steward->terminate()).code, 0);
}

void tst_VaultHeadless::vaultDownAtStartupUsesLastKnownGood()
{
    FakeVault vault(vaultConfig());
    const QString manifest = newBundle(5);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    {
        auto first = start(manifest, data, vault.url());
        QVERIFY2(first->waitFor(Ready), qPrintable(first->out() + first->err()));
        QCOMPARE(keep(stewardctl(data, {QStringLiteral("shutdown")})).code, 0);
        const CommandOutcome stopped = keep(first->finish());
        QCOMPARE(stopped.code, 0);
        QVERIFY(stopped.out.contains(QLatin1String("Stopped.")));
    }

    setFault(vault, "sealed");
    auto second = start(manifest, data, vault.url(), Prompt::Nothing);
    QVERIFY2(second->waitFor(Ready), qPrintable(second->out() + second->err()));
    const AdminClient admin(data);
    // The services run with the value the keychain kept from the last run, marked stale.
    QVERIFY(servicePage(admin, QStringLiteral("api")).contains(listed(FirstPassword)));
    const json entry = secretEntry(admin, QStringLiteral("db_password"));
    QCOMPARE(text(entry, "/status"), QStringLiteral("stale"));
    QVERIFY2(text(entry, "/detail").contains(QLatin1String("Vault is sealed")), shown(entry));

    const json health = admin.get(QStringLiteral("/health")).body;
    QVERIFY2(at(health, "/last_refresh_ok") == json(false), shown(health));
    QVERIFY2(text(health, "/remote/db_password/status") == QLatin1String("stale"), shown(health));
    QVERIFY2(text(health, "/remote/db_password/last_error").contains(QLatin1String("db_password")),
             shown(health));
    QCOMPARE(keep(second->terminate()).code, 0);
}

void tst_VaultHeadless::vaultDownAtStartupHoldsBackOnlyTheConsumer()
{
    FakeVault vault(vaultConfig());
    setFault(vault, "sealed");
    const QString manifest = newBundle(5);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    auto steward = start(manifest, data, vault.url());
    const AdminClient admin(data);

    // No value anywhere: api waits for it, web, which does not use it, runs.
    QVERIFY2(steward->waitFor(QStringLiteral("api: waiting - waiting for secrets: db_password")),
             qPrintable(steward->out() + steward->err()));
    QVERIFY2(steward->waitFor(QStringLiteral("web: ready")), qPrintable(steward->out()));
    const json readyz = admin.get(QStringLiteral("/readyz")).body;
    QVERIFY2(at(readyz, "/ready") == json(false), shown(readyz));
    QVERIFY2(text(readyz, "/details/api/state") == QLatin1String("waiting"), shown(readyz));
    QVERIFY2(text(readyz, "/details/api/message").contains(QLatin1String("db_password")),
             shown(readyz));
    QVERIFY2(text(readyz, "/details/web/state") == QLatin1String("ready"), shown(readyz));
    const CommandOutcome status = keep(stewardctl(data, {QStringLiteral("status")}));
    QCOMPARE(status.code, 0);
    QVERIFY2(status.out.contains(QLatin1String("waiting for secrets: db_password")),
             qPrintable(status.out));

    // Vault is back: api starts, and Steward was not restarted for it.
    setFault(vault, "none");
    QTRY_VERIFY_WITH_TIMEOUT(at(admin.get(QStringLiteral("/readyz")).body, "/ready") == json(true),
                             RefreshDeadlineMs);
    QVERIFY(steward->isRunning());
    QVERIFY(steward->waitFor(Ready));
    QVERIFY(servicePage(admin, QStringLiteral("api")).contains(listed(FirstPassword)));
    QCOMPARE(keep(steward->terminate()).code, 0);
}

void tst_VaultHeadless::refreshNowFromStewardctl()
{
    FakeVault vault(vaultConfig());
    // No refresh of its own for an hour: only the command can bring a new value in.
    const QString manifest = newBundle(3600);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    auto steward = start(manifest, data, vault.url());
    QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
    const AdminClient admin(data);
    const qint64 api = servicePid(steward->pid(), QStringLiteral("api"));
    QVERIFY(api > 0);

    QCOMPARE(rotate(vault, RotatedPassword), 2);
    const QStringList refresh {QStringLiteral("secrets"), QStringLiteral("refresh")};
    CommandOutcome r
        = keep(stewardctl(data, refresh + QStringList {QStringLiteral("db_password")}));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("db_password: changed (version 2); restarting api")),
             qPrintable(r.out));
    QTRY_VERIFY_WITH_TIMEOUT(
        servicePage(admin, QStringLiteral("api")).contains(listed(RotatedPassword)), 15000);
    QVERIFY(!test::isAlive(api));

    r = keep(stewardctl(data, refresh + QStringList {QStringLiteral("db_password")}));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("db_password: unchanged (version 2)")),
             qPrintable(r.out));
    r = keep(stewardctl(data, refresh));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("db_password: unchanged (version 2)")),
             qPrintable(r.out));

    r = keep(stewardctl(data, refresh + QStringList {QStringLiteral("nosuch")}));
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("nosuch")), qPrintable(r.err));

    setFault(vault, "sealed");
    r = keep(stewardctl(data, refresh + QStringList {QStringLiteral("db_password")}));
    QCOMPARE(r.code, 1);
    // Failures go to stderr, like every stewardctl error.
    QVERIFY2(r.err.contains(QLatin1String("db_password: failed: "))
                 && r.err.contains(QLatin1String("Vault is sealed")),
             qPrintable(r.out + r.err));

    // The routes behind the command.
    HttpReply reply = admin.post(QStringLiteral("/secrets/refresh"));
    QCOMPARE(reply.status, 200);
    QVERIFY2(text(reply.body, "/failed/db_password").contains(QLatin1String("Vault is sealed")),
             reply.raw.constData());
    QVERIFY2(at(reply.body, "/changed") == json::array(), reply.raw.constData());
    QCOMPARE(admin.post(QStringLiteral("/secrets/nosuch/refresh")).status, 404);
    QCOMPARE(admin.post(QStringLiteral("/secrets/session_key/refresh")).status, 400);

    // An hour between refreshes: only the retries after a failed fetch (after 1, 2, 4 s ...)
    // can notice that Vault is back.
    setFault(vault, "none");
    json health;
    auto refreshedOk = [&] {
        health = admin.get(QStringLiteral("/health")).body;
        return at(health, "/last_refresh_ok") == json(true);
    };
    QTRY_VERIFY2_WITH_TIMEOUT(refreshedOk(), shown(health), RefreshDeadlineMs);
    QVERIFY2(text(health, "/remote/db_password/status") == QLatin1String("configured"),
             shown(health));
    QVERIFY2(text(health, "/auth_method") == QLatin1String("token"), shown(health));
    QVERIFY2(at(health, "/token_age_seconds").is_number_integer(), shown(health));
    QVERIFY2(at(health, "/token_ttl_seconds").is_null(), shown(health)); // a token without TTL
    QCOMPARE(keep(steward->terminate()).code, 0);
}

void tst_VaultHeadless::rollbackAtVaultThroughStewardctl()
{
    FakeVault vault(vaultConfig());
    const QString manifest = newBundle(3600);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    auto steward = start(manifest, data, vault.url());
    QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
    const AdminClient admin(data);
    QCOMPARE(rotate(vault, RotatedPassword), 2);
    CommandOutcome r = keep(stewardctl(
        data,
        {QStringLiteral("secrets"), QStringLiteral("refresh"), QStringLiteral("db_password")}));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QTRY_VERIFY_WITH_TIMEOUT(
        servicePage(admin, QStringLiteral("api")).contains(listed(RotatedPassword)), 15000);
    const qint64 web = servicePid(steward->pid(), QStringLiteral("web"));
    qint64 api = servicePid(steward->pid(), QStringLiteral("api"));
    QVERIFY(api > 0 && web > 0);

    // Vault's own versions, newest first: what a rollback names.
    const QStringList history {QStringLiteral("secrets"), QStringLiteral("history"),
                               QStringLiteral("db_password")};
    r = keep(stewardctl(data, history));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const qsizetype remote = r.out.indexOf(QLatin1String("Versions in the remote store"));
    QVERIFY2(remote > 0, qPrintable(r.out));
    const qsizetype v2 = r.out.indexOf(QLatin1String("v2     current"), remote);
    QVERIFY2(v2 > 0 && r.out.indexOf(QLatin1String("v1            "), v2) > v2, qPrintable(r.out));

    // The dry run names what would change and restart, and changes nothing, in Vault either.
    const QStringList rollback {QStringLiteral("secrets"), QStringLiteral("rollback"),
                                QStringLiteral("db_password"), QStringLiteral("--to"),
                                QStringLiteral("1")};
    r = keep(stewardctl(data, rollback + QStringList {QStringLiteral("--dry-run")}));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("db_password would be rolled back to version 1; these "
                                          "services would restart: api (dry run")),
             qPrintable(r.out));
    HttpReply h = admin.get(QStringLiteral("/secrets/db_password/history"));
    QCOMPARE(at(h.body, "/source_versions").size(), 2u);
    QVERIFY2(at(h.body, "/source_versions/1/current") == json(true), h.raw.constData());
    QCOMPARE(servicePid(steward->pid(), QStringLiteral("api")), api);

    // The rollback: Vault writes version 1's data as version 3; only the consumer restarts.
    r = keep(stewardctl(data, rollback));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY2(r.out.contains(QLatin1String("db_password rolled back to version 1; services "
                                          "affected: api")),
             qPrintable(r.out));
    QTRY_VERIFY_WITH_TIMEOUT(
        servicePage(admin, QStringLiteral("api")).contains(listed(FirstPassword)), 15000);
    QVERIFY(!test::isAlive(api));
    QCOMPARE(servicePid(steward->pid(), QStringLiteral("web")), web);
    h = admin.get(QStringLiteral("/secrets/db_password/history"));
    QVERIFY2(at(h.body, "/source_versions").size() == 3
                 && at(h.body, "/source_versions/2/current") == json(true)
                 && at(h.body, "/source_version") == json(3),
             h.raw.constData());
    const json local = at(h.body, "/versions");
    QVERIFY2(!local.empty() && text(local.back(), "/source") == QLatin1String("rollback")
                 && text(local.back(), "/actor") == QLatin1String("stewardctl"),
             h.raw.constData());
    bool audited = false;
    for (const json &e :
         at(admin.get(QStringLiteral("/audit?secret=db_password")).body, "/entries"))
        audited = audited || text(e, "/action") == QLatin1String("rolled_back");
    QVERIFY(audited);

    // A token whose policy may read but not write there: Vault refuses, and stewardctl says so.
    api = servicePid(steward->pid(), QStringLiteral("api"));
    vault.control(QStringLiteral("fault"),
                  {{"mode", "forbidden"},
                   {"path_prefix", "secret/data/"},
                   {"methods", json::array({"POST", "PUT"})}});
    r = keep(
        stewardctl(data,
                   {QStringLiteral("secrets"), QStringLiteral("rollback"),
                    QStringLiteral("db_password"), QStringLiteral("--to"), QStringLiteral("2")}));
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("permission denied by Vault")), qPrintable(r.err));
    QCOMPARE(servicePid(steward->pid(), QStringLiteral("api")), api);
    // A version Vault does not keep.
    vault.control(QStringLiteral("fault"), {{"mode", "none"}});
    r = keep(
        stewardctl(data,
                   {QStringLiteral("secrets"), QStringLiteral("rollback"),
                    QStringLiteral("db_password"), QStringLiteral("--to"), QStringLiteral("9")}));
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("Vault keeps no version 9")), qPrintable(r.err));
    QCOMPARE(keep(steward->terminate()).code, 0);
}

void tst_VaultHeadless::tokenEnteredByThePerson()
{
    FakeVault vault(vaultConfig());
    const QString manifest = newBundle(3600, true);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    // The prompted secrets, the Vault token among them, come through stewardctl, as a script
    // or the Settings dialog would give them.
    auto steward = start(manifest, data, vault.url(), Prompt::VaultToken);
    const AdminClient admin(data);
    QVERIFY2(steward->waitFor(QStringLiteral("api: waiting - waiting for secrets: ")),
             qPrintable(steward->out() + steward->err()));
    json health = admin.get(QStringLiteral("/health")).body;
    QVERIFY2(text(health, "/remote/db_password/last_error")
                 .contains(QLatin1String("no Vault token: waiting for vault_token")),
             shown(health));
    QVERIFY2(at(health, "/token_age_seconds").is_null(), shown(health));

    const QStringList set {QStringLiteral("secrets"), QStringLiteral("set")};
    CommandOutcome r = keep(test::runStewardctl(
        set + QStringList {QStringLiteral("api_token"), QStringLiteral("--app-data"), data},
        ApiToken));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = keep(test::runStewardctl(
        set + QStringList {QStringLiteral("vault_token"), QStringLiteral("--app-data"), data},
        VaultToken));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    // The new token logs in and fetches at once, without waiting for the hourly refresh.
    QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
    QVERIFY(servicePage(admin, QStringLiteral("api")).contains(listed(FirstPassword)));
    health = admin.get(QStringLiteral("/health")).body;
    QVERIFY2(at(health, "/last_refresh_ok") == json(true), shown(health));
    QCOMPARE(keep(steward->terminate()).code, 0);
}

void tst_VaultHeadless::noSecretValueLeaks()
{
    // Its own runs, through every way a value moves: the first fetch, a rotation brought in on
    // request, Vault sealed while the app runs, a start on the kept value while it is still
    // sealed, and a Vault token a person enters.
    FakeVault vault(vaultConfig());
    QVERIFY(vault.url().isValid());
    const QString manifest = newBundle(5);
    QVERIFY(!manifest.isEmpty());
    const QString data = newAppData();
    const QStringList refresh {QStringLiteral("secrets"), QStringLiteral("refresh"),
                               QStringLiteral("db_password")};
    {
        auto steward = start(manifest, data, vault.url());
        QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
        const AdminClient admin(data);
        QCOMPARE(rotate(vault, RotatedPassword), 2);
        const CommandOutcome r = keep(stewardctl(data, refresh));
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QTRY_VERIFY_WITH_TIMEOUT(
            servicePage(admin, QStringLiteral("api")).contains(listed(RotatedPassword)), 15000);
        setFault(vault, "sealed");
        QCOMPARE(keep(stewardctl(data, refresh)).code, 1);
        QCOMPARE(keep(stewardctl(data, {QStringLiteral("status")})).code, 0);
        // What the control API tells its admin, too.
        for (const char *path : {"/secrets", "/health", "/readyz", "/status"})
            m_printed << QString::fromUtf8(admin.get(QString::fromLatin1(path)).raw);
        QCOMPARE(keep(stewardctl(data, {QStringLiteral("shutdown")})).code, 0);
        QCOMPARE(keep(steward->finish()).code, 0);
    }
    {
        auto steward = start(manifest, data, vault.url(), Prompt::Nothing);
        QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
        QCOMPARE(keep(steward->terminate()).code, 0);
    }
    setFault(vault, "none");
    {
        const QString tokenBundle = newBundle(3600, true);
        QVERIFY(!tokenBundle.isEmpty());
        const QString tokenData = newAppData();
        auto steward = start(tokenBundle, tokenData, vault.url(), Prompt::VaultToken);
        QVERIFY2(steward->waitFor(QStringLiteral("api: waiting - waiting for secrets: ")),
                 qPrintable(steward->out() + steward->err()));
        const QStringList set {QStringLiteral("secrets"), QStringLiteral("set")};
        for (const auto &[id, value] : {std::pair {QStringLiteral("api_token"), ApiToken},
                                        std::pair {QStringLiteral("vault_token"), VaultToken}}) {
            const CommandOutcome r = keep(test::runStewardctl(
                set + QStringList {id, QStringLiteral("--app-data"), tokenData}, value));
            QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        }
        QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
        QCOMPARE(keep(steward->terminate()).code, 0);
    }

    QVERIFY(!m_printed.isEmpty());
    int serviceLogs = 0;
    verifyNoValueLeaked(&serviceLogs);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(serviceLogs > 0);
}

void tst_VaultHeadless::deploymentEnvAndFilesNeverLeak()
{
    // A deployment's .env and config files (issue 18): /health, plan, the console, errors and
    // every file outside the secrets folder name keys and files, never what is in them, through
    // the first fetch, a rotation and a malformed update.
    FakeVault vault(vaultConfig());
    QVERIFY(vault.url().isValid());
    writeLedger(vault, ledgerData(SmtpPassword, ConfigContent));
    const QString manifest = newBundle(3600);
    QVERIFY(!manifest.isEmpty());
    QVERIFY(test::addDeploymentSecrets(manifest));
    const QString data = newAppData();
    const CommandOutcome plan = keep(test::runStewardctl({QStringLiteral("plan"), manifest}));
    QVERIFY2(plan.code == 0, qPrintable(plan.out + plan.err));
    // What the bundle expects: the .env's keys, and the folder of config files.
    QVERIFY2(plan.out.contains(QLatin1String("SMTP_* (secret deploy_env)")), qPrintable(plan.out));
    QVERIFY2(plan.out.contains(QLatin1String("config/ (secret deploy_configs, mode each file's "
                                             "file_mode)")),
             qPrintable(plan.out));

    auto steward = start(manifest, data, vault.url());
    QVERIFY2(steward->waitFor(Ready), qPrintable(steward->out() + steward->err()));
    const AdminClient admin(data);
    // The api service got the SMTP_ keys (and only those) as variables, and its config folder.
    const qint64 api = servicePid(steward->pid(), QStringLiteral("api"));
    QVERIFY(api > 0);
    QCOMPARE(variable(api, "SMTP_PASSWORD").value_or(QByteArray()), SmtpPassword);
    QVERIFY(!variable(api, "DB_URL"));
    const QByteArray folder = variable(api, "STEWARD_SECRET_DIR_DEPLOY_CONFIGS").value_or("");
    QVERIFY(!folder.isEmpty());
    QVERIFY(
        readFile(QString::fromUtf8(folder) + QStringLiteral("/app.yaml")).contains(ConfigContent));

    json health = admin.get(QStringLiteral("/health")).body;
    QCOMPARE(test::dumped(at(health, "/remote/deploy_env/keys")),
             test::dumped(json::array({"SMTP_HOST", "SMTP_PASSWORD", "SMTP_USER"})));
    QCOMPARE(test::dumped(at(health, "/remote/deploy_configs/files")),
             test::dumped(json::array({"app.yaml", "settings.ini"})));
    m_printed << QString::fromUtf8(shown(health));

    // A rotation of one key and one file: /health names them.
    writeLedger(vault, ledgerData(RotatedSmtpPassword, RotatedConfigContent));
    const QStringList refresh {QStringLiteral("secrets"), QStringLiteral("refresh")};
    CommandOutcome r = keep(stewardctl(data, refresh));
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    health = admin.get(QStringLiteral("/health")).body;
    QCOMPARE(test::dumped(at(health, "/remote/deploy_env/changed")),
             test::dumped(json::array({"SMTP_PASSWORD"})));
    QCOMPARE(test::dumped(at(health, "/remote/deploy_configs/changed")),
             test::dumped(json::array({"app.yaml"})));
    QTRY_VERIFY_WITH_TIMEOUT(
        variable(servicePid(steward->pid(), QStringLiteral("api")), "SMTP_PASSWORD")
            == std::optional<QByteArray>(RotatedSmtpPassword),
        15000);

    // A malformed .env is refused by line; the last good one stays.
    json bad = ledgerData(RotatedSmtpPassword, RotatedConfigContent);
    bad["ledger_env"]
        = "SMTP_HOST=smtp.example.com\nSMTP_PASSWORD " + MalformedValue.toStdString() + "\n";
    writeLedger(vault, bad);
    r = keep(stewardctl(data, refresh));
    QCOMPARE(r.code, 1);
    QVERIFY2(r.err.contains(QLatin1String("line 2")) || r.out.contains(QLatin1String("line 2")),
             qPrintable(r.out + r.err));
    QCOMPARE(variable(servicePid(steward->pid(), QStringLiteral("api")), "SMTP_PASSWORD")
                 .value_or(QByteArray()),
             RotatedSmtpPassword);
    for (const char *path : {"/secrets", "/health", "/readyz", "/status"})
        m_printed << QString::fromUtf8(admin.get(QString::fromLatin1(path)).raw);
    keep(stewardctl(data, {QStringLiteral("status")}));
    keep(stewardctl(
        data,
        {QStringLiteral("secrets"), QStringLiteral("history"), QStringLiteral("deploy_env")}));
    QCOMPARE(keep(steward->terminate()).code, 0);
    // The config files went with the service's secrets folder.
    QVERIFY(!QFileInfo::exists(QString::fromUtf8(folder)));

    int serviceLogs = 0;
    verifyNoValueLeaked(&serviceLogs);
    if (QTest::currentTestFailed())
        return;
    QVERIFY(serviceLogs > 0);
}

void tst_VaultHeadless::cleanup()
{
    verifyNoValueLeaked();
    m_bundles.clear();
}

void tst_VaultHeadless::verifyNoValueLeaked(int *serviceLogs)
{
    const QStringList printed = std::exchange(m_printed, {});
    const std::vector<std::unique_ptr<QTemporaryDir>> dirs = std::exchange(m_appData, {});
    const QList<std::pair<const char *, QByteArray>> secrets {
        {"the first Vault value", FirstPassword},
        {"the rotated Vault value", RotatedPassword},
        {"the Vault token", VaultToken},
        {"a deployment's .env value", SmtpPassword},
        {"a rotated .env value", RotatedSmtpPassword},
        {"a config file's content", ConfigContent},
        {"a rotated config file's content", RotatedConfigContent},
        {"a value on a malformed .env line", MalformedValue}};
    // Everything steward and stewardctl printed.
    for (const QString &out : printed) {
        for (const auto &[what, value] : secrets)
            QVERIFY2(!out.contains(QString::fromLatin1(value)), what);
    }
    // Every file in the app data dirs: state, steward's log, the services' logs, telemetry. The
    // values live in the keychain, which is elsewhere.
    for (const auto &dir : dirs) {
        QDirIterator it(dir->path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            const QByteArray content = readFile(file);
            for (const auto &[what, value] : secrets)
                QVERIFY2(!content.contains(value),
                         qPrintable(QStringLiteral("%1 in %2").arg(QLatin1String(what), file)));
            if (serviceLogs && file.endsWith(QLatin1String("/logs/api/api.log")))
                ++*serviceLogs;
        }
    }
}

QTEST_GUILESS_MAIN(tst_VaultHeadless)
#include "tst_vaultheadless.moc"
