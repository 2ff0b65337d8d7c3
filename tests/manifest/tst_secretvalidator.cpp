#include "manifest/SecretValidator.h"

#include <QTest>

using namespace steward;

class tst_SecretValidator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void problems_data();
    void problems();
    void formatInWords_data();
    void formatInWords();
};

void tst_SecretValidator::problems_data()
{
    QTest::addColumn<bool>("required");
    QTest::addColumn<bool>("fileTarget");
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("problem"); // empty: acceptable

    QTest::newRow("required and empty") << true << false << ""
                                        << ""
                                        << "a value is required";
    QTest::newRow("optional and empty") << false << false << ""
                                        << ""
                                        << "";
    QTest::newRow("plain value") << true << false << ""
                                 << "s3cr3t-value"
                                 << "";
    QTest::newRow("leading space") << true << false << ""
                                   << " s3cr3t-value"
                                   << "must not start or end with spaces";
    QTest::newRow("trailing newline") << true << false << ""
                                      << "s3cr3t-value\n"
                                      << "must not start or end with spaces";
    QTest::newRow("NUL in env") << true << false << ""
                                << QStringLiteral("ab") + QChar(0) + QStringLiteral("cd") << "NUL";
    QTest::newRow("NUL in file is fine")
        << true << true << "" << QStringLiteral("ab") + QChar(0) + QStringLiteral("cd") << "";
    QTest::newRow("env at 64 KiB")
        << true << false << "" << QString(64 * 1024, QLatin1Char('x')) << "";
    QTest::newRow("env over 64 KiB")
        << true << false << "" << QString(64 * 1024 + 1, QLatin1Char('x')) << "at most 65536 bytes";
    QTest::newRow("env multibyte over 64 KiB")
        << true << false << "" << QString(40 * 1024, QChar(0x00E9)) << "at most 65536 bytes";
    QTest::newRow("file at 1 MiB")
        << true << true << "" << QString(1024 * 1024, QLatin1Char('x')) << "";
    QTest::newRow("file over 1 MiB")
        << true << true << "" << QString(1024 * 1024 + 1, QLatin1Char('x'))
        << "at most 1048576 bytes";
    QTest::newRow("format match") << true << false << "^[A-Za-z0-9]{8,}$"
                                  << "abcDEF123"
                                  << "";
    QTest::newRow("format mismatch") << true << false << "^[A-Za-z0-9]{8,}$"
                                     << "short-1"
                                     << "does not have the expected format; expected at least 8 "
                                        "characters: letters or digits";
    // Anchored only as written: an unanchored format matches anywhere.
    QTest::newRow("unanchored format") << true << false << "[0-9]"
                                       << "abc7def"
                                       << "";
}

void tst_SecretValidator::problems()
{
    QFETCH(bool, required);
    QFETCH(bool, fileTarget);
    QFETCH(QString, format);
    QFETCH(QString, value);
    QFETCH(QString, problem);
    SecretSpec spec;
    spec.id = QStringLiteral("db_password");
    spec.required = required;
    spec.format = format;
    spec.target.type = fileTarget ? SecretTarget::Type::File : SecretTarget::Type::Env;
    const QStringList found = SecretValidator::problems(spec, value);
    if (problem.isEmpty()) {
        QVERIFY2(found.isEmpty(), qPrintable(found.join(QLatin1Char('\n'))));
        return;
    }
    QCOMPARE(found.size(), 1);
    QVERIFY2(found.first().contains(problem), qPrintable(found.first()));
    QVERIFY(found.first().startsWith(QLatin1String("db_password: ")));
    if (value.trimmed().size() >= 4)
        QVERIFY2(!found.first().contains(value.trimmed()), "the message must never echo the value");
}

void tst_SecretValidator::formatInWords_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("hint");
    QTest::addColumn<QString>("problem");
    QTest::newRow("token") << "^[A-Za-z0-9_-]{20,}$"
                           << ""
                           << "expected at least 20 characters: letters, digits, _ or -";
    QTest::newRow("prefix") << "^sk-[A-Za-z0-9]{32}$"
                            << ""
                            << "expected \"sk-\" then exactly 32 characters: letters or digits";
    QTest::newRow("range") << "^[0-9]{4,8}$"
                           << ""
                           << "expected 4 to 8 characters: digits";
    QTest::newRow("hex") << "^[a-f0-9]+$"
                         << ""
                         << "";
    QTest::newRow("other pattern, hint") << "^(foo|bar)$"
                                         << "foo or bar"
                                         << "does not have the expected format: foo or bar";
    QTest::newRow("other pattern, nothing") << "^(foo|bar)$"
                                            << ""
                                            << "does not have the expected format";
}

void tst_SecretValidator::formatInWords()
{
    QFETCH(QString, format);
    QFETCH(QString, hint);
    QFETCH(QString, problem);
    SecretSpec spec;
    spec.id = QStringLiteral("api_token");
    spec.format = format;
    if (!hint.isEmpty())
        spec.prompt = SecretPrompt {QStringLiteral("API token"), {}, hint};
    const QStringList found = SecretValidator::problems(spec, QStringLiteral("!!"));
    QCOMPARE(found.size(), 1);
    QVERIFY2(!found.first().contains(format), qPrintable(found.first()));
    QVERIFY2(!found.first().contains(QLatin1Char('^')), qPrintable(found.first()));
    if (!problem.isEmpty())
        QVERIFY2(found.first().endsWith(problem), qPrintable(found.first()));
}

QTEST_GUILESS_MAIN(tst_SecretValidator)
#include "tst_secretvalidator.moc"
