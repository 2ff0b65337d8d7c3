#include "core/Redactor.h"

#include <QRandomGenerator>
#include <QTest>

#include <algorithm>

using namespace steward;

namespace {

// The reference: find every occurrence of every secret, merge overlapping spans, replace
// each merged span with the marker.
QByteArray naiveRedact(const QByteArray &text, const QList<QByteArray> &secrets)
{
    std::vector<std::pair<qsizetype, qsizetype>> spans;
    for (const QByteArray &s : secrets) {
        for (qsizetype at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1))
            spans.emplace_back(at, at + s.size());
    }
    std::sort(spans.begin(), spans.end());
    std::vector<std::pair<qsizetype, qsizetype>> merged;
    for (const auto &sp : spans) {
        if (!merged.empty() && sp.first < merged.back().second)
            merged.back().second = std::max(merged.back().second, sp.second);
        else
            merged.push_back(sp);
    }
    QByteArray out;
    qsizetype at = 0;
    for (const auto &[b, e] : merged) {
        out += text.mid(at, b - at) + Redactor::Marker;
        at = e;
    }
    return out + text.mid(at);
}

QByteArray streamed(const Redactor &r, const QByteArray &text, QRandomGenerator &rng)
{
    Redactor::Stream stream(r);
    QByteArray out;
    qsizetype at = 0;
    while (at < text.size()) {
        const qsizetype n = std::min<qsizetype>(text.size() - at, rng.bounded(1, 40));
        out += stream.feed(text.mid(at, n));
        at += n;
    }
    return out + stream.flush();
}

} // namespace

class tst_Redactor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneShot_data();
    void oneShot();
    void matchSplitAcrossChunks();
    void randomTextsAgreeWithTheNaiveReference();
    void shortValuesAreIgnored();
    void changingSecretsRescansHeldBytes();
    void holdsBackOnlyWhatCouldStillMatch();
    void noSecretsPassesThrough();
    void encodedForms_data();
    void encodedForms();
    void encodedFormInsideALongerEncoding();
    void exactFormsLeaveEncodingsAlone();
    void manySecretsWithEncodingsAgreeWithTheNaiveReference();
};

void tst_Redactor::oneShot_data()
{
    QTest::addColumn<QStringList>("secrets");
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("single") << QStringList {QStringLiteral("hunter2hunter2")}
                            << "pw=hunter2hunter2;"
                            << "pw=***REDACTED***;";
    QTest::newRow("twice") << QStringList {QStringLiteral("abcdef")} << "abcdef abcdef"
                           << "***REDACTED*** ***REDACTED***";
    QTest::newRow("nested") << QStringList {QStringLiteral("abcdef"), QStringLiteral("abcdefghij")}
                            << "x abcdefghij y"
                            << "x ***REDACTED*** y";
    QTest::newRow("overlapping") << QStringList {QStringLiteral("abcdef"), QStringLiteral("defghi")}
                                 << "abcdefghi"
                                 << "***REDACTED***";
    QTest::newRow("self-overlap") << QStringList {QStringLiteral("aaaaaa")} << "aaaaaaaa"
                                  << "***REDACTED***";
    QTest::newRow("non-ascii") << QStringList {QStringLiteral("pässwörd-ünïcode")}
                               << "ä pässwörd-ünïcode ö"
                               << "ä ***REDACTED*** ö";
    // Found by fuzz_redactor: a long secret covering two shorter ones, and a match completed
    // while the bytes of an earlier one were still held back for a longer candidate.
    QTest::newRow("covers two matches")
        << QStringList {QStringLiteral("bcdefg"), QStringLiteral("ijklmn"),
                        QStringLiteral("abcdefghijklmno")}
        << "x abcdefghijklmno y"
        << "x ***REDACTED*** y";
    QTest::newRow("held behind a candidate")
        << QStringList {QStringLiteral("abcdef"), QStringLiteral("cdef123456789"),
                        QStringLiteral("123456")}
        << "abcdef123456"
        << "***REDACTED******REDACTED***";
    QTest::newRow("prefix only") << QStringList {QStringLiteral("secret-value")} << "secret-valu"
                                 << "secret-valu";
}

void tst_Redactor::oneShot()
{
    QFETCH(QStringList, secrets);
    QFETCH(QString, text);
    QFETCH(QString, expected);
    Redactor r;
    QList<QByteArray> values;
    for (const QString &s : secrets)
        values << s.toUtf8();
    r.setSecrets(values);
    QCOMPARE(r.redact(text), expected);
}

void tst_Redactor::matchSplitAcrossChunks()
{
    Redactor r;
    r.setSecrets({QByteArrayLiteral("s3cr3t-t0k3n")});
    Redactor::Stream stream(r);
    QByteArray out = stream.feed("token is s3cr");
    QCOMPARE(out, QByteArray("token is "));
    out += stream.feed("3t-t0");
    out += stream.feed("k3n and more");
    out += stream.flush();
    QCOMPARE(out, QByteArray("token is ***REDACTED*** and more"));
}

