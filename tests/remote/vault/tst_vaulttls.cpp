#include "FakeVault.h"
#include "TestPrinters.h"
#include "VaultTestData.h"
#include "remote/vault/VaultClient.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace steward;
using json = nlohmann::json;
using Kind = SecretStore::ErrorKind;
using test::FakeVault;
using test::Read;

namespace {

const QByteArray Token = "steward-tls-test-token";
const QByteArray Value = "db-pass-over-tls-0123456789";
const QString SecretPath = QStringLiteral("steward/default/hello-steward/db");

json config()
{
    return {{"mounts", {{"secret", 2}}},
            {"secrets",
             json::array({{{"mount", "secret"},
                           {"path", SecretPath.toStdString()},
                           {"data", {{"password", Value.toStdString()}}}}})},
            {"tokens", json::array({{{"id", Token.toStdString()}, {"ttl", 0}}})}};
}

// Extensions for `openssl req -config`. Neither server certificate's CN is a host name, so
// only its subjectAltName can match (Qt also compares the CN with the host name).
const QByteArray OpensslConfig = R"([req]
distinguished_name = dn
[dn]
[ca]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1,DNS:localhost
[ip_only]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
)";

// Runs openssl in `dir`: an empty string when it succeeded, else what went wrong.
QString runOpenssl(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("openssl"), args);
    const bool finished = p.waitForFinished(30000);
    if (finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0)
        return {};
    return QStringLiteral("openssl %1: %2 %3")
        .arg(args.join(QLatin1Char(' ')),
             finished ? QStringLiteral("exit code %1").arg(p.exitCode()) : p.errorString(),
             QString::fromLocal8Bit(p.readAllStandardError()));
}

// A P-256 key <name>.key and its certificate <name>.pem with the `extensions` of openssl.cnf,
// signed by <signer>.pem (self-signed without a signer).
struct Certificate
{
    QString name;
    QString extensions;
    QString signer;
};

QString makeCertificate(const QString &dir, const Certificate &c)
{
    QStringList args = QStringLiteral("req -x509 -config openssl.cnf -noenc -days 2 -newkey ec "
                                      "-pkeyopt ec_paramgen_curve:prime256v1")
                           .split(QLatin1Char(' '));
    args << QStringLiteral("-extensions") << c.extensions << QStringLiteral("-subj")
         << QStringLiteral("/CN=Steward test ") + c.name << QStringLiteral("-keyout")
         << c.name + QStringLiteral(".key") << QStringLiteral("-out")
         << c.name + QStringLiteral(".pem");
    if (!c.signer.isEmpty())
        args << QStringLiteral("-CA") << c.signer + QStringLiteral(".pem")
             << QStringLiteral("-CAkey") << c.signer + QStringLiteral(".key");
    return runOpenssl(dir, args);
}

// The test's secret, read through `client`.
Read readNow(VaultClient &client)
{
    return test::readNow(client, QStringLiteral("secret"), SecretPath, QStringLiteral("password"),
                         2);
}

QUrl withHost(QUrl url, const QString &host)
{
    url.setHost(host);
    return url;
}

} // namespace

// VaultClient over HTTPS against fake_vault.py with certificates made by openssl for the test.
class tst_VaultTls : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void readsThroughVerifiedTls_data();
    void readsThroughVerifiedTls();
    void unverifiedServerIsRefused_data();
    void unverifiedServerIsRefused();
    void caFileWithoutPemCertificateIsRefused_data();
    void caFileWithoutPemCertificateIsRefused();

private:
    QString file(const QString &name) const { return m_dir.filePath(name); }
    QStringList tlsArgs(const QString &server) const
    {
        return {QStringLiteral("--tls-cert"), file(server + QStringLiteral(".pem")),
                QStringLiteral("--tls-key"), file(server + QStringLiteral(".key"))};
    }

    QTemporaryDir m_dir;
};

void tst_VaultTls::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile cnf(file(QStringLiteral("openssl.cnf")));
    QVERIFY(cnf.open(QIODevice::WriteOnly));
    QVERIFY(cnf.write(OpensslConfig) == OpensslConfig.size());
    cnf.close();

    const QList<Certificate> certificates = {
        // The test CA, and an unrelated one that signs nothing here.
        {QStringLiteral("ca"), QStringLiteral("ca"), {}},
        {QStringLiteral("other-ca"), QStringLiteral("ca"), {}},
        // Signed by the test CA: for 127.0.0.1 and localhost, and for 127.0.0.1 alone.
        {QStringLiteral("server"), QStringLiteral("server"), QStringLiteral("ca")},
        {QStringLiteral("ip_only"), QStringLiteral("ip_only"), QStringLiteral("ca")},
    };
    for (const Certificate &c : certificates) {
        const QString error = makeCertificate(m_dir.path(), c);
        QVERIFY2(error.isEmpty(), qPrintable(error));
    }
    // The test CA in DER, which is not PEM.
    const QString error
        = runOpenssl(m_dir.path(),
                     {QStringLiteral("x509"), QStringLiteral("-in"), QStringLiteral("ca.pem"),
                      QStringLiteral("-outform"), QStringLiteral("DER"), QStringLiteral("-out"),
                      QStringLiteral("ca.der")});
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

