#include "TrustTestBundle.h"
#include "trust/BundleSignature.h"

#include <QTest>

using namespace steward;
using test::TrustTestBundle;

// Ed25519 with the real OpenSSL: a good signature passes, anything else fails with a reason.
class tst_BundleSignature : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void signedDataVerifies();
    void tamperedDataFails();
    void anotherKeyFails();
    void garbageIsRefused_data();
    void garbageIsRefused();
    void publicKeyComesFromThePrivateOne();
    void bundleFilesAreNamedWhenMissing();
};

void tst_BundleSignature::signedDataVerifies()
{
    const auto pair = BundleSignature::generate();
    QVERIFY2(pair, qPrintable(pair.error()));
    QVERIFY(pair->privatePem.startsWith("-----BEGIN PRIVATE KEY-----"));
    QVERIFY(pair->publicPem.startsWith("-----BEGIN PUBLIC KEY-----"));
    const auto sig = BundleSignature::sign("the lock", pair->privatePem);
    QVERIFY2(sig, qPrintable(sig.error()));
    QVERIFY(sig->endsWith('\n'));
    const Status st = BundleSignature::verify("the lock", sig.value(), pair->publicPem);
    QVERIFY2(st, qPrintable(st.error()));
}

void tst_BundleSignature::tamperedDataFails()
{
    const auto pair = BundleSignature::generate();
    QVERIFY(pair);
    const auto sig = BundleSignature::sign("the lock", pair->privatePem);
    QVERIFY(sig);
    QVERIFY(!BundleSignature::verify("the lock!", sig.value(), pair->publicPem));
}

void tst_BundleSignature::anotherKeyFails()
{
    const auto pair = BundleSignature::generate();
    const auto other = BundleSignature::generate();
    QVERIFY(pair && other);
    const auto sig = BundleSignature::sign("the lock", pair->privatePem);
    QVERIFY(sig);
    const Status st = BundleSignature::verify("the lock", sig.value(), other->publicPem);
    QVERIFY(!st);
    QVERIFY(st.error().contains(QStringLiteral("does not match")));
}

void tst_BundleSignature::garbageIsRefused_data()
{
    QTest::addColumn<QByteArray>("signature");
    QTest::addColumn<bool>("garbageKey");
    QTest::newRow("not base64") << QByteArray("***") << false;
    QTest::newRow("short") << QByteArray("AAAA") << false;
    QTest::newRow("empty") << QByteArray() << false;
    QTest::newRow("key is no PEM") << QByteArray(88, 'A') << true;
}

void tst_BundleSignature::garbageIsRefused()
{
    QFETCH(QByteArray, signature);
    QFETCH(bool, garbageKey);
    const auto pair = BundleSignature::generate();
    QVERIFY(pair);
    QVERIFY(!BundleSignature::verify("the lock", signature,
                                     garbageKey ? QByteArray("not a key") : pair->publicPem));
    QVERIFY(!BundleSignature::sign("x", "not a key"));
}

void tst_BundleSignature::publicKeyComesFromThePrivateOne()
{
    const auto pair = BundleSignature::generate();
    QVERIFY(pair);
    const auto pub = BundleSignature::publicKeyOf(pair->privatePem);
    QVERIFY(pub);
    QCOMPARE(pub.value(), pair->publicPem);
}

void tst_BundleSignature::bundleFilesAreNamedWhenMissing()
{
    TrustTestBundle b;
    const auto pair = BundleSignature::generate();
    QVERIFY(pair);
    QVERIFY(b.write(QStringLiteral("key.pub"), pair->publicPem));
    Status st = BundleSignature::verifyBundle(b.root(), b.path(QStringLiteral("key.pub")));
    QVERIFY(st.error().contains(QStringLiteral("bundle.lock is missing")));
    QVERIFY(b.write(QStringLiteral("bundle.lock"), "lock"));
    st = BundleSignature::verifyBundle(b.root(), b.path(QStringLiteral("key.pub")));
    QVERIFY(st.error().contains(QStringLiteral("bundle.lock.sig is missing")));
    QVERIFY(b.write(QStringLiteral("bundle.lock.sig"),
                    BundleSignature::sign("lock", pair->privatePem).value()));
    st = BundleSignature::verifyBundle(b.root(), b.path(QStringLiteral("key.pub")));
    QVERIFY2(st, qPrintable(st.error()));
    st = BundleSignature::verifyBundle(b.root(), b.path(QStringLiteral("nokey.pub")));
    QVERIFY(st.error().contains(QStringLiteral("public key")));
}

QTEST_GUILESS_MAIN(tst_BundleSignature)
#include "tst_bundlesignature.moc"