void tst_Redactor::randomTextsAgreeWithTheNaiveReference()
{
    QRandomGenerator rng(20261122);
    // A small alphabet makes partial matches, overlaps and near-misses common.
    const QByteArray alphabet = "abcd\n ";
    for (int round = 0; round < 300; ++round) {
        QList<QByteArray> secrets;
        const int count = int(rng.bounded(1, 6));
        for (int i = 0; i < count; ++i) {
            QByteArray s;
            const int len = int(rng.bounded(6, 12));
            for (int k = 0; k < len; ++k)
                s += alphabet.at(rng.bounded(4));
            secrets << s;
        }
        QByteArray text;
        const int len = int(rng.bounded(0, 600));
        while (text.size() < len) {
            if (rng.bounded(8) == 0)
                text += secrets.at(rng.bounded(count));
            else
                text += alphabet.at(rng.bounded(alphabet.size()));
        }
        Redactor r(Redactor::DefaultMinimumLength, Redactor::Forms::Exact);
        r.setSecrets(secrets);
        const QByteArray expected = naiveRedact(text, secrets);
        QCOMPARE(r.redact(text), expected);
        QCOMPARE(streamed(r, text, rng), expected);
    }
}

void tst_Redactor::shortValuesAreIgnored()
{
    Redactor r;
    int ignored = -1;
    r.setSecrets({QByteArrayLiteral("abc"), QByteArrayLiteral("long-enough"), QByteArray()},
                 &ignored);
    QCOMPARE(ignored, 1);
    QCOMPARE(r.secretCount(), 1);
    QCOMPARE(r.redact(QStringLiteral("abc long-enough")), QStringLiteral("abc ***REDACTED***"));
    Redactor strict(3);
    strict.setSecrets({QByteArrayLiteral("abc")});
    QCOMPARE(strict.redact(QStringLiteral("abc")), QStringLiteral("***REDACTED***"));
}

void tst_Redactor::changingSecretsRescansHeldBytes()
{
    // A secret is rotated while its prefix is held back: the held bytes are rescanned with the
    // new set, so the new value is caught even though it started before the change.
    Redactor r;
    r.setSecrets({QByteArrayLiteral("abcdef-111")});
    Redactor::Stream stream(r);
    QByteArray out = stream.feed("x abcdef-");
    QCOMPARE(out, QByteArray("x "));
    r.setSecrets({QByteArrayLiteral("abcdef-222")});
    out += stream.feed("222 y abcdef-111");
    out += stream.flush();
    QCOMPARE(out, QByteArray("x ***REDACTED*** y abcdef-111"));
}

void tst_Redactor::holdsBackOnlyWhatCouldStillMatch()
{
    Redactor r;
    r.setSecrets({QByteArrayLiteral("zzzzzzzz")});
    Redactor::Stream stream(r);
    QCOMPARE(stream.feed("hello world zz"), QByteArray("hello world "));
    QCOMPARE(stream.heldBytes(), 2);
    QCOMPARE(stream.feed("y"), QByteArray("zzy"));
    QCOMPARE(stream.heldBytes(), 0);
}

void tst_Redactor::noSecretsPassesThrough()
{
    Redactor r;
    Redactor::Stream stream(r);
    QCOMPARE(stream.feed("anything"), QByteArray("anything"));
    QCOMPARE(stream.flush(), QByteArray());
}

// One value with every character class the encodings treat specially: a quote, a slash, a
// backslash, a space, a non-ASCII letter, '+', '~', '*' and a newline. The encoded texts were
// written by Python's base64, binascii, urllib.parse and json modules and by PHP's json_encode.
static const QByteArray Tricky = "pa\"ss/w\\rd \xc3\xbc+~*\n";