void tst_VaultTls::readsThroughVerifiedTls_data()
{
    QTest::addColumn<QString>("host");
    QTest::newRow("127.0.0.1 (subjectAltName IP)") << QStringLiteral("127.0.0.1");
    QTest::newRow("localhost (subjectAltName DNS)") << QStringLiteral("localhost");
}

void tst_VaultTls::readsThroughVerifiedTls()
{
    QFETCH(QString, host);
    FakeVault vault(config(), tlsArgs(QStringLiteral("server")), file(QStringLiteral("ca.pem")));
    QVERIFY2(vault.url().scheme() == QLatin1String("https"), qPrintable(vault.url().toString()));

    VaultClient client({withHost(vault.url(), host), {}, file(QStringLiteral("ca.pem")), 5000});
    const Status st = client.init();
    QVERIFY2(st.ok(), qPrintable(st.error()));
    client.setToken(Token);
    const Read r = readNow(client);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(r.value.value, Value);
    QCOMPARE(r.value.version, 1);

    const json log = vault.control(QStringLiteral("requests"), nullptr);
    QVERIFY2(log.is_object() && log["requests"].is_array(), qPrintable(test::dumped(log)));
    QCOMPARE(log["requests"].size(), std::size_t(1));
    QCOMPARE(test::dumped(log["requests"][0]["path"]),
             test::dumped("/v1/secret/data/" + SecretPath.toStdString()));
    QCOMPARE(test::dumped(log["requests"][0]["token"]), test::dumped(true));
}

void tst_VaultTls::unverifiedServerIsRefused_data()
{
    QTest::addColumn<QString>("caFile");
    QTest::addColumn<QString>("server");
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("reason"); // Qt's QSslError text, so each row fails for its own cause
    const QString unknownIssuer = QStringLiteral("issuer certificate");
    QTest::newRow("no CA file: the system CAs only")
        << QString() << QStringLiteral("server") << QStringLiteral("127.0.0.1") << unknownIssuer;
    QTest::newRow("an unrelated CA") << QStringLiteral("other-ca.pem") << QStringLiteral("server")
                                     << QStringLiteral("127.0.0.1") << unknownIssuer;
    QTest::newRow("the host name is not in the certificate")
        << QStringLiteral("ca.pem") << QStringLiteral("ip_only") << QStringLiteral("localhost")
        << QStringLiteral("host name did not match");
}

void tst_VaultTls::unverifiedServerIsRefused()
{
    QFETCH(QString, caFile);
    QFETCH(QString, server);
    QFETCH(QString, host);
    QFETCH(QString, reason);
    FakeVault vault(config(), tlsArgs(server), file(QStringLiteral("ca.pem")));
    QVERIFY2(vault.url().scheme() == QLatin1String("https"), qPrintable(vault.url().toString()));

    VaultClient client(
        {withHost(vault.url(), host), {}, caFile.isEmpty() ? QString() : file(caFile), 5000});
    const Status st = client.init();
    QVERIFY2(st.ok(), qPrintable(st.error()));
    client.setToken(Token);
    const Read r = readNow(client);
    QVERIFY2(!r.error.ok(), "read a secret from a server whose certificate was not verified");
    // Like an outage, not a refusal: no new login is tried, a last-known-good value stays.
    QCOMPARE(r.error.kind, Kind::NoBackend);
    QVERIFY2(r.error.message.startsWith(
                 QLatin1String("db_password (vault secret/data/steward/default/hello-steward/"
                               "db#password): no trusted TLS connection to Vault: ")),
             qPrintable(r.error.message));
    QVERIFY2(r.error.message.contains(reason), qPrintable(r.error.message));
    QVERIFY2(!r.error.message.contains(QLatin1String(Token)), qPrintable(r.error.message));
    QVERIFY2(!r.error.message.contains(QLatin1String(Value)), qPrintable(r.error.message));
    QVERIFY(r.value.value.isEmpty());

    // Refused at the handshake: no request, and so no token, ever reached the server.
    const json log = vault.control(QStringLiteral("requests"), nullptr);
    QVERIFY2(log.is_object() && log["requests"].is_array(), qPrintable(test::dumped(log)));
    QCOMPARE(test::dumped(log["requests"]), test::dumped(json::array()));
}

void tst_VaultTls::caFileWithoutPemCertificateIsRefused_data()
{
    // tst_vaultclient covers a CA file that does not exist; these exist but hold no PEM
    // certificate, which must not leave the client on the system CAs alone.
    QTest::addColumn<QString>("caFile");
    QTest::newRow("the CA's private key") << QStringLiteral("ca.key");
    QTest::newRow("the CA certificate in DER") << QStringLiteral("ca.der");
    QTest::newRow("the openssl config (text, no certificate)") << QStringLiteral("openssl.cnf");
}

void tst_VaultTls::caFileWithoutPemCertificateIsRefused()
{
    QFETCH(QString, caFile);
    const QString path = file(caFile);
    QVERIFY(QFile::exists(path));
    VaultClient client({QUrl(QStringLiteral("https://127.0.0.1:8200")), {}, path, 5000});
    const Status st = client.init();
    QVERIFY(!st.ok());
    QVERIFY2(st.error().contains(path), qPrintable(st.error()));
    QVERIFY2(!st.error().contains(QLatin1String("PRIVATE KEY")), qPrintable(st.error()));
}

QTEST_GUILESS_MAIN(tst_VaultTls)
#include "tst_vaulttls.moc"
