#include "FileMode.h"
#include "StoreSync.h"
#include "TestPrinters.h"
#include "secrets/EncryptedFileStore.h"
#include "secrets/MemoryStore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using steward::test::modeOf;
using Kind = SecretStore::ErrorKind;

namespace {

EncryptedFileStore *openStore(const QString &dir, const QString &install, SecretStore *keyStore,
                              QObject *parent)
{
    EncryptedFileStore *store = nullptr;
    bool done = false;
    EncryptedFileStore::open(dir, QStringLiteral("demo"), install, keyStore, parent,
                             [&](const SecretStore::Error &e, EncryptedFileStore *s) {
                                 if (!e.ok())
                                     qWarning("%s", qPrintable(e.message));
                                 store = s;
                                 done = true;
                             });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        return nullptr;
    return store;
}

QByteArray fileBytes(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

class tst_EncryptedFileStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void roundTripWithKeyFile();
    void keyInTheKeychainStore();
    void freshNoncePerWrite();
    void tamperingIsDetected_data();
    void tamperingIsDetected();
    void fileMovedToAnotherIdDoesNotDecrypt();
    void otherInstallCannotRead();
    void removeAndMissing();
};

void tst_EncryptedFileStore::roundTripWithKeyFile()
{
    QTemporaryDir dir;
    const QString secrets = dir.filePath(QStringLiteral("secrets"));
    QObject parent;
    EncryptedFileStore *store = openStore(secrets, QStringLiteral("i1"), nullptr, &parent);
    QVERIFY(store);
    QCOMPARE(store->protection(), SecretStore::Protection::PlainKeyFile);
    QCOMPARE(modeOf(secrets), 0700);
    QCOMPARE(modeOf(secrets + QStringLiteral("/data.key")), 0600);
    const QByteArray value = QStringLiteral("pässwörd-%1").arg(42).toUtf8();
    QVERIFY(test::writeNow(*store, QStringLiteral("db_password"), value).ok());
    QCOMPARE(modeOf(store->fileFor(QStringLiteral("db_password"))), 0600);
    QVERIFY(!fileBytes(store->fileFor(QStringLiteral("db_password"))).contains(value));
    QCOMPARE(test::readNow(*store, QStringLiteral("db_password")).value, value);

    // A second open of the same directory (a restart) reads the same key and value.
    EncryptedFileStore *again = openStore(secrets, QStringLiteral("i1"), nullptr, &parent);
    QVERIFY(again);
    QCOMPARE(test::readNow(*again, QStringLiteral("db_password")).value, value);
}

void tst_EncryptedFileStore::keyInTheKeychainStore()
{
    QTemporaryDir dir;
    MemoryStore keychain;
    QObject parent;
    EncryptedFileStore *store = openStore(dir.path(), QStringLiteral("i1"), &keychain, &parent);
    QVERIFY(store);
    QCOMPARE(store->protection(), SecretStore::Protection::KeychainKeyedFile);
    QCOMPARE(keychain.values().value(QStringLiteral("file-store-key")).size(),
             EncryptedFileStore::KeyBytes);
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("data.key"))));
    QVERIFY(test::writeNow(*store, QStringLiteral("k"), "v1-value").ok());
    EncryptedFileStore *again = openStore(dir.path(), QStringLiteral("i1"), &keychain, &parent);
    QCOMPARE(test::readNow(*again, QStringLiteral("k")).value, QByteArray("v1-value"));

    // Without its key (keychain unavailable), the store does not open: no silent fallback.
    keychain.failWith(Kind::NoBackend);
    QVERIFY(!openStore(dir.path(), QStringLiteral("i1"), &keychain, &parent));
}

