// EnvFile: a deployment's .env read as data, row by row: quotes, escapes, comments, export,
// empty values, nothing expanded or run, duplicate keys (the last wins, with a warning), and
// errors that name the line and the key but never a value.

#include "secrets/EnvFile.h"

#include <QTest>

using namespace steward;

using Values = QMap<QString, QByteArray>;
Q_DECLARE_METATYPE(Values)

namespace {
Values vals(std::initializer_list<std::pair<const char *, QByteArray>> list)
{
    Values out;
    for (const auto &p : list)
        out.insert(QString::fromUtf8(p.first), p.second);
    return out;
}
} // namespace

class tst_EnvFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parses_data();
    void parses();
    void refuses_data();
    void refuses();
    void duplicateKeyLastWinsWithAWarning();
};

void tst_EnvFile::parses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Values>("expected");
    QTest::newRow("plain") << QByteArray("A=1\nB=two\n") << vals({{"A", "1"}, {"B", "two"}});
    QTest::newRow("no final newline") << QByteArray("A=1") << vals({{"A", "1"}});
    QTest::newRow("crlf") << QByteArray("A=1\r\nB=\"x\"\r\n") << vals({{"A", "1"}, {"B", "x"}});
    QTest::newRow("blanks around")
        << QByteArray("  A =  spaced value  \n") << vals({{"A", "spaced value"}});
    QTest::newRow("comments") << QByteArray("# a comment\n\n  # another\nA=1 # trailing\nB=x#y\n")
                              << vals({{"A", "1"}, {"B", "x#y"}});
    QTest::newRow("export") << QByteArray("export A=1\nexport\tB='b'\n")
                            << vals({{"A", "1"}, {"B", "b"}});
    QTest::newRow("empty values") << QByteArray("A=\nB=''\nC=\"\"\nD= # none\n")
                                  << vals({{"A", ""}, {"B", ""}, {"C", ""}, {"D", ""}});
    QTest::newRow("single quotes literal") << QByteArray("A='a \\n $HOME \"q\" # not a comment'\n")
                                           << vals({{"A", "a \\n $HOME \"q\" # not a comment"}});
    QTest::newRow("double quote escapes")
        << QByteArray("A=\"line1\\nline2\\ttab \\\"q\\\" back\\\\slash \\$HOME\"\n")
        << vals({{"A", "line1\nline2\ttab \"q\" back\\slash $HOME"}});
    QTest::newRow("unknown escape kept") << QByteArray("A=\"\\d\"\n") << vals({{"A", "\\d"}});
    QTest::newRow("quotes spanning lines")
        << QByteArray("CERT=\"-----BEGIN-----\nabc\n-----END-----\"\nNEXT=1\n")
        << vals({{"CERT", "-----BEGIN-----\nabc\n-----END-----"}, {"NEXT", "1"}});
    QTest::newRow("hash right after equals") << QByteArray("A=#x\n") << vals({{"A", "#x"}});
    QTest::newRow("comment after quotes") << QByteArray("A='x' # why\n") << vals({{"A", "x"}});
    QTest::newRow("no expansion, no command substitution")
        << QByteArray("A=$HOME\nB=${USER}\nC=$(rm -rf /)\nD=`id`\nE=\"$(id)\"\n")
        << vals({{"A", "$HOME"},
                 {"B", "${USER}"},
                 {"C", "$(rm -rf /)"},
                 {"D", "`id`"},
                 {"E", "$(id)"}});
    QTest::newRow("equals in value") << QByteArray("URL=postgres://u:p@h/db?a=b\n")
                                     << vals({{"URL", "postgres://u:p@h/db?a=b"}});
    QTest::newRow("utf-8") << QByteArray("NAME=Zoë 🌍\n") << vals({{"NAME", "Zoë 🌍"}});
    QTest::newRow("empty file") << QByteArray() << Values {};
}

void tst_EnvFile::parses()
{
    QFETCH(QByteArray, text);
    QFETCH(Values, expected);
    const Result<EnvFile> parsed = EnvFile::parse(text);
    QVERIFY2(parsed, qPrintable(parsed.error()));
    QCOMPARE(parsed->values(), expected);
    QVERIFY(parsed->warnings().isEmpty());
}

void tst_EnvFile::refuses_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QString>("error");
    QTest::newRow("no equals") << QByteArray("A=1\nSECRET_LINE hunter2\n")
                               << QStringLiteral("line 2: SECRET_LINE has no \"=\"");
    QTest::newRow("bad name") << QByteArray("\n\n1A=hunter2\n")
                              << QStringLiteral("line 3: expected a variable name");
    QTest::newRow("unterminated double") << QByteArray("A=\"hunter2\nB=2\n")
                                         << QStringLiteral("line 1: the value of A has no closing");
    QTest::newRow("unterminated single") << QByteArray("X=1\nA='hunter2\n")
                                         << QStringLiteral("line 2: the value of A has no closing");
    QTest::newRow("text after quote") << QByteArray("A=\"x\"hunter2\n")
                                      << QStringLiteral("line 1: unexpected text after the closing "
                                                        "quote of A");
}

void tst_EnvFile::refuses()
{
    QFETCH(QByteArray, text);
    QFETCH(QString, error);
    const Result<EnvFile> parsed = EnvFile::parse(text);
    QVERIFY(!parsed);
    QVERIFY2(parsed.error().startsWith(error), qPrintable(parsed.error()));
    QVERIFY2(!parsed.error().contains(QLatin1String("hunter2")), qPrintable(parsed.error()));
}

void tst_EnvFile::duplicateKeyLastWinsWithAWarning()
{
    const Result<EnvFile> parsed = EnvFile::parse("A=first-secret\nB=2\nA=second-secret\n");
    QVERIFY(parsed);
    QCOMPARE(parsed->values(), (vals({{"A", "second-secret"}, {"B", "2"}})));
    QCOMPARE(parsed->entries().first().key, QStringLiteral("A")); // first appearance keeps order
    QCOMPARE(parsed->warnings(),
             QStringList {
                 QStringLiteral("line 3: A is set again (before on line 1); the last value wins")});
}

QTEST_GUILESS_MAIN(tst_EnvFile)

#include "tst_envfile.moc"
