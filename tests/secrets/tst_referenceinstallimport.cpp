#include "ManifestBuilder.h"
#include "StoreSync.h"
#include "secrets/InstallState.h"
#include "secrets/KeychainStore.h"
#include "secrets/MemoryStore.h"
#include "secrets/ReferenceInstallImport.h"
#include "secrets/SecretGenerator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using Report = ReferenceInstallImport::Report;
using json = nlohmann::json;

namespace {

const QByteArray OldToken = "old-generated-token-0123456789";
const QByteArray OldKey = "oldpromptedkey";

bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(content) == content.size()
        && f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

// The import of what the Vrooli runtime left for an app: a MemoryStore for the rules, the real
// keychain of the test session for the round trip.
class tst_ReferenceInstallImport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void sourceDirIsTheUserConfigDir();
    void appliesOnlyToAFirstRunWithSomethingToImport();
    void importsBothFileLayouts_data();
    void importsBothFileLayouts();
    void undeclaredBlankAndInfrastructureIdsAreNotStored();
    void migrationsOnly();
    void failuresKeepThePlaintextAndNameIt_data();
    void failuresKeepThePlaintextAndNameIt();
    void anotherValueInTheStoreIsNotOverwritten();
    void theSameValueInTheStoreIsARetry();
    void intoTheRealKeychain();

private:
    Report runImport(SecretStore &store, InstallState &state);

    std::unique_ptr<QTemporaryDir> m_dir;
    Manifest m_manifest;
    QString m_source;
};

void tst_ReferenceInstallImport::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    const ManifestLoadResult loaded = test::ManifestBuilder().load();
    QVERIFY(loaded.valid());
    m_manifest = *loaded.manifest; // secrets: token (generated), api_key (prompted)
    m_source = m_dir->filePath(QStringLiteral("config/demo"));
    QVERIFY(QDir().mkpath(m_source));
}

Report tst_ReferenceInstallImport::runImport(SecretStore &store, InstallState &state)
{
    ReferenceInstallImport import(m_manifest, state, store, m_source);
    std::optional<Report> report;
    import.run([&](const Report &r) { report = r;
});
if (!QTest::qWaitFor([&] { return report.has_value(); }, 30000))
    qFatal("the import did not finish");
return *report;
}

void tst_ReferenceInstallImport::sourceDirIsTheUserConfigDir()
{
    QCOMPARE(ReferenceInstallImport::sourceDirFor(QStringLiteral("My App")),
             QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
                 + QStringLiteral("/My App"));
}

void tst_ReferenceInstallImport::appliesOnlyToAFirstRunWithSomethingToImport()
{
    const QString appData = m_dir->filePath(QStringLiteral("app"));
    Result<InstallState> fresh = InstallState::load(appData);
    QVERIFY(fresh.ok());
    QVERIFY(!ReferenceInstallImport::applies(fresh.value(), m_source)); // nothing there
    QVERIFY(writeFile(m_source + QStringLiteral("/migrations.json"), "{}"));
    QVERIFY(ReferenceInstallImport::applies(fresh.value(), m_source));
    QVERIFY(QFile::remove(m_source + QStringLiteral("/migrations.json")));
    QVERIFY(writeFile(m_source + QStringLiteral("/secrets.json"), "{}"));
    QVERIFY(ReferenceInstallImport::applies(fresh.value(), m_source));

    // A run that stopped before saving any state (a failed import) is tried again...
    Result<InstallState> again = InstallState::load(appData);
    QVERIFY(again.ok() && !again.value().isNewInstall());
    QVERIFY(ReferenceInstallImport::applies(again.value(), m_source));
    // ...but once Steward keeps a state of its own, the old runtime's files are not its business.
    QVERIFY(again.value().save().ok());
    Result<InstallState> later = InstallState::load(appData);
    QVERIFY(later.ok());
    QVERIFY(!ReferenceInstallImport::applies(later.value(), m_source));
}