void tst_EncryptedFileStore::freshNoncePerWrite()
{
    QTemporaryDir dir;
    QObject parent;
    EncryptedFileStore *store = openStore(dir.path(), QStringLiteral("i1"), nullptr, &parent);
    QVERIFY(test::writeNow(*store, QStringLiteral("k"), "same value").ok());
    const QByteArray first = fileBytes(store->fileFor(QStringLiteral("k")));
    QVERIFY(test::writeNow(*store, QStringLiteral("k"), "same value").ok());
    const QByteArray second = fileBytes(store->fileFor(QStringLiteral("k")));
    QVERIFY(first.mid(4, 12) != second.mid(4, 12));
    QVERIFY(first != second);
}

void tst_EncryptedFileStore::tamperingIsDetected_data()
{
    QTest::addColumn<int>("offset"); // byte to flip; negative: truncate by that many bytes
    QTest::newRow("magic") << 0;
    QTest::newRow("nonce") << 6;
    QTest::newRow("tag") << 20;
    QTest::newRow("ciphertext") << 33;
    QTest::newRow("truncated") << -3;
}

void tst_EncryptedFileStore::tamperingIsDetected()
{
    QFETCH(int, offset);
    QTemporaryDir dir;
    QObject parent;
    EncryptedFileStore *store = openStore(dir.path(), QStringLiteral("i1"), nullptr, &parent);
    QVERIFY(test::writeNow(*store, QStringLiteral("k"), "a value that is long enough").ok());
    QByteArray bytes = fileBytes(store->fileFor(QStringLiteral("k")));
    if (offset >= 0)
        bytes[offset] = char(bytes.at(offset) ^ 0x01);
    else
        bytes.chop(-offset);
    QFile f(store->fileFor(QStringLiteral("k")));
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
    f.close();
    const test::ReadOutcome r = test::readNow(*store, QStringLiteral("k"));
    QCOMPARE(r.error.kind, Kind::Corrupt);
    QVERIFY(r.value.isEmpty());
    QVERIFY2(r.error.message.startsWith(QLatin1String("k: ")), qPrintable(r.error.message));
}

void tst_EncryptedFileStore::fileMovedToAnotherIdDoesNotDecrypt()
{
    QTemporaryDir dir;
    QObject parent;
    EncryptedFileStore *store = openStore(dir.path(), QStringLiteral("i1"), nullptr, &parent);
    QVERIFY(test::writeNow(*store, QStringLiteral("admin_password"), "top secret value").ok());
    QVERIFY(QFile::copy(store->fileFor(QStringLiteral("admin_password")),
                        store->fileFor(QStringLiteral("guest_password"))));
    const test::ReadOutcome r = test::readNow(*store, QStringLiteral("guest_password"));
    QCOMPARE(r.error.kind, Kind::Corrupt);
    QVERIFY(r.error.message.contains(QLatin1String("cannot be decrypted")));
}

void tst_EncryptedFileStore::otherInstallCannotRead()
{
    QTemporaryDir dir;
    QObject parent;
    EncryptedFileStore *a = openStore(dir.path(), QStringLiteral("install-a"), nullptr, &parent);
    QVERIFY(test::writeNow(*a, QStringLiteral("k"), "belongs to a").ok());
    EncryptedFileStore *b = openStore(dir.path(), QStringLiteral("install-b"), nullptr, &parent);
    QCOMPARE(test::readNow(*b, QStringLiteral("k")).error.kind, Kind::Corrupt);
}

void tst_EncryptedFileStore::removeAndMissing()
{
    QTemporaryDir dir;
    QObject parent;
    EncryptedFileStore *store = openStore(dir.path(), QStringLiteral("i1"), nullptr, &parent);
    QCOMPARE(test::readNow(*store, QStringLiteral("nope")).error.kind, Kind::NotFound);
    QVERIFY(test::writeNow(*store, QStringLiteral("k"), "value-123").ok());
    QVERIFY(test::removeNow(*store, QStringLiteral("k")).ok());
    QCOMPARE(test::readNow(*store, QStringLiteral("k")).error.kind, Kind::NotFound);
    QVERIFY(test::removeNow(*store, QStringLiteral("k")).ok());
}

QTEST_GUILESS_MAIN(tst_EncryptedFileStore)
#include "tst_encryptedfilestore.moc"
