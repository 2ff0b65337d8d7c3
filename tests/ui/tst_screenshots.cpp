#include "Palettes.h"
#include "SecretField.h"
#include "UiHarness.h"
#include "process/Supervisor.h"
#include "settings/SettingsDialog.h"
#include "wizard/FirstRunWizard.h"
#include "wizard/PromptedSecretsPage.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QGuiApplication>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QTest>
#include <QToolButton>
#include <QTranslator>

using namespace steward;

// Not a check of pixels: pictures a person looks at (the wizard's every page and Settings),
// taken of real windows on the X server, with the widgets in the state the tests drive them to.
class tst_Screenshots : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup();
    void wizardPages_data();
    void wizardPages();
    void noKeychainPage_data();
    void noKeychainPage();
    void settings_data();
    void settings();

private:
    // Each picture in three looks: the light default, a dark theme, and German (light).
    static void addLooks();
    void save(QWidget *window, const QString &name);
    QDir m_dir;
    QTranslator m_german;
};

void tst_Screenshots::addLooks()
{
    QTest::addColumn<QString>("suffix");
    QTest::newRow("light") << QString();
    QTest::newRow("dark") << QStringLiteral("-dark");
    QTest::newRow("german") << QStringLiteral("-de");
}

void tst_Screenshots::init()
{
    const QString look = QString::fromLatin1(QTest::currentDataTag());
    if (look == QLatin1String("dark"))
        QApplication::setPalette(test::darkPalette());
    if (look == QLatin1String("german")) {
        QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
        QVERIFY(m_german.load(QLocale(), QStringLiteral("steward"), QStringLiteral("_"),
                              QStringLiteral(":/i18n")));
        QCoreApplication::installTranslator(&m_german);
    }
}

void tst_Screenshots::cleanup()
{
    QCoreApplication::removeTranslator(&m_german);
    QLocale::setDefault(QLocale::c());
    QApplication::setPalette(QApplication::style()->standardPalette());
}

void tst_Screenshots::wizardPages_data()
{
    addLooks();
}

void tst_Screenshots::noKeychainPage_data()
{
    addLooks();
}

void tst_Screenshots::settings_data()
{
    addLooks();
}

void tst_Screenshots::initTestCase()
{
    if (QGuiApplication::platformName() != QLatin1String("xcb"))
        QSKIP("needs an X server (scripts/with-test-session starts Xvfb)");
    QVERIFY(QDir().mkpath(QStringLiteral(STEWARD_SCREENSHOT_DIR)));
    m_dir.setPath(QStringLiteral(STEWARD_SCREENSHOT_DIR));
    // Its own earlier shots go; other tests' (the browser test's page) stay.
    for (const QString &old : m_dir.entryList(
             {QStringLiteral("wizard-*.png"), QStringLiteral("settings-*.png")}, QDir::Files))
        QVERIFY(m_dir.remove(old));
}

void tst_Screenshots::save(QWidget *window, const QString &name)
{
    QFETCH(QString, suffix);
    QVERIFY(QTest::qWaitForWindowExposed(window));
    QCoreApplication::processEvents();
    const QString path = m_dir.filePath(name + suffix + QStringLiteral(".png"));
    const QPixmap shot = window->grab();
    QVERIFY(!shot.isNull());
    QVERIFY2(shot.save(path), qPrintable(path));
    qInfo("saved %s", qPrintable(path));
}

void tst_Screenshots::wizardPages()
{
    test::UiHarness h;
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *w = h.shell().wizard();
    save(w, QStringLiteral("wizard-1-welcome"));
    w->next();
    save(w, QStringLiteral("wizard-2-generated"));
    w->next();
    auto *page = static_cast<PromptedSecretsPage *>(w->currentPage());
    QTest::keyClicks(page->field(QStringLiteral("api_token"))->lineEdit(), QStringLiteral("abc"));
    save(w, QStringLiteral("wizard-3-your-secrets-invalid"));
    page->field(QStringLiteral("api_token"))->lineEdit()->clear();
    QTest::keyClicks(page->field(QStringLiteral("api_token"))->lineEdit(),
                     QStringLiteral("wx_0123456789abcdefghij"));
    page->field(QStringLiteral("greeting_name"))->skipButton()->click();
    save(w, QStringLiteral("wizard-4-your-secrets-valid"));
    w->next();
    save(w, QStringLiteral("wizard-5-review"));
    w->button(QWizard::CommitButton)->click();
    save(w, QStringLiteral("wizard-6-starting"));
    QTRY_VERIFY_WITH_TIMEOUT(w->button(QWizard::FinishButton)->isEnabled(), 30000);
    save(w, QStringLiteral("wizard-7-ready"));
    QCOMPARE(h.stop(), 0);
}

void tst_Screenshots::noKeychainPage()
{
    test::UiHarness h(test::UiHarness::withoutKeychain());
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    h.shell().wizard()->next();
    QCOMPARE(h.shell().wizard()->currentId(), int(FirstRunWizard::NoKeychain));
    save(h.shell().wizard(), QStringLiteral("wizard-no-keychain"));
    QCOMPARE(h.stop(), 0);
}

void tst_Screenshots::settings()
{
    QTemporaryDir data;
    RuntimeOptions options;
    options.appDataDir = data.path();
    QVERIFY(test::UiHarness::completeFirstRun(
        data.path(), {{QStringLiteral("api_token"), QStringLiteral("wx_0123456789abcdefghij")}}));
    test::UiHarness h(options);
    QVERIFY(h.startReady());
    h.shell().showSettings();
    SettingsDialog *s = h.shell().settings();
    save(s, QStringLiteral("settings-secrets"));
    s->showServices();
    save(s, QStringLiteral("settings-services"));
    QCOMPARE(h.stop(), 0);
}

QTEST_MAIN(tst_Screenshots)
#include "tst_screenshots.moc"
