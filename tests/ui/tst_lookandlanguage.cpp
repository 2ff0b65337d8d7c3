// The wizard and Settings in another language and other colours: started in de_DE, every
// wizard page and every Settings tab shows the German catalogue's words and none of the English
// ones it translates; in a light, a dark and a high-contrast palette, every label's text and
// every coloured mark in it reads on its background (WCAG contrast of at least 4.5 to 1).

#include "DisplayText.h"
#include "Palettes.h"
#include "SecretField.h"
#include "TestPaths.h"
#include "UiHarness.h"
#include "process/Supervisor.h"
#include "settings/SettingsDialog.h"
#include "wizard/FirstRunWizard.h"
#include "wizard/PromptedSecretsPage.h"

#include <QAbstractButton>
#include <QApplication>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSet>
#include <QStyle>
#include <QTabWidget>
#include <QTest>
#include <QTextDocument>
#include <QToolButton>
#include <QTranslator>
#include <QXmlStreamReader>

#include <functional>

using namespace steward;

Q_DECLARE_METATYPE(QPalette)

namespace {

const QString ApiToken = QStringLiteral("wx_0123456789abcdefghij");

// The plain text of a label or button as a person reads it.
QString plain(const QString &text)
{
    QTextDocument doc;
    doc.setHtml(text);
    return doc.toPlainText().remove(QLatin1Char('&')).simplified();
}

// What a window shows of ours: its visible labels' and buttons' texts, and the wizard page's
// title and subtitle. QWizard's own Next/Back/Cancel are Qt's words, not the catalogue's.
QStringList shownTexts(QWidget *window, QWizardPage *page = nullptr)
{
    QStringList texts;
    if (page)
        texts << plain(page->title()) << plain(page->subTitle());
    for (const QLabel *label : window->findChildren<QLabel *>()) {
        if (label->isVisible())
            texts << plain(label->text());
    }
    QSet<const QAbstractButton *> wizardOwn;
    if (auto *wizard = qobject_cast<QWizard *>(window)) {
        for (QWizard::WizardButton which :
             {QWizard::BackButton, QWizard::NextButton, QWizard::CommitButton,
              QWizard::FinishButton, QWizard::CancelButton, QWizard::HelpButton})
            wizardOwn.insert(wizard->button(which));
    }
    for (const QAbstractButton *button : window->findChildren<QAbstractButton *>()) {
        if (button->isVisible() && !wizardOwn.contains(button))
            texts << plain(button->text());
    }
    if (auto *tabs = window->findChild<QTabWidget *>()) {
        for (int i = 0; i < tabs->count(); ++i)
            texts << plain(tabs->tabText(i));
    }
    texts.removeAll(QString());
    return texts;
}

// The German catalogue as data: the English sources it translates to something else, and the
// German words of its translations (the parts between placeholders).
struct Catalogue
{
    QSet<QString> english;
    QStringList germanParts;
};

Catalogue readCatalogue()
{
    Catalogue c;
    QFile f(test::sourceDir() + QStringLiteral("/resources/translations/steward_de.ts"));
    if (!f.open(QIODevice::ReadOnly))
        return c;
    QXmlStreamReader xml(&f);
    QString source;
    static const QRegularExpression placeholder(QStringLiteral("%L?\\d|%n"));
    while (!xml.atEnd()) {
        if (xml.readNext() != QXmlStreamReader::StartElement)
            continue;
        if (xml.name() == QLatin1String("source")) {
            source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")
                   || xml.name() == QLatin1String("numerusform")) {
            const QString german = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (german.isEmpty() || german == source)
                continue;
            if (!source.contains(QLatin1Char('%')))
                c.english.insert(plain(source));
            for (const QString &part : german.split(placeholder)) {
                if (plain(part).size() >= 6)
                    c.germanParts << plain(part);
            }
        }
    }
    return c;
}

// Every visible label of `window` reads on its background, and so does every colour its rich
// text sets; the failures as "label text: colour on background (ratio)".
QStringList unreadable(QWidget *window)
{
    QStringList bad;
    static const QRegularExpression colour(QStringLiteral("color:\\s*(#[0-9a-fA-F]{6})"));
    for (const QLabel *label : window->findChildren<QLabel *>()) {
        if (!label->isVisible() || label->text().isEmpty())
            continue;
        const QColor background = label->palette().color(label->backgroundRole());
        QList<QColor> colours {label->palette().color(label->foregroundRole())};
        for (auto it = colour.globalMatch(label->text()); it.hasNext();)
            colours << QColor(it.next().captured(1));
        for (const QColor &c : colours) {
            const double ratio = DisplayText::contrast(c, background);
            if (ratio < 4.5)
                bad << QStringLiteral("%1: %2 on %3 (%4)")
                           .arg(plain(label->text()).left(40), c.name(), background.name())
                           .arg(ratio, 0, 'f', 2);
        }
    }
    return bad;
}

// Walks the first-run wizard of the example through every page it shows (an invalid entry on
// the secrets page included), calling `visit` on each, then finishes it.
void walkWizard(test::UiHarness &h,
                const std::function<void(const QString &, FirstRunWizard *)> &visit)
{
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *w = h.shell().wizard();
    QVERIFY(QTest::qWaitForWindowExposed(w));
    visit(QStringLiteral("welcome"), w);
    w->next();
    visit(QStringLiteral("generated"), w);
    w->next();
    auto *page = static_cast<PromptedSecretsPage *>(w->currentPage());
    QTest::keyClicks(page->field(QStringLiteral("api_token"))->lineEdit(), QStringLiteral("abc"));
    visit(QStringLiteral("secrets, invalid entry"), w);
    page->field(QStringLiteral("api_token"))->lineEdit()->clear();
    QTest::keyClicks(page->field(QStringLiteral("api_token"))->lineEdit(), ApiToken);
    page->field(QStringLiteral("greeting_name"))->skipButton()->click();
    w->next();
    visit(QStringLiteral("review"), w);
    w->button(QWizard::CommitButton)->click();
    QTRY_VERIFY_WITH_TIMEOUT(w->button(QWizard::FinishButton)->isEnabled(), 30000);
    visit(QStringLiteral("ready"), w);
}

// Settings of a finished first run, on both tabs.
void walkSettings(QTemporaryDir &data, const std::function<void(const QString &, QWidget *)> &visit)
{
    RuntimeOptions options;
    options.appDataDir = data.path();
    QVERIFY(
        test::UiHarness::completeFirstRun(data.path(), {{QStringLiteral("api_token"), ApiToken}}));
    test::UiHarness h(options);
    QVERIFY(h.startReady());
    h.shell().showSettings();
    SettingsDialog *s = h.shell().settings();
    QVERIFY(QTest::qWaitForWindowExposed(s));
    visit(QStringLiteral("settings, secrets"), s);
    s->showServices();
    visit(QStringLiteral("settings, services"), s);
    QCOMPARE(h.stop(), 0);
}

} // namespace

