#include "StoreSync.h"
#include "TestPrinters.h"
#include "secrets/KeychainStore.h"
#include "secrets/SecretGenerator.h"

#include <QProcess>
#include <QTest>
#include <qt6keychain/keychain.h>

using namespace steward;
using steward::test::readNow;
using steward::test::removeNow;
using steward::test::writeNow;
using Kind = SecretStore::ErrorKind;

namespace {

// Reads one keychain item directly with QtKeychain, bypassing Steward's layout.
std::pair<QKeychain::Error, QByteArray> rawRead(const QString &service, const QString &key)
{
    std::pair<QKeychain::Error, QByteArray> out {QKeychain::OtherError, {}};
    bool done = false;
    QObject ctx;
    auto *job = new QKeychain::ReadPasswordJob(service);
    job->setKey(key);
    QObject::connect(job, &QKeychain::Job::finished, &ctx, [&](QKeychain::Job *j) {
        out = {j->error(), static_cast<QKeychain::ReadPasswordJob *>(j)->binaryData()};
        done = true;
    });
    job->start();
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        qWarning("keychain did not answer");
    return out;
}

} // namespace

// Runs against the real keychain: gnome-keyring in the private D-Bus session that
// scripts/with-test-session starts.
class tst_KeychainStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void writeReadOverwriteDelete();
    void values_data();
    void values();
    void fiftySecrets();
    void removingAStoredValueNeedsTheStoresConfirmation();
    void shrinkingAChunkedValueLeavesNoChunks();
    void missingChunkIsCorruptNotGarbage();
    void survivesARestartOfTheProgram();
    void installsDoNotSeeEachOther();
    void visibleToSecretTool();

private:
    QString m_app;
};

void tst_KeychainStore::initTestCase()
{
    if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        QFAIL("no session bus: run the tests through scripts/test or scripts/with-test-session");
    // A fresh app name per run keeps runs independent of each other.
    m_app = QStringLiteral("tst-keychain-") + SecretGenerator::uuidV4().left(8);
}

void tst_KeychainStore::writeReadOverwriteDelete()
{
    KeychainStore store(m_app, QStringLiteral("install-a"));
    QCOMPARE(readNow(store, QStringLiteral("k1")).error.kind, Kind::NotFound);
    QVERIFY(writeNow(store, QStringLiteral("k1"), "first value").ok());
    QCOMPARE(readNow(store, QStringLiteral("k1")).value, QByteArray("first value"));
    QVERIFY(writeNow(store, QStringLiteral("k1"), "second value").ok());
    QCOMPARE(readNow(store, QStringLiteral("k1")).value, QByteArray("second value"));
    QVERIFY(removeNow(store, QStringLiteral("k1")).ok());
    const test::ReadOutcome gone = readNow(store, QStringLiteral("k1"));
    QCOMPARE(gone.error.kind, Kind::NotFound);
    QVERIFY(gone.error.message.startsWith(QLatin1String("k1: ")));
    QVERIFY(removeNow(store, QStringLiteral("k1")).ok()); // removing nothing succeeds
}

void tst_KeychainStore::values_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("one byte") << QByteArray("x");
    QTest::newRow("non-ASCII") << QStringLiteral("pässwörd ünd 日本語 🔑").toUtf8();
    QTest::newRow("binary with NUL") << QByteArray("\x00\x01\xff\xfe end", 9);
    QTest::newRow("exactly one chunk") << QByteArray(KeychainStore::ChunkBytes, 'c');
    QTest::newRow("one chunk plus one") << QByteArray(KeychainStore::ChunkBytes + 1, 'd');
    QByteArray big;
    for (int i = 0; i < 10 * 1024; ++i)
        big += char('a' + i % 26);
    QTest::newRow("10 KiB") << big;
}

void tst_KeychainStore::values()
{
    QFETCH(QByteArray, value);
    KeychainStore store(m_app, QStringLiteral("install-values"));
    const QString id
        = QString::fromLatin1(QTest::currentDataTag()).replace(QLatin1Char(' '), QLatin1Char('_'));
    QVERIFY(writeNow(store, id, value).ok());
    const test::ReadOutcome r = readNow(store, id);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(r.value, value);
}

void tst_KeychainStore::fiftySecrets()
{
    KeychainStore store(m_app, QStringLiteral("install-50"));
    for (int i = 0; i < 50; ++i)
        QVERIFY(writeNow(store, QStringLiteral("s%1").arg(i), QByteArray::number(i * 7919)).ok());
    for (int i = 0; i < 50; ++i)
        QCOMPARE(readNow(store, QStringLiteral("s%1").arg(i)).value, QByteArray::number(i * 7919));
}

void tst_KeychainStore::removingAStoredValueNeedsTheStoresConfirmation()
{
    // A value the caller knows is stored: "not found" is no confirmation (a locked collection
    // or a restarted daemon says the same), so it is refused, naming the secret, never a value.
    KeychainStore store(m_app, QStringLiteral("install-confirm"));
    const SecretStore::Error refused = test::removeStoredNow(store, QStringLiteral("absent"));
    QCOMPARE(refused.kind, Kind::Locked);
    QVERIFY2(refused.message.startsWith(QLatin1String("absent: "))
                 && refused.message.contains(QLatin1String("nothing was removed")),
             qPrintable(refused.message));
    for (const QByteArray &value : {QByteArray("short value"), QByteArray(5000, 'c')}) {
        QVERIFY(writeNow(store, QStringLiteral("present"), value).ok());
        QVERIFY(test::removeStoredNow(store, QStringLiteral("present")).ok());
        QCOMPARE(readNow(store, QStringLiteral("present")).error.kind, Kind::NotFound);
    }
}

