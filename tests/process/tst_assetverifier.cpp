#include "process/AssetVerifier.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;

// Asset checks with the v0.1 reference runtime's tolerance, on real files.
class tst_AssetVerifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sizes_data();
    void sizes();
    void sha256_data();
    void sha256();
    void missingAssetIsNamed();

private:
    static AssetVerifier::Outcome verify(const QList<Asset> &assets, const QString &root);
};

AssetVerifier::Outcome tst_AssetVerifier::verify(const QList<Asset> &assets, const QString &root)
{
    QObject context;
    std::optional<AssetVerifier::Outcome> out;
    AssetVerifier::verify(assets, root, &context,
                          [&](const AssetVerifier::Outcome &o) { out = o; });
    if (!QTest::qWaitFor([&] { return out.has_value(); }, 10000))
        return {false, QStringLiteral("no answer"), {}, {}};
    return *out;
}

void tst_AssetVerifier::sizes_data()
{
    QTest::addColumn<qint64>("declared");
    QTest::addColumn<qint64>("actual");
    QTest::addColumn<bool>("accepted");
    const qint64 MiB = 1024 * 1024;
    QTest::newRow("exact") << qint64(2048) << qint64(2048) << true;
    QTest::newRow("small file, 1 MiB of slack") << qint64(2048) << 2048 + MiB << true;
    QTest::newRow("small file, past the slack") << qint64(2048) << 2048 + MiB + 1 << false;
    QTest::newRow("large file, 5% over") << 40 * MiB << 42 * MiB << true;
    QTest::newRow("large file, over 5%") << 40 * MiB << 42 * MiB + 1 << false;
    QTest::newRow("smaller, half") << qint64(2048) << qint64(1024) << true;
    QTest::newRow("under half") << qint64(2048) << qint64(1023) << false;
}

void tst_AssetVerifier::sizes()
{
    QFETCH(qint64, declared);
    QFETCH(qint64, actual);
    QFETCH(bool, accepted);
    QCOMPARE(AssetVerifier::sizeAcceptable(actual, declared), accepted);
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("model.bin")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    QVERIFY(f.resize(actual));
    f.close();
    const AssetVerifier::Outcome out
        = verify({{QStringLiteral("model.bin"), QString(), declared}}, dir.path());
    QCOMPARE(out.ok, accepted);
    if (!accepted)
        QVERIFY2(out.problem.contains(QLatin1String("model.bin")), qPrintable(out.problem));
    else if (actual != declared)
        QVERIFY(!out.warnings.isEmpty()); // noted, not refused
}

void tst_AssetVerifier::sha256_data()
{
    QTest::addColumn<QString>("declared");
    QTest::addColumn<bool>("accepted");
    QTest::addColumn<bool>("warned");
    const QString real = QString::fromLatin1(
        QCryptographicHash::hash("seed\n", QCryptographicHash::Sha256).toHex());
    QTest::newRow("lower case") << real << true << false;
    QTest::newRow("upper case") << real.toUpper() << true << false;
    QTest::newRow("pending") << "pending" << true << false;
    QTest::newRow("a placeholder") << "PLACEHOLDER_SEED_HASH" << true << true;
    QTest::newRow("wrong") << QString(64, QLatin1Char('0')) << false << false;
}

void tst_AssetVerifier::sha256()
{
    QFETCH(QString, declared);
    QFETCH(bool, accepted);
    QFETCH(bool, warned);
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("seed.sql")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("seed\n");
    f.close();
    const AssetVerifier::Outcome out
        = verify({{QStringLiteral("seed.sql"), declared, std::nullopt}}, dir.path());
    QCOMPARE(out.ok, accepted);
    QCOMPARE(!out.warnings.isEmpty(), warned);
}

void tst_AssetVerifier::missingAssetIsNamed()
{
    QTemporaryDir dir;
    const AssetVerifier::Outcome out
        = verify({{QStringLiteral("data/seed.sql"), QString(), std::nullopt}}, dir.path());
    QVERIFY(!out.ok);
    QCOMPARE(out.missing, QStringLiteral("data/seed.sql"));
}

QTEST_GUILESS_MAIN(tst_AssetVerifier)
#include "tst_assetverifier.moc"