class tst_LookAndLanguage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void germanOnEveryPage();
    void everyStateReads_data();
    void everyStateReads();
    void cleanup();
};

void tst_LookAndLanguage::germanOnEveryPage()
{
    const Catalogue catalogue = readCatalogue();
    QVERIFY(catalogue.english.size() > 100);
    // As the app starts in a German session: the catalogue picked by the locale.
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QTranslator german;
    QVERIFY(german.load(QLocale(), QStringLiteral("steward"), QStringLiteral("_"),
                        QStringLiteral(":/i18n")));
    QVERIFY(QCoreApplication::installTranslator(&german));

    auto check = [&](const QString &where, QWidget *window, QWizardPage *page) {
        const QStringList texts = shownTexts(window, page);
        QStringList english, germanFound;
        for (const QString &t : texts) {
            if (catalogue.english.contains(t))
                english << t;
            for (const QString &part : catalogue.germanParts) {
                if (t.contains(part))
                    germanFound << part;
            }
        }
        QVERIFY2(english.isEmpty(),
                 qPrintable(where + QStringLiteral(" still says: ")
                            + english.join(QStringLiteral(" | "))));
        QVERIFY2(!germanFound.isEmpty(),
                 qPrintable(where + QStringLiteral(" shows no German: ")
                            + texts.join(QStringLiteral(" | "))));
    };
    {
        test::UiHarness h;
        QCOMPARE(h.start(), 0);
        walkWizard(
            h, [&](const QString &where, FirstRunWizard *w) { check(where, w, w->currentPage()); });
        QCOMPARE(h.stop(), 0);
    }
    QTemporaryDir data;
    walkSettings(data, [&](const QString &where, QWidget *s) { check(where, s, nullptr); });
    QCoreApplication::removeTranslator(&german);
}

void tst_LookAndLanguage::everyStateReads_data()
{
    QTest::addColumn<QPalette>("palette");
    QTest::newRow("light") << QApplication::style()->standardPalette();
    QTest::newRow("dark") << test::darkPalette();
    QTest::newRow("high contrast") << test::highContrastPalette();
}

void tst_LookAndLanguage::everyStateReads()
{
    QFETCH(QPalette, palette);
    QApplication::setPalette(palette);
    auto check = [](const QString &where, QWidget *window) {
        const QStringList bad = unreadable(window);
        QVERIFY2(bad.isEmpty(),
                 qPrintable(where + QStringLiteral(": ") + bad.join(QStringLiteral(" | "))));
    };
    {
        test::UiHarness h;
        QCOMPARE(h.start(), 0);
        walkWizard(h, [&](const QString &where, FirstRunWizard *w) { check(where, w); });
        QCOMPARE(h.stop(), 0);
    }
    {
        // Without a keychain: the warning on the review page.
        test::UiHarness h(test::UiHarness::withoutKeychain());
        QCOMPARE(h.start(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
        h.shell().wizard()->next();
        check(QStringLiteral("no keychain"), h.shell().wizard());
        QCOMPARE(h.stop(), 0);
    }
    QTemporaryDir data;
    walkSettings(data, check);
}

void tst_LookAndLanguage::cleanup()
{
    QLocale::setDefault(QLocale::c());
    QApplication::setPalette(QApplication::style()->standardPalette());
}

QTEST_MAIN(tst_LookAndLanguage)
#include "tst_lookandlanguage.moc"