void tst_Redactor::encodedForms_data()
{
    QTest::addColumn<QByteArray>("printed");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray m = Redactor::Marker;
    QTest::newRow("base64") << QByteArray("cGEic3Mvd1xyZCDDvCt+Kgo=") << m;
    QTest::newRow("base64 without padding") << QByteArray("cGEic3Mvd1xyZCDDvCt+Kgo") << m;
    QTest::newRow("base64url") << QByteArray("cGEic3Mvd1xyZCDDvCt-Kgo") << m;
    QTest::newRow("base64url padded") << QByteArray("cGEic3Mvd1xyZCDDvCt-Kgo=") << m;
    // After one and two bytes of something else: the characters holding those bytes' bits stay.
    QTest::newRow("base64, second alignment")
        << QByteArray("eHBhInNzL3dccmQgw7wrfioK") << QByteArray("eH" + m);
    QTest::newRow("base64, third alignment")
        << QByteArray("eHlwYSJzcy93XHJkIMO8K34qCg==") << QByteArray("eHl" + m);
    QTest::newRow("basic auth header")
        << QByteArray("Authorization: Basic cGEic3Mvd1xyZCDDvCt+Kgo=\r\n")
        << QByteArray("Authorization: Basic " + m + "\r\n");
    QTest::newRow("hex") << QByteArray("70612273732f775c726420c3bc2b7e2a0a") << m;
    QTest::newRow("HEX") << QByteArray("70612273732F775C726420C3BC2B7E2A0A") << m;
    QTest::newRow("percent (RFC 3986)") << QByteArray("pa%22ss%2Fw%5Crd%20%C3%BC%2B~%2A%0A") << m;
    QTest::newRow("percent, lower-case digits")
        << QByteArray("pa%22ss%2fw%5crd%20%c3%bc%2b~%2a%0a") << m;
    QTest::newRow("form (quote_plus)") << QByteArray("pa%22ss%2Fw%5Crd+%C3%BC%2B~%2A%0A") << m;
    QTest::newRow("form (WHATWG)") << QByteArray("pa%22ss%2Fw%5Crd+%C3%BC%2B%7E*%0A") << m;
    QTest::newRow("query string") << QByteArray(
        "GET /login?user=me&pass=pa%22ss%2Fw%5Crd%20%C3%BC%2B~%2A%0A HTTP/1.1")
                                  << QByteArray("GET /login?user=me&pass=" + m + " HTTP/1.1");
    QTest::newRow("JSON") << QByteArray("pa\\\"ss/w\\\\rd \xc3\xbc+~*\\n") << m;
    QTest::newRow("JSON, ASCII only (Python)") << QByteArray("pa\\\"ss/w\\\\rd \\u00fc+~*\\n") << m;
    QTest::newRow("JSON, ASCII only, upper-case digits")
        << QByteArray("pa\\\"ss/w\\\\rd \\u00FC+~*\\n") << m;
    QTest::newRow("JSON with \\/ (PHP)") << QByteArray("pa\\\"ss\\/w\\\\rd \\u00fc+~*\\n") << m;
    QTest::newRow("JSON with \\/, raw UTF-8")
        << QByteArray("pa\\\"ss\\/w\\\\rd \xc3\xbc+~*\\n") << m;
    QTest::newRow("JSON document")
        << QByteArray("{\"password\":\"pa\\\"ss/w\\\\rd \\u00fc+~*\\n\"}")
        << QByteArray("{\"password\":\"" + m + "\"}");
}

void tst_Redactor::encodedForms()
{
    QFETCH(QByteArray, printed);
    QFETCH(QByteArray, expected);
    Redactor r;
    r.setSecrets({Tricky});
    QCOMPARE(r.secretCount(), 1);
    QCOMPARE(r.redact(printed), expected);
    // Streamed a byte at a time, the held-back bytes cover the longest encoding.
    Redactor::Stream stream(r);
    QByteArray out;
    for (char ch : std::as_const(printed))
        out += stream.feed(QByteArray(1, ch));
    QCOMPARE(out + stream.flush(), expected);
}

void tst_Redactor::encodedFormInsideALongerEncoding()
{
    // The value followed by more bytes in one base64 text: the character it shares with them
    // stays, everything before it goes.
    Redactor r;
    r.setSecrets({Tricky});
    const QByteArray encoded = QByteArray(Tricky + "and more").toBase64();
    QCOMPARE(r.redact(encoded), Redactor::Marker + encoded.mid(8 * Tricky.size() / 6));
    const QByteArray hex = QByteArray("<<" + Tricky + ">>").toHex();
    QCOMPARE(r.redact(hex), hex.left(4) + Redactor::Marker + hex.right(4));
}

void tst_Redactor::exactFormsLeaveEncodingsAlone()
{
    Redactor r(Redactor::DefaultMinimumLength, Redactor::Forms::Exact);
    r.setSecrets({Tricky});
    QCOMPARE(r.redact(Tricky.toBase64()), Tricky.toBase64());
    QCOMPARE(r.redact(Tricky), Redactor::Marker);
    // Shorter than EncodedMinimumLength: only the value itself.
    Redactor strict(3);
    strict.setSecrets({QByteArrayLiteral("abcde")});
    QCOMPARE(strict.redact(QByteArrayLiteral("abcde 6162636465")),
             Redactor::Marker + " 6162636465");
}

void tst_Redactor::manySecretsWithEncodingsAgreeWithTheNaiveReference()
{
    // Enough secrets that most trie nodes have no full row: the failure links are exercised.
    QRandomGenerator rng(20261202);
    QList<QByteArray> secrets;
    QList<QByteArray> patterns;
    for (int i = 0; i < 300; ++i) {
        QByteArray s;
        const int len = int(rng.bounded(6, 20));
        for (int k = 0; k < len; ++k)
            s += char(rng.bounded(32, 127));
        secrets << s;
        patterns << s << Redactor::encodedForms(s);
    }
    Redactor r;
    r.setSecrets(secrets);
    for (int round = 0; round < 50; ++round) {
        QByteArray text;
        while (text.size() < 2000) {
            if (rng.bounded(10) == 0)
                text += patterns.at(rng.bounded(patterns.size()));
            else
                text += char(rng.bounded(32, 127));
        }
        const QByteArray expected = naiveRedact(text, patterns);
        QCOMPARE(r.redact(text), expected);
        QCOMPARE(streamed(r, text, rng), expected);
    }
}

QTEST_GUILESS_MAIN(tst_Redactor)
#include "tst_redactor.moc"