void tst_ReferenceInstallImport::importsBothFileLayouts_data()
{
    QTest::addColumn<QByteArray>("secretsJson");
    const QByteArray flat = R"({"token":")" + OldToken + R"(","api_key":")" + OldKey + R"("})";
    QTest::newRow("current") << QByteArray(R"({"secrets":)" + flat + "}");
    QTest::newRow("older flat map") << flat;
}

void tst_ReferenceInstallImport::importsBothFileLayouts()
{
    QFETCH(QByteArray, secretsJson);
    const QString secretsFile = m_source + QStringLiteral("/secrets.json");
    QVERIFY(writeFile(secretsFile, secretsJson));
    QVERIFY(writeFile(m_source + QStringLiteral("/migrations.json"),
                      R"({"app_version":"0.9.0","applied":{"api":["1","2"],"web":["7"]}})"));
    Result<InstallState> state = InstallState::load(m_dir->filePath(QStringLiteral("app")));
    QVERIFY(state.ok() && state.value().isNewInstall());
    MemoryStore store;

    const Report r = runImport(store, state.value());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.imported, (QStringList {QStringLiteral("token"), QStringLiteral("api_key")}));
    QCOMPARE(store.values().value(QStringLiteral("token")), OldToken);
    QCOMPARE(store.values().value(QStringLiteral("api_key")), OldKey);
    QVERIFY(r.plaintextRemoved);
    QVERIFY(!QFile::exists(secretsFile));
    QVERIFY(QFile::exists(m_source + QStringLiteral("/migrations.json"))); // holds no secret
    QCOMPARE(r.migrationCount(), 3);
    QCOMPARE(r.previousAppVersion, QStringLiteral("0.9.0"));

    // Recorded and saved: migrations applied, the secrets' origin, an install that is not new.
    Result<InstallState> saved = InstallState::load(m_dir->filePath(QStringLiteral("app")));
    QVERIFY(saved.ok());
    QCOMPARE(saved.value().migrationsRun(QStringLiteral("api")),
             (QStringList {QStringLiteral("1"), QStringLiteral("2")}));
    QCOMPARE(saved.value().migrationsRun(QStringLiteral("web")), QStringList {QStringLiteral("7")});
    // This run continues the old install: not a new one, after its version.
    QVERIFY(!state.value().isNewInstall());
    QCOMPARE(state.value().previousAppVersion(), QStringLiteral("0.9.0"));
    const InstallState::SecretRecord token = saved.value().secrets().value(QStringLiteral("token"));
    QCOMPARE(token.source, InstallState::SecretSource::Generated);
    QCOMPARE(token.status, InstallState::SecretStatus::Configured);
    QCOMPARE(saved.value().secrets().value(QStringLiteral("api_key")).source,
             InstallState::SecretSource::UserProvided);
    QVERIFY(!readFile(saved.value().path()).contains(OldToken));
}

void tst_ReferenceInstallImport::undeclaredBlankAndInfrastructureIdsAreNotStored()
{
    SecretSpec infra;
    infra.id = QStringLiteral("cloud_root");
    infra.secretClass = SecretClass::Infrastructure;
    m_manifest.secrets << infra;
    QVERIFY(
        writeFile(m_source + QStringLiteral("/secrets.json"),
                  R"({"secrets":{"token":")" + OldToken
                      + R"(","api_key":"  ","stray":"some-value","cloud_root":"root-value"}})"));
    Result<InstallState> state = InstallState::load(m_dir->filePath(QStringLiteral("app")));
    QVERIFY(state.ok());
    MemoryStore store;
    const Report r = runImport(store, state.value());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.imported, QStringList {QStringLiteral("token")});
    QCOMPARE(r.unknown, QStringList {QStringLiteral("stray")});
    QCOMPARE(r.refused, QStringList {QStringLiteral("cloud_root")});
    QCOMPARE(store.values().keys(), QStringList {QStringLiteral("token")});
    QVERIFY(!state.value().secrets().contains(QStringLiteral("api_key"))); // blank: none there
}

