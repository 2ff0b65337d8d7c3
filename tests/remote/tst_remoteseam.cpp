// The remote provider seam, end to end: a provider that exists only in the tests (canned/),
// registered with one line, takes a secret through the real runtime: the manifest loader asks
// it about its blocks, the keeper routes the secret to it, the refresher fetches again on its
// interval and after its auth secret changes, the consumer restarts with the new value, and
// /health shows the provider's own fields.

#include "TestPaths.h"
#include "canned/CannedProvider.h"
#include "manifest/ManifestLoader.h"
#include "process/Supervisor.h"
#include "remote/RemoteProviderRegistry.h"
#include "runtime/StewardRuntime.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"
#include "vault/VaultBundle.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using json = nlohmann::json;

namespace {

// The Vault test bundle with db_password from the canned provider instead, and canned_token, a
// prompted secret, as what that provider authenticates with.
QString writeCannedBundle(const QString &dir)
{
    const QString path = test::writeVaultBundle(dir, 60);
    QFile f(path);
    if (path.isEmpty() || !f.open(QIODevice::ReadOnly))
        return {};
    json m = json::parse(f.readAll().toStdString());
    f.close();
    for (json &secret : m["secrets"]) {
        if (secret["id"] == "db_password")
            secret["source"] = {{"provider", "canned"}, {"name", "db"}};
    }
    m["secrets"].push_back({{"id", "canned_token"},
                            {"class", "user_prompt"},
                            {"prompt", {{"label", "Canned token"}}},
                            {"target", {{"type", "env"}, {"name", "UNUSED_CANNED_TOKEN"}}}});
    m["remote"] = {{"canned", {{"refresh_interval_s", 1}, {"auth_secret", "canned_token"}}}};
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || f.write(QByteArray::fromStdString(m.dump(2))) < 0)
        return {};
    return path;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray();
}

} // namespace

class tst_RemoteSeam : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void testProviderEndToEnd();
    void unknownProviderIsAManifestError();
};

void tst_RemoteSeam::testProviderEndToEnd()
{
    auto store = std::make_shared<test::CannedValues>();
    store->set(QStringLiteral("db"), "canned-first-value-41");
    RemoteProviderRegistry registry = RemoteProviderRegistry::builtIn();
    registry.add(std::make_shared<test::CannedProviderFactory>(store)); // the registration line

    QTemporaryDir bundle, appData;
    RuntimeOptions options;
    options.manifestPath = writeCannedBundle(bundle.path());
    QVERIFY(!options.manifestPath.isEmpty());
    options.appDataDir = appData.path();
    options.remoteProviders = &registry;
    options.keychainFactory = [](const QString &, const QString &) {
        return std::make_unique<MemoryStore>();
    };
    QString outText, errText;
    QTextStream out(&outText), err(&errText);
    StewardRuntime runtime(options, out, err);
    QCOMPARE(runtime.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(runtime.keeper(), 20000);
    SecretKeeper *keeper = runtime.keeper();
    const QString id = QStringLiteral("db_password");

    // No credentials yet: the provider refuses, and the consumer waits.
    QTRY_VERIFY_WITH_TIMEOUT(keeper->lastRefresh(), 20000);
    QVERIFY(!keeper->value(id));
    QVERIFY(keeper->lastRefresh()->failed.value(id).contains(QLatin1String("canned_token")));

    // The credential arrives: the refresher resets the provider's auth and fetches at once.
    bool stored = false;
    keeper->provide({{QStringLiteral("canned_token"), QStringLiteral("tok")},
                     {QStringLiteral("api_token"), QStringLiteral("wx_0123456789abcdefghij")}},
                    this, [&stored](const SecretKeeper::ChangeResult &r) { stored = r.ok; });
    QTRY_VERIFY_WITH_TIMEOUT(stored, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(keeper->value(id).value_or(QByteArray()),
                              QByteArray("canned-first-value-41"), 20000);
    QCOMPARE(store->resets, 1);
    QTRY_VERIFY_WITH_TIMEOUT(runtime.supervisor(), 20000);
    QTRY_VERIFY2_WITH_TIMEOUT(runtime.supervisor()->service(QStringLiteral("api"))
                                  && runtime.supervisor()->service(QStringLiteral("api"))->state()
                                      == ManagedService::State::Ready,
                              qPrintable(outText + errText), 30000);
    const qint64 firstPid = runtime.supervisor()->service(QStringLiteral("api"))->pid();

    // A rotation at the store: the refresher's next fetch (1 s) brings it, and api restarts.
    QSignalSpy changed(keeper, &SecretKeeper::secretsChanged);
    store->set(QStringLiteral("db"), "canned-second-value-42");
    QTRY_COMPARE_WITH_TIMEOUT(keeper->value(id).value_or(QByteArray()),
                              QByteArray("canned-second-value-42"), 20000);
    QVERIFY(changed.count() >= 1);
    QVERIFY(changed.first().first().toStringList().contains(id));
    QTRY_VERIFY_WITH_TIMEOUT(runtime.supervisor()->service(QStringLiteral("api"))->pid() != firstPid
                                 && runtime.supervisor()->service(QStringLiteral("api"))->state()
                                     == ManagedService::State::Ready,
                             30000);
    QCOMPARE(keeper->freshness(id)->version, 2);

    // /health: the provider's own fields and where the secret comes from; no value.
    const QByteArray token = readFile(appData.path() + QStringLiteral("/runtime/auth-token"));
    const QByteArray port = readFile(appData.path() + QStringLiteral("/runtime/ipc_port"));
    QVERIFY(!token.isEmpty() && !port.isEmpty());
    QNetworkAccessManager nam;
    QNetworkRequest request(
        QUrl(QStringLiteral("http://127.0.0.1:%1/health").arg(QString::fromLatin1(port))));
    request.setRawHeader("Authorization", "Bearer " + token);
    QNetworkReply *reply = nam.get(request);
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000);
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    const json health = json::parse(body.toStdString(), nullptr, false);
    QVERIFY2(health.is_object(), body.constData());
    QCOMPARE(health.value("canned_resets", -1), 1);
    QCOMPARE(health["remote"]["db_password"].value("source", ""), "canned db");
    QVERIFY(!body.contains("canned-second-value-42"));
    QVERIFY(!body.contains("canned-first-value-41"));

    bool stopped = false;
    connect(&runtime, &StewardRuntime::exitRequested, this, [&stopped] { stopped = true; });
    runtime.requestShutdown();
    QTRY_VERIFY_WITH_TIMEOUT(stopped, 20000);
    QVERIFY(!outText.contains(QLatin1String("canned-second-value-42")));
}

void tst_RemoteSeam::unknownProviderIsAManifestError()
{
    // Without the registration line the same bundle names a provider nobody knows.
    QTemporaryDir bundle;
    const QString path = writeCannedBundle(bundle.path());
    QVERIFY(!path.isEmpty());
    const ManifestLoadResult r = ManifestLoader::loadFile(path, &RemoteProviderRegistry::builtIn());
    QVERIFY(!r.valid());
    bool named = false;
    for (const Diagnostic &d : r.diagnostics)
        named = named
            || (d.isError() && d.path.endsWith(QLatin1String("/source/provider"))
                && d.message.contains(QLatin1String("canned")));
    QVERIFY(named);
}

QTEST_GUILESS_MAIN(tst_RemoteSeam)

#include "tst_remoteseam.moc"
