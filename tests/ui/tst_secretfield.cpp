#include "SecretField.h"

#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <QToolButton>

using namespace steward;

namespace {

SecretSpec tokenSpec(bool required)
{
    SecretSpec s;
    s.id = QStringLiteral("api_token");
    s.secretClass = SecretClass::UserPrompt;
    s.required = required;
    s.format = QStringLiteral("^[A-Za-z0-9_-]{20,}$");
    s.prompt = SecretPrompt {QStringLiteral("Weather API token"),
                             QStringLiteral("From example.com"), QString()};
    return s;
}

QString visibleText(const QWidget &w)
{
    QStringList texts;
    for (const QLabel *l : w.findChildren<QLabel *>())
        texts << l->text();
    return texts.join(QLatin1Char('\n'));
}

} // namespace

class tst_SecretField : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invalidValueIsExplainedWithoutEchoingIt();
    void validValueIsAccepted();
    void optionalEmptyIsAccepted();
    void showHideToggle();
    void wipeClearsTheText();
};

void tst_SecretField::invalidValueIsExplainedWithoutEchoingIt()
{
    SecretField field(tokenSpec(true));
    QVERIFY(!field.isAcceptable());
    QTest::keyClicks(field.lineEdit(), QStringLiteral("short-token"));
    QVERIFY(!field.isAcceptable());
    const QString shown = visibleText(field);
    QVERIFY(shown.contains(QLatin1String("Does not have the expected format")));
    // In plain words, never the pattern itself.
    QVERIFY2(shown.contains(QLatin1String("at least 20 characters: letters, digits, _ or -")),
             qPrintable(shown));
    for (const char *regex : {"^[", "{20,}", "A-Za-z"})
        QVERIFY2(!shown.contains(QLatin1String(regex)), qPrintable(shown));
    QVERIFY(!shown.contains(QLatin1String("short-token")));
    QCOMPARE(field.lineEdit()->echoMode(), QLineEdit::Password);
    QCOMPARE(field.lineEdit()->accessibleName(), QStringLiteral("Weather API token"));
}

void tst_SecretField::validValueIsAccepted()
{
    SecretField field(tokenSpec(true));
    QSignalSpy spy(&field, &SecretField::acceptableChanged);
    QTest::keyClicks(field.lineEdit(), QStringLiteral("wx_0123456789abcdefghij"));
    QVERIFY(field.isAcceptable());
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.first().first().toBool(), true);
    QCOMPARE(field.value(), QStringLiteral("wx_0123456789abcdefghij"));
    QTest::keyClick(field.lineEdit(), Qt::Key_Space);
    QVERIFY(!field.isAcceptable());
    QVERIFY(visibleText(field).contains(QLatin1String("must not start or end with spaces"),
                                        Qt::CaseInsensitive));
}

void tst_SecretField::optionalEmptyIsAccepted()
{
    SecretField field(tokenSpec(false));
    QVERIFY(field.isAcceptable());
    QVERIFY(visibleText(field).contains(QLatin1String("leave empty to skip")));
}

void tst_SecretField::showHideToggle()
{
    SecretField field(tokenSpec(true));
    auto *toggle = field.findChild<QToolButton *>();
    QVERIFY(toggle);
    QTest::mouseClick(toggle, Qt::LeftButton);
    QCOMPARE(field.lineEdit()->echoMode(), QLineEdit::Normal);
    QCOMPARE(toggle->text(), QStringLiteral("Hide"));
    QTest::mouseClick(toggle, Qt::LeftButton);
    QCOMPARE(field.lineEdit()->echoMode(), QLineEdit::Password);
}

void tst_SecretField::wipeClearsTheText()
{
    SecretField field(tokenSpec(true));
    QTest::keyClicks(field.lineEdit(), QStringLiteral("wx_0123456789abcdefghij"));
    field.wipe();
    QVERIFY(field.value().isEmpty());
    QVERIFY(!field.isAcceptable());
}

QTEST_MAIN(tst_SecretField)
#include "tst_secretfield.moc"