void tst_ReferenceInstallImport::migrationsOnly()
{
    QVERIFY(writeFile(m_source + QStringLiteral("/migrations.json"),
                      R"({"app_version":"1.0.0","applied":{"api":["1"]}})"));
    Result<InstallState> state = InstallState::load(m_dir->filePath(QStringLiteral("app")));
    QVERIFY(state.ok());
    MemoryStore store;
    const Report r = runImport(store, state.value());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QVERIFY(r.imported.isEmpty() && !r.plaintextRemoved);
    QCOMPARE(state.value().migrationsRun(QStringLiteral("api")), QStringList {QStringLiteral("1")});
    QVERIFY(store.values().isEmpty());
}

void tst_ReferenceInstallImport::failuresKeepThePlaintextAndNameIt_data()
{
    QTest::addColumn<QString>("file"); // which file is at fault
    QTest::addColumn<QByteArray>("secretsJson");
    QTest::addColumn<QByteArray>("migrationsJson");
    QTest::addColumn<int>("storeFailure"); // SecretStore::ErrorKind
    QTest::addColumn<bool>("storeFailed");
    const QByteArray good = R"({"secrets":{"token":")" + OldToken + R"("}})";
    const QByteArray migrations = R"({"applied":{"api":["1"]}})";
    const int none = int(SecretStore::ErrorKind::None);
    QTest::newRow("no keychain") << QStringLiteral("secrets.json") << good << migrations
                                 << int(SecretStore::ErrorKind::NoBackend) << true;
    QTest::newRow("keychain locked") << QStringLiteral("secrets.json") << good << migrations
                                     << int(SecretStore::ErrorKind::Locked) << true;
    // The parser's message would quote the text around the fault: a secret.
    QTest::newRow("broken JSON") << QStringLiteral("secrets.json")
                                 << QByteArray(R"({"secrets":{"token":")" + OldToken + R"(",)")
                                 << migrations << none << false;
    QTest::newRow("not an object")
        << QStringLiteral("secrets.json") << QByteArray("[1]") << migrations << none << false;
    QTest::newRow("a value that is not a string")
        << QStringLiteral("secrets.json") << QByteArray(R"({"secrets":{"token":42}})") << migrations
        << none << false;
    QTest::newRow("broken migrations") << QStringLiteral("migrations.json") << good
                                       << QByteArray(R"({"applied":)") << none << false;
    QTest::newRow("migrations not a list")
        << QStringLiteral("migrations.json") << good << QByteArray(R"({"applied":{"api":"1"}})")
        << none << false;
}

void tst_ReferenceInstallImport::failuresKeepThePlaintextAndNameIt()
{
    QFETCH(QString, file);
    QFETCH(QByteArray, secretsJson);
    QFETCH(QByteArray, migrationsJson);
    QFETCH(int, storeFailure);
    QFETCH(bool, storeFailed);
    const QString secretsFile = m_source + QStringLiteral("/secrets.json");
    QVERIFY(writeFile(secretsFile, secretsJson));
    QVERIFY(writeFile(m_source + QStringLiteral("/migrations.json"), migrationsJson));
    const QString appData = m_dir->filePath(QStringLiteral("app"));
    Result<InstallState> state = InstallState::load(appData);
    QVERIFY(state.ok());
    MemoryStore store;
    store.failWith(SecretStore::ErrorKind(storeFailure));

    const Report r = runImport(store, state.value());
    QVERIFY(!r.ok());
    QCOMPARE(r.storeFailed, storeFailed);
    QVERIFY2(r.error.contains(m_source + QLatin1Char('/') + file), qPrintable(r.error));
    QVERIFY2(!r.error.contains(QString::fromLatin1(OldToken)), qPrintable(r.error));
    QCOMPARE(readFile(secretsFile), secretsJson); // untouched
    QVERIFY(store.values().isEmpty());
    QVERIFY(!QFile::exists(appData + QStringLiteral("/state.json")));
    QVERIFY(ReferenceInstallImport::applies(state.value(), m_source)); // tried again next time
}

