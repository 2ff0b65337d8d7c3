#include "TrustTestBundle.h"
#include "trust/BundleLock.h"

#include <QCryptographicHash>
#include <QTest>

using namespace steward;
using test::TrustTestBundle;

// bundle.lock on real files: what it holds, that it reads back as written, and what it notices.
class tst_BundleLock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void locksEveryFileWithHashAndSize();
    void bytesAreStableAndReadBack();
    void differencesNameChangedRemovedAndAdded();
    void manifestOutsideTheRootIsLockedByName();
    void malformedLocksAreRefused_data();
    void malformedLocksAreRefused();
};

void tst_BundleLock::locksEveryFileWithHashAndSize()
{
    TrustTestBundle b;
    QVERIFY(b.write(QStringLiteral("bundle.json"), "{}"));
    QVERIFY(b.write(QStringLiteral("bin/app"), "#!/bin/sh\n", true));
    QVERIFY(b.write(QStringLiteral("assets/model.bin"), QByteArray(5000, 'x')));
    QVERIFY(b.write(QStringLiteral(".hidden/conf"), "h"));
    QVERIFY(b.write(QStringLiteral("bundle.lock.sig"), "old"));
    const Result<BundleLock> lock = BundleLock::create(b.root(), b.manifest());
    QVERIFY2(lock, qPrintable(lock.error()));
    QCOMPARE(lock->manifest(), QStringLiteral("bundle.json"));
    QCOMPARE(lock->files().keys(),
             QStringList({QStringLiteral(".hidden/conf"), QStringLiteral("assets/model.bin"),
                          QStringLiteral("bin/app"), QStringLiteral("bundle.json")}));
    const BundleLock::Entry *model = lock->entry(QStringLiteral("assets/model.bin"));
    QVERIFY(model);
    QCOMPARE(model->size, 5000);
    QCOMPARE(model->sha256,
             QCryptographicHash::hash(QByteArray(5000, 'x'), QCryptographicHash::Sha256).toHex());
}

void tst_BundleLock::bytesAreStableAndReadBack()
{
    TrustTestBundle b;
    QVERIFY(b.write(QStringLiteral("bundle.json"), "{}"));
    QVERIFY(b.write(QStringLiteral("bin/app"), "app", true));
    const Result<BundleLock> first = BundleLock::create(b.root(), b.manifest());
    const Result<BundleLock> second = BundleLock::create(b.root(), b.manifest());
    QVERIFY(first && second);
    QCOMPARE(first->toBytes(), second->toBytes());
    const Result<BundleLock> parsed = BundleLock::parse(first->toBytes());
    QVERIFY2(parsed, qPrintable(parsed.error()));
    QCOMPARE(parsed->files(), first->files());
    QCOMPARE(parsed->toBytes(), first->toBytes());
}

void tst_BundleLock::differencesNameChangedRemovedAndAdded()
{
    TrustTestBundle b;
    QVERIFY(b.write(QStringLiteral("bundle.json"), "{}"));
    QVERIFY(b.write(QStringLiteral("bin/app"), "app", true));
    QVERIFY(b.write(QStringLiteral("bin/old"), "old", true));
    const Result<BundleLock> lock = BundleLock::create(b.root(), b.manifest());
    QVERIFY(lock);
    QVERIFY(lock->differences(b.root(), b.manifest()).isEmpty());
    QVERIFY(b.write(QStringLiteral("bin/app"), "evil", true));
    QVERIFY(QFile::remove(b.path(QStringLiteral("bin/old"))));
    QVERIFY(b.write(QStringLiteral("bin/new"), "new", true));
    QCOMPARE(lock->differences(b.root(), b.manifest()),
             QStringList({QStringLiteral("changed: bin/app"), QStringLiteral("removed: bin/old"),
                          QStringLiteral("added: bin/new")}));
}

void tst_BundleLock::manifestOutsideTheRootIsLockedByName()
{
    TrustTestBundle b;
    TrustTestBundle elsewhere;
    QVERIFY(b.write(QStringLiteral("bin/app"), "app", true));
    QVERIFY(elsewhere.write(QStringLiteral("bundle.json"), "{\"x\":1}"));
    const Result<BundleLock> lock = BundleLock::create(b.root(), elsewhere.manifest());
    QVERIFY2(lock, qPrintable(lock.error()));
    QCOMPARE(lock->manifest(), QStringLiteral("bundle.json"));
    QCOMPARE(lock->entry(QStringLiteral("bundle.json"))->size, 7);
}

void tst_BundleLock::malformedLocksAreRefused_data()
{
    QTest::addColumn<QByteArray>("text");
    const QByteArray hash(64, 'a');
    QTest::newRow("not json") << QByteArray("lock");
    QTest::newRow("other version")
        << QByteArray(R"({"lock_version":2,"algorithm":"sha256","manifest":"b","files":{}})");
    QTest::newRow("other algorithm")
        << QByteArray(R"({"lock_version":1,"algorithm":"md5","manifest":"b","files":{}})");
    QTest::newRow("manifest without entry")
        << QByteArray(R"({"lock_version":1,"algorithm":"sha256","manifest":"b","files":{}})");
    QTest::newRow("short hash") << QByteArray(R"({"lock_version":1,"algorithm":"sha256",)"
                                              R"("manifest":"b","files":{"b":{"sha256":"ab",)"
                                              R"("size":1}}})");
    QTest::newRow("path leaving the bundle")
        << QByteArray(R"({"lock_version":1,"algorithm":"sha256","manifest":"b","files":{"b":)"
                      R"({"sha256":")"
                      + hash + R"(","size":1},"../x":{"sha256":")" + hash + R"(","size":1}}})");
    QTest::newRow("negative size")
        << QByteArray(R"({"lock_version":1,"algorithm":"sha256","manifest":"b","files":{"b":)"
                      R"({"sha256":")"
                      + hash + R"(","size":-1}}})");
}

void tst_BundleLock::malformedLocksAreRefused()
{
    QFETCH(QByteArray, text);
    QVERIFY(!BundleLock::parse(text));
}

QTEST_GUILESS_MAIN(tst_BundleLock)
#include "tst_bundlelock.moc"