void tst_KeychainStore::shrinkingAChunkedValueLeavesNoChunks()
{
    KeychainStore store(m_app, QStringLiteral("install-shrink"));
    const QString key = store.keyFor(QStringLiteral("cert"));
    QVERIFY(writeNow(store, QStringLiteral("cert"), QByteArray(5000, 'x')).ok());
    const QByteArray header = rawRead(store.serviceName(), key).second;
    QVERIFY(header.startsWith('c'));
    const QString generation = QString::fromLatin1(header.mid(1).split(':').first());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(rawRead(store.serviceName(), key + QStringLiteral("#%1.%2").arg(generation).arg(i))
                     .first,
                 QKeychain::NoError);

    QVERIFY(writeNow(store, QStringLiteral("cert"), "small").ok());
    QCOMPARE(readNow(store, QStringLiteral("cert")).value, QByteArray("small"));
    for (int i = 0; i < 3; ++i)
        QCOMPARE(rawRead(store.serviceName(), key + QStringLiteral("#%1.%2").arg(generation).arg(i))
                     .first,
                 QKeychain::EntryNotFound);
}

void tst_KeychainStore::missingChunkIsCorruptNotGarbage()
{
    KeychainStore store(m_app, QStringLiteral("install-corrupt"));
    const QString key = store.keyFor(QStringLiteral("blob"));
    QVERIFY(writeNow(store, QStringLiteral("blob"), QByteArray(6000, 'z')).ok());
    // Delete chunk 1 behind Steward's back.
    const QByteArray header = rawRead(store.serviceName(), key).second;
    QVERIFY(header.startsWith('c'));
    const QString generation = QString::fromLatin1(header.mid(1).split(':').first());
    bool done = false;
    QObject ctx;
    auto *del = new QKeychain::DeletePasswordJob(store.serviceName());
    del->setKey(key + QStringLiteral("#%1.1").arg(generation));
    connect(del, &QKeychain::Job::finished, &ctx, [&](QKeychain::Job *) { done = true; });
    del->start();
    QTRY_VERIFY(done);

    const test::ReadOutcome r = readNow(store, QStringLiteral("blob"));
    QCOMPARE(r.error.kind, Kind::Corrupt);
    QVERIFY(r.error.message.contains(QLatin1String("chunk 1 is missing")));
    QVERIFY(r.value.isEmpty());
}

void tst_KeychainStore::survivesARestartOfTheProgram()
{
    // Another process writes; this one (and then a third) reads it back.
    QProcess writer;
    writer.start(QStringLiteral(KEYCHAIN_TOOL),
                 {QStringLiteral("write"), m_app, QStringLiteral("install-restart"),
                  QStringLiteral("persisted")});
    QVERIFY(writer.waitForStarted());
    writer.write(QStringLiteral("välue that outlives its writer").toUtf8());
    writer.closeWriteChannel();
    QVERIFY(writer.waitForFinished(30000));
    QCOMPARE(writer.exitCode(), 0);

    KeychainStore store(m_app, QStringLiteral("install-restart"));
    QCOMPARE(QString::fromUtf8(readNow(store, QStringLiteral("persisted")).value),
             QStringLiteral("välue that outlives its writer"));

    QProcess reader;
    reader.start(QStringLiteral(KEYCHAIN_TOOL),
                 {QStringLiteral("read"), m_app, QStringLiteral("install-restart"),
                  QStringLiteral("persisted")});
    QVERIFY(reader.waitForFinished(30000));
    QCOMPARE(reader.exitCode(), 0);
    QCOMPARE(QString::fromUtf8(reader.readAllStandardOutput()),
             QStringLiteral("välue that outlives its writer"));
}

void tst_KeychainStore::installsDoNotSeeEachOther()
{
    KeychainStore a(m_app, QStringLiteral("install-x"));
    KeychainStore b(m_app, QStringLiteral("install-y"));
    QVERIFY(writeNow(a, QStringLiteral("shared_id"), "from x").ok());
    QCOMPARE(readNow(b, QStringLiteral("shared_id")).error.kind, Kind::NotFound);
}

void tst_KeychainStore::visibleToSecretTool()
{
    KeychainStore store(m_app, QStringLiteral("install-tool"));
    QVERIFY(writeNow(store, QStringLiteral("jwt_secret"), "visible-through-secret-tool").ok());
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"),
               {QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("server"),
                store.serviceName()});
    QVERIFY(tool.waitForFinished(30000));
    const QString listing
        = QString::fromUtf8(tool.readAllStandardOutput() + tool.readAllStandardError());
    QVERIFY2(listing.contains(store.keyFor(QStringLiteral("jwt_secret"))), qPrintable(listing));
}

QTEST_GUILESS_MAIN(tst_KeychainStore)
#include "tst_keychainstore.moc"