void tst_ReferenceInstallImport::anotherValueInTheStoreIsNotOverwritten()
{
    QVERIFY(writeFile(m_source + QStringLiteral("/secrets.json"),
                      R"({"secrets":{"token":")" + OldToken + R"("}})"));
    Result<InstallState> state = InstallState::load(m_dir->filePath(QStringLiteral("app")));
    QVERIFY(state.ok());
    MemoryStore store;
    QVERIFY(test::writeNow(store, QStringLiteral("token"), "stewards-own-value").ok());
    const Report r = runImport(store, state.value());
    QVERIFY(!r.ok());
    QVERIFY(!r.storeFailed);
    QVERIFY2(r.error.contains(QLatin1String("another value for token")), qPrintable(r.error));
    QVERIFY(r.error.contains(m_source + QStringLiteral("/secrets.json")));
    QVERIFY(!r.error.contains(QLatin1String("stewards-own-value")));
    QCOMPARE(store.values().value(QStringLiteral("token")), QByteArray("stewards-own-value"));
    QVERIFY(QFile::exists(m_source + QStringLiteral("/secrets.json")));
}

void tst_ReferenceInstallImport::theSameValueInTheStoreIsARetry()
{
    QVERIFY(
        writeFile(m_source + QStringLiteral("/secrets.json"),
                  R"({"secrets":{"token":")" + OldToken + R"(","api_key":")" + OldKey + R"("}})"));
    Result<InstallState> state = InstallState::load(m_dir->filePath(QStringLiteral("app")));
    QVERIFY(state.ok());
    MemoryStore store;
    QVERIFY(test::writeNow(store, QStringLiteral("token"), OldToken).ok()); // half done before
    const Report r = runImport(store, state.value());
    QVERIFY2(r.ok(), qPrintable(r.error));
    QCOMPARE(r.imported.size(), 2);
    QCOMPARE(store.values().value(QStringLiteral("api_key")), OldKey);
    QVERIFY(!QFile::exists(m_source + QStringLiteral("/secrets.json")));
}

void tst_ReferenceInstallImport::intoTheRealKeychain()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QFAIL("no session bus: run the tests through scripts/test or scripts/with-test-session");
    m_manifest.app.name = QStringLiteral("tst-import-") + SecretGenerator::uuidV4().left(8);
    const QString secretsFile = m_source + QStringLiteral("/secrets.json");
    QVERIFY(
        writeFile(secretsFile,
                  R"({"secrets":{"token":")" + OldToken + R"(","api_key":")" + OldKey + R"("}})"));
    const qint64 size = QFileInfo(secretsFile).size();
    Result<InstallState> state = InstallState::load(m_dir->filePath(QStringLiteral("app")));
    QVERIFY(state.ok());
    {
        KeychainStore store(m_manifest.app.name, state.value().installId());
        const Report r = runImport(store, state.value());
        QVERIFY2(r.ok(), qPrintable(r.error));
        QVERIFY(r.plaintextRemoved);
    }
    QVERIFY(size > 0 && !QFile::exists(secretsFile));
    // Another connection to the keychain, as the next run of Steward has.
    KeychainStore again(m_manifest.app.name, state.value().installId());
    QCOMPARE(test::readNow(again, QStringLiteral("token")).value, OldToken);
    QCOMPARE(test::readNow(again, QStringLiteral("api_key")).value, OldKey);
    for (const char *id : {"token", "api_key"})
        QVERIFY(test::removeNow(again, QString::fromLatin1(id)).ok());
}

QTEST_GUILESS_MAIN(tst_ReferenceInstallImport)

#include "tst_referenceinstallimport.moc"
