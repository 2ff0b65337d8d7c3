// VaultClient against the test Vault (a real child process on a real socket): KV v2 and v1
// reads, Vault's errors named by secret and path, the namespace header, bad addresses.

#include "FakeVault.h"
#include "TestPrinters.h"
#include "VaultTestData.h"
#include "remote/vault/VaultClient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace steward;
using json = nlohmann::json;
using Kind = SecretStore::ErrorKind;
using test::FakeVault;
using test::Read;
using test::readNow;
using test::standardConfig;
using test::Token;

class tst_VaultClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsKvV2AndV1();
    void errorsNameTheSecretAndPath();
    void namespaceHeaderIsSent();
    void badAddressOrCaFileIsRefused();
};

void tst_VaultClient::readsKvV2AndV1()
{
    FakeVault vault(standardConfig());
    QVERIFY(vault.url().isValid());
    VaultClient client({vault.url(), {}, {}, 5000});
    QVERIFY(client.init().ok());
    client.setToken(Token);
    Read r = readNow(client, QStringLiteral("secret"),
                     QStringLiteral("steward/default/hello-steward/db"), QStringLiteral("password"),
                     2);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(r.value.value, QByteArray("db-pass-0123456789"));
    QCOMPARE(r.value.version, 1);
    // A rotation is a new version.
    vault.control(QStringLiteral("secret"),
                  {{"mount", "secret"},
                   {"path", "steward/default/hello-steward/db"},
                   {"data", {{"password", "db-pass-rotated-0001"}}}});
    r = readNow(client, QStringLiteral("secret"),
                QStringLiteral("steward/default/hello-steward/db"), QStringLiteral("password"), 2);
    QCOMPARE(r.value.value, QByteArray("db-pass-rotated-0001"));
    QCOMPARE(r.value.version, 2);
    r = readNow(client, QStringLiteral("kv"), QStringLiteral("legacy"), QStringLiteral("key"), 1);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(r.value.value, QByteArray("legacy-value-42"));
}

void tst_VaultClient::errorsNameTheSecretAndPath()
{
    FakeVault vault(standardConfig());
    VaultClient client({vault.url(), {}, {}, 5000});
    QVERIFY(client.init().ok());
    client.setToken("not-a-token");
    const QString path = QStringLiteral("steward/default/hello-steward/db");
    Read r = readNow(client, QStringLiteral("secret"), path, QStringLiteral("password"), 2);
    QCOMPARE(r.error.kind, Kind::Denied);
    QVERIFY2(r.error.message.contains(QLatin1String("db_password (vault secret/data/steward/"
                                                    "default/hello-steward/db#password)")),
             qPrintable(r.error.message));
    QVERIFY(r.error.message.contains(QLatin1String("permission denied")));
    QVERIFY(!r.error.message.contains(QLatin1String("not-a-token")));

    client.setToken(Token);
    r = readNow(client, QStringLiteral("secret"), QStringLiteral("nothing/here"),
                QStringLiteral("password"), 2);
    QCOMPARE(r.error.kind, Kind::NotFound);
    r = readNow(client, QStringLiteral("secret"), path, QStringLiteral("username"), 2);
    QCOMPARE(r.error.kind, Kind::NotFound);
    QVERIFY(r.error.message.contains(QLatin1String("no key \"username\"")));

    vault.control(QStringLiteral("fault"), {{"mode", "sealed"}});
    r = readNow(client, QStringLiteral("secret"), path, QStringLiteral("password"), 2);
    QCOMPARE(r.error.kind, Kind::NoBackend);
    QVERIFY2(r.error.message.contains(QLatin1String("Vault is sealed")),
             qPrintable(r.error.message));
    vault.control(QStringLiteral("fault"), {{"mode", "rate_limited"}});
    r = readNow(client, QStringLiteral("secret"), path, QStringLiteral("password"), 2);
    QVERIFY(r.error.message.contains(QLatin1String("rate limiting")));
    vault.control(QStringLiteral("fault"), {{"mode", "drop"}});
    r = readNow(client, QStringLiteral("secret"), path, QStringLiteral("password"), 2);
    QCOMPARE(r.error.kind, Kind::NoBackend);
    vault.control(QStringLiteral("fault"), {{"mode", "slow"}, {"delay_ms", 3000}});
    VaultClient impatient({vault.url(), {}, {}, 300});
    QVERIFY(impatient.init().ok());
    impatient.setToken(Token);
    r = readNow(impatient, QStringLiteral("secret"), path, QStringLiteral("password"), 2);
    QCOMPARE(r.error.kind, Kind::Timeout);
    vault.control(QStringLiteral("fault"), {{"mode", "none"}});
    r = readNow(client, QStringLiteral("secret"), path, QStringLiteral("password"), 2);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message)); // recovered
}

void tst_VaultClient::namespaceHeaderIsSent()
{
    FakeVault vault(standardConfig(QStringLiteral("team-a")));
    VaultClient outside({vault.url(), {}, {}, 5000});
    QVERIFY(outside.init().ok());
    outside.setToken(Token);
    QCOMPARE(readNow(outside, QStringLiteral("secret"),
                     QStringLiteral("steward/default/hello-steward/db"), QStringLiteral("password"),
                     2)
                 .error.kind,
             Kind::Denied);
    VaultClient inside({vault.url(), QStringLiteral("team-a"), {}, 5000});
    QVERIFY(inside.init().ok());
    inside.setToken(Token);
    const Read r = readNow(inside, QStringLiteral("secret"),
                           QStringLiteral("steward/default/hello-steward/db"),
                           QStringLiteral("password"), 2);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(
        QString::fromStdString(
            vault.control(QStringLiteral("state"), nullptr)["last_namespace"].get<std::string>()),
        QStringLiteral("team-a"));
}

void tst_VaultClient::badAddressOrCaFileIsRefused()
{
    VaultClient noScheme({QUrl(QStringLiteral("vault.example:8200")), {}, {}, 5000});
    QVERIFY(!noScheme.init().ok());
    QVERIFY(noScheme.init().error().contains(QLatin1String("not an http(s) URL")));
    VaultClient badCa({QUrl(QStringLiteral("https://vault.example:8200")),
                       {},
                       QStringLiteral("/nonexistent/ca.pem"),
                       5000});
    const Status st = badCa.init();
    QVERIFY(!st.ok());
    QVERIFY(st.error().contains(QLatin1String("/nonexistent/ca.pem")));
}

QTEST_GUILESS_MAIN(tst_VaultClient)
#include "tst_vaultclient.moc"
