#include "manifest/GeneratorAlphabet.h"
#include "secrets/SecretGenerator.h"

#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <cmath>
#include <vector>

using namespace steward;

namespace {

// Pearson's chi-square statistic of observed symbol counts against a uniform distribution.
double chiSquare(const std::vector<qint64> &counts, qint64 total)
{
    const double expected = double(total) / double(counts.size());
    double chi = 0;
    for (qint64 c : counts)
        chi += (double(c) - expected) * (double(c) - expected) / expected;
    return chi;
}

// Upper critical value of chi-square for `df` degrees of freedom at p = 1e-4
// (Wilson-Hilferty approximation; z = 3.719).
double criticalValue(int df)
{
    const double k = 2.0 / (9.0 * df);
    return df * std::pow(1.0 - k + 3.719 * std::sqrt(k), 3.0);
}

} // namespace

class tst_SecretGenerator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void charsetAlphabets_data();
    void charsetAlphabets();
    void everySymbolIsDrawnAndNothingElse_data();
    void everySymbolIsDrawnAndNothingElse();
    void explicitAlphabet();
    void noModuloBias();
    void biasedDrawWouldFailTheSameTest();
    void uuidIsVersion4();
    void generateMatchingGivesUpOnAnImpossibleFormat();
    void rejectsBadParameters();
};

void tst_SecretGenerator::charsetAlphabets_data()
{
    QTest::addColumn<QString>("charset");
    QTest::addColumn<QString>("alphabet");
    QTest::newRow("alnum") << "alnum"
                           << "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    QTest::newRow("hex") << "hex"
                         << "0123456789abcdef";
    // RFC 4648: base64 is the real alphabet, not the letters b, a, s, e, 6, 4.
    QTest::newRow("base64") << "base64"
                            << "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    QTest::newRow("base64url")
        << "base64url"
        << "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QTest::newRow("alpha") << "alpha"
                           << "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    QTest::newRow("lower") << "lower"
                           << "abcdefghijklmnopqrstuvwxyz";
    QTest::newRow("upper") << "upper"
                           << "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    QTest::newRow("digits") << "digits"
                            << "0123456789";
}

void tst_SecretGenerator::charsetAlphabets()
{
    QFETCH(QString, charset);
    QFETCH(QString, alphabet);
    QCOMPARE(GeneratorAlphabet::alphabetFor(charset), alphabet);
    QVERIFY(GeneratorAlphabet::charsetNames().contains(charset));
}

void tst_SecretGenerator::everySymbolIsDrawnAndNothingElse_data()
{
    charsetAlphabets_data();
}

void tst_SecretGenerator::everySymbolIsDrawnAndNothingElse()
{
    QFETCH(QString, charset);
    QFETCH(QString, alphabet);
    SecretGeneratorSpec spec;
    spec.charset = charset;
    spec.length = 4096;
    QSet<QChar> seen;
    for (int i = 0; i < 5; ++i) {
        const Result<QString> v = SecretGenerator::generate(spec);
        QVERIFY(v.ok());
        QCOMPARE(v.value().size(), 4096);
        for (QChar c : v.value()) {
            QVERIFY2(alphabet.contains(c),
                     qPrintable(QStringLiteral("symbol outside %1").arg(charset)));
            seen.insert(c);
        }
    }
    QCOMPARE(seen.size(), alphabet.size());
}

void tst_SecretGenerator::explicitAlphabet()
{
    SecretGeneratorSpec spec;
    spec.alphabet = QStringLiteral("ÄÖÜ!");
    spec.length = 200;
    const Result<QString> v = SecretGenerator::generate(spec);
    QVERIFY(v.ok());
    QCOMPARE(v.value().size(), 200);
    QVERIFY(QRegularExpression(QStringLiteral("^[ÄÖÜ!]{200}$")).match(v.value()).hasMatch());
}

void tst_SecretGenerator::noModuloBias()
{
    // 62 symbols do not divide 256: a plain `byte % 62` would favour the first 8 symbols.
    const QString alphabet = GeneratorAlphabet::alphabetFor(QStringLiteral("alnum"));
    const qint64 draws = 62 * 10000;
    const Result<QString> v = SecretGenerator::randomString(alphabet, int(draws));
    QVERIFY(v.ok());
    std::vector<qint64> counts(std::size_t(alphabet.size()), 0);
    for (QChar c : v.value())
        ++counts[std::size_t(alphabet.indexOf(c))];
    const double chi = chiSquare(counts, draws);
    QVERIFY2(chi < criticalValue(61),
             qPrintable(QStringLiteral("chi-square %1 >= %2").arg(chi).arg(criticalValue(61))));
}

void tst_SecretGenerator::biasedDrawWouldFailTheSameTest()
{
    // The same statistic, threshold and sample size reject a modulo-biased draw, so the test
    // above would notice bias if the generator had it.
    const qint64 draws = 62 * 10000;
    std::vector<unsigned char> bytes(static_cast<std::size_t>(draws));
    QVERIFY(SecretGenerator::randomBytes(bytes.data(), bytes.size()));
    std::vector<qint64> counts(62, 0);
    for (unsigned char b : bytes)
        ++counts[b % 62];
    QVERIFY(chiSquare(counts, draws) > criticalValue(61));
}

void tst_SecretGenerator::uuidIsVersion4()
{
    static const QRegularExpression v4(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    QSet<QString> seen;
    SecretGeneratorSpec spec;
    spec.type = SecretGeneratorSpec::Type::Uuid;
    for (int i = 0; i < 1000; ++i) {
        const Result<QString> id = SecretGenerator::generate(spec);
        QVERIFY(id.ok());
        QVERIFY2(v4.match(id.value()).hasMatch(), qPrintable(id.value()));
        seen.insert(id.value());
    }
    QCOMPARE(seen.size(), 1000);
}

void tst_SecretGenerator::generateMatchingGivesUpOnAnImpossibleFormat()
{
    SecretGeneratorSpec spec;
    spec.charset = QStringLiteral("hex");
    spec.length = 16;
    const Result<QString> never = SecretGenerator::generateMatching(
        spec, QRegularExpression(QStringLiteral("^[g-z]+$")), 10);
    QVERIFY(!never.ok());
    QVERIFY(never.error().contains(QLatin1String("10 attempts")));
    const Result<QString> fine = SecretGenerator::generateMatching(
        spec, QRegularExpression(QStringLiteral("^[0-9a-f]{16}$")));
    QVERIFY(fine.ok());
}

void tst_SecretGenerator::rejectsBadParameters()
{
    QVERIFY(!SecretGenerator::randomString(QStringLiteral("a"), 10).ok());
    QVERIFY(!SecretGenerator::randomString(QStringLiteral("ab"), 0).ok());
    QVERIFY(!SecretGenerator::randomString(QString(257, QLatin1Char('x')), 10).ok());
}

QTEST_GUILESS_MAIN(tst_SecretGenerator)
#include "tst_secretgenerator.moc"
