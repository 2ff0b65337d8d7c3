#include "MessageBox.h"
#include "SecretField.h"
#include "StoreSync.h"
#include "UiHarness.h"
#include "process/Supervisor.h"
#include "secrets/KeychainStore.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"
#include "settings/SettingsDialog.h"
#include "wizard/FirstRunWizard.h"
#include "wizard/PromptedSecretsPage.h"

#include <QAbstractButton>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

#include <nlohmann/json.hpp>

using namespace steward;

namespace {

const QString Token = QStringLiteral("wx_0123456789abcdefghij");

QString labelsOf(const QWidget *w)
{
    QStringList texts;
    for (const QLabel *l : w->findChildren<QLabel *>())
        texts << l->text();
    return texts.join(QLatin1Char('\n'));
}

// Presses a wizard button the way a keyboard user would: focus it and press Space.
void press(QWizard *wizard, QWizard::WizardButton which)
{
    QAbstractButton *b = wizard->button(which);
    QVERIFY2(b->isVisible() && b->isEnabled(), qPrintable(b->text()));
    b->setFocus();
    QTest::keyClick(b, Qt::Key_Space);
}

// The Vrooli runtime ran hello-steward before and left its generated secrets in plaintext, in
// <user config dir>/hello-steward (XDG_CONFIG_HOME points to a throw-away dir meanwhile).
class OldInstall
{
public:
    OldInstall()
        : m_saved(qgetenv("XDG_CONFIG_HOME"))
    {
        qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
        QFile secrets(secretsFile());
        m_ok = QDir().mkpath(dir()) && secrets.open(QIODevice::WriteOnly)
            && secrets.write(R"({"secrets":{"session_key":")" + session() + R"(","signing_key":")"
                             + QByteArray(32, 'a').toHex() + R"("}})")
                > 0;
    }
    ~OldInstall() { qputenv("XDG_CONFIG_HOME", m_saved); }
    bool ok() const { return m_ok; }
    QString dir() const { return m_config.filePath(QStringLiteral("hello-steward")); }
    QString secretsFile() const { return dir() + QStringLiteral("/secrets.json"); }
    static QByteArray session() { return QByteArray(43, 'S'); }

private:
    QTemporaryDir m_config;
    QByteArray m_saved;
    bool m_ok = false;
};

} // namespace

class tst_FirstRunWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void invalidValueKeepsNextDisabled();
    void finishStoresTheSecretsAndStartsTheServices();
    void noKeychainOffersTheEncryptedFile();
    void lockedKeychainKeepsTheApiUp();
    void noKeychainQuit();
    void keyboardOnlyWithNamedInputs();
    void noKeychainCancelQuitsToo();

    void secondRunGoesStraightToTheTray();
    void secondLaunchShowsTheRunningSettings();
    void importedSecretsAreNamed();
    void importIntoTheFileStoreWithoutAKeychain();
};

void tst_FirstRunWizard::invalidValueKeepsNextDisabled()
{
    test::UiHarness h;
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *wizard = h.shell().wizard();
    QCOMPARE(wizard->windowTitle(), QStringLiteral("Set up hello-steward"));
    QVERIFY(labelsOf(wizard->currentPage()).contains(QLatin1String("A demo app: an API")));
    press(wizard, QWizard::NextButton);
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::Generated));
    // Generated before the page showed, listed with their lengths, never their values.
    const QString generated = labelsOf(wizard->currentPage());
    QVERIFY2(generated.contains(QLatin1String("session_key generated (43 chars)")),
             qPrintable(generated));
    QVERIFY(generated.contains(QLatin1String("signing_key generated (64 chars)")));
    QVERIFY(!generated.contains(
        QString::fromLatin1(*h.runtime().keeper()->value(QStringLiteral("session_key")))));
    press(wizard, QWizard::NextButton);
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::Prompted));

    auto *page = static_cast<PromptedSecretsPage *>(wizard->currentPage());
    SecretField *token = page->field(QStringLiteral("api_token"));
    QVERIFY(token);
    QTRY_COMPARE(wizard->focusWidget(), token->lineEdit()); // typing can start at once

    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    QTest::keyClicks(token->lineEdit(), QStringLiteral("too-short"));
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    const QString shown = labelsOf(token);
    QVERIFY2(shown.contains(QLatin1String("expected format")), qPrintable(shown));
    for (const char *regex : {"^[", "{20,}", "A-Za-z"})
        QVERIFY2(!shown.contains(QLatin1String(regex)), qPrintable(shown));
    QVERIFY(!shown.contains(QLatin1String("too-short")));
    // Clicking Next anyway does nothing.
    wizard->button(QWizard::NextButton)->click();
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::Prompted));

    token->lineEdit()->clear();
    QTest::keyClicks(token->lineEdit(), Token);
    QVERIFY(wizard->button(QWizard::NextButton)->isEnabled());
    // The optional field does not block, and Tab reaches it from the required one.
    QVERIFY(page->field(QStringLiteral("greeting_name"))->isAcceptable());
    QCOMPARE(h.stop(), 0);
}

void tst_FirstRunWizard::finishStoresTheSecretsAndStartsTheServices()
{
    test::UiHarness h;
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *wizard = h.shell().wizard();
    press(wizard, QWizard::NextButton);
    press(wizard, QWizard::NextButton);
    auto *page = static_cast<PromptedSecretsPage *>(wizard->currentPage());
    QTest::keyClicks(page->field(QStringLiteral("api_token"))->lineEdit(), Token);
    SecretField *name = page->field(QStringLiteral("greeting_name"));
    QTest::keyClicks(name->lineEdit(), QStringLiteral("Ada"));
    name->skipButton()->click(); // changed their mind: skip it
    QVERIFY(name->isSkipped());
    QVERIFY(name->lineEdit()->text().isEmpty());
    QVERIFY(!name->lineEdit()->isEnabled());
    press(wizard, QWizard::NextButton);

    QCOMPARE(wizard->currentId(), int(FirstRunWizard::Review));
    const QString review = labelsOf(wizard->currentPage());
    QVERIFY2(review.contains(QLatin1String("All required secrets provided")), qPrintable(review));
    QVERIFY(review.contains(h.runtime().store()->backendName().toHtmlEscaped()));
    QVERIFY(review.contains(QLatin1String("Weather API token: entered now")));
    QVERIFY(review.contains(QLatin1String("Your name: skipped")));
    QVERIFY(!review.contains(Token));
    QCOMPARE(wizard->button(QWizard::CommitButton)->text(), QStringLiteral("Save and start"));
    press(wizard, QWizard::CommitButton);

    QCOMPARE(wizard->currentId(), int(FirstRunWizard::Starting));
    QVERIFY(!wizard->button(QWizard::BackButton)->isVisible()
            || !wizard->button(QWizard::BackButton)->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(wizard->button(QWizard::FinishButton)->isEnabled(), 30000);
    const Supervisor *supervisor = h.runtime().supervisor();
    QCOMPARE(supervisor->status(), Supervisor::AppStatus::Ready);
    QCOMPARE(supervisor->service(QStringLiteral("api"))->state(), ManagedService::State::Ready);
    QCOMPARE(supervisor->service(QStringLiteral("web"))->state(), ManagedService::State::Ready);
    // The entered value was wiped from the widget once stored.
    QVERIFY(page->field(QStringLiteral("api_token"))->lineEdit()->text().isEmpty());

    // Open the app from the last page: the URL Steward serves the ui-bundle service on.
    QCOMPARE(supervisor->service(QStringLiteral("ui"))->state(), ManagedService::State::Ready);
    auto *openApp = wizard->currentPage()->findChild<QPushButton *>(QStringLiteral("openApp"));
    QVERIFY(openApp && openApp->isEnabled());
    openApp->click();
    QCOMPARE(h.opened().size(), 1);
    QCOMPARE(h.opened().first(),
             QUrl(QStringLiteral("http://127.0.0.1:%1/")
                      .arg(supervisor->ports()
                               .value(QStringLiteral("ui"))
                               .value(QStringLiteral("http")))));

    press(wizard, QWizard::FinishButton);
    QTRY_VERIFY(!h.shell().wizard());
    // In the keychain, read back by a separate client; the skipped one is not stored.
    const Result<InstallState> state = InstallState::load(h.appData());
    QVERIFY(state);
    KeychainStore keychain(h.runtime().manifest().app.name, state.value().installId());

    const test::ReadOutcome stored = test::readNow(keychain, QStringLiteral("api_token"));
    QVERIFY2(stored.error.ok(), qPrintable(stored.error.message));
    QCOMPARE(stored.value, Token.toLatin1());
    QCOMPARE(test::readNow(keychain, QStringLiteral("greeting_name")).error.kind,
             SecretStore::ErrorKind::NotFound);
    // Not in Steward's output either.
    QVERIFY(!h.output().contains(Token));
    QCOMPARE(h.stop(), 0);
}

void tst_FirstRunWizard::noKeychainOffersTheEncryptedFile()
{
    test::UiHarness h(test::UiHarness::withoutKeychain());
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *wizard = h.shell().wizard();
    QVERIFY(wizard->storeUnavailable());
    QVERIFY(!h.runtime().supervisor()); // nothing starts before the person decides
    press(wizard, QWizard::NextButton);
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::NoKeychain));
    QVERIFY(labelsOf(wizard->currentPage()).contains(QLatin1String("encrypted file")));
    QVERIFY(!wizard->button(QWizard::NextButton)->isEnabled());
    wizard->currentPage()->findChild<QPushButton *>(QStringLiteral("useFileStore"))->click();
    QTRY_VERIFY_WITH_TIMEOUT(wizard->button(QWizard::NextButton)->isEnabled(), 20000);
    press(wizard, QWizard::NextButton);
    QVERIFY(labelsOf(wizard->currentPage()).contains(QLatin1String("session_key generated")));
    press(wizard, QWizard::NextButton);
    auto *page = static_cast<PromptedSecretsPage *>(wizard->currentPage());
    QTest::keyClicks(page->field(QStringLiteral("api_token"))->lineEdit(), Token);
    press(wizard, QWizard::NextButton);
    const QString review = labelsOf(wizard->currentPage());
    QVERIFY2(review.contains(QLatin1String("key is in a file")), qPrintable(review));
    press(wizard, QWizard::CommitButton);
    QTRY_VERIFY_WITH_TIMEOUT(wizard->button(QWizard::FinishButton)->isEnabled(), 30000);
    QCOMPARE(h.runtime().store()->protection(), SecretStore::Protection::PlainKeyFile);
    QVERIFY(QDir(h.appData() + QStringLiteral("/secrets")).exists());
    QCOMPARE(h.stop(), 0);
}

void tst_FirstRunWizard::lockedKeychainKeepsTheApiUp()
{
    // A keychain that does not answer, as a locked one waiting for its unlock prompt.
    MemoryStore *keychain = nullptr;
    RuntimeOptions options;
    options.keychainFactory = [&keychain](const QString &, const QString &) {
        auto store = std::make_unique<MemoryStore>();
        store->hold();
        keychain = store.get();
        return store;
    };
    test::UiHarness h(options);
    QCOMPARE(h.start(), 0);
    QVERIFY(keychain);
    auto file = [&](const char *name) {
        QFile f(h.appData() + QStringLiteral("/runtime/") + QLatin1String(name));
        return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed() : QByteArray();
    };
    const QByteArray port = file("ipc_port");
    const QByteArray token = file("auth-token");
    QVERIFY(!port.isEmpty() && !token.isEmpty());
    QNetworkAccessManager nam;
    struct Answer
    {
        int status = 0;
        QByteArray retryAfter;
        nlohmann::json body;
    };
    auto ask = [&](const QByteArray &method, const QString &path, const QByteArray &body = {}) {
        QNetworkRequest request(
            QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(QString::fromLatin1(port), path)));
        request.setRawHeader("Authorization", "Bearer " + token);
        QNetworkReply *reply = nam.sendCustomRequest(request, method, body);
        Answer a;
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 20000))
            return a;
        a.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        a.retryAfter = reply->rawHeader("Retry-After");
        a.body = nlohmann::json::parse(reply->readAll().toStdString(), nullptr, false);
        reply->deleteLater();
        return a;
    };
    // The API answers while the keychain does not.
    QCOMPARE(ask("GET", QStringLiteral("/healthz")).status, 200);
    Answer status = ask("GET", QStringLiteral("/status"));
    QCOMPARE(status.status, 200);
    QCOMPARE(status.body.value("secrets", ""), "loading");
    Answer readyz = ask("GET", QStringLiteral("/readyz"));
    QCOMPARE(readyz.body.value("secrets", ""), "loading");
    QCOMPARE(readyz.body.value("ready", true), false);
    Answer secrets = ask("GET", QStringLiteral("/secrets"));
    QCOMPARE(secrets.status, 200);
    QCOMPARE(secrets.body.value("state", ""), "loading");
    QCOMPARE(secrets.body["secrets"][0].value("status", ""), "loading");
    Answer store = ask("POST", QStringLiteral("/secrets"),
                       R"({"id":"api_token","value":"wx_0123456789abcdefghij"})");
    QCOMPARE(store.status, 503);
    QCOMPARE(store.retryAfter, QByteArray("1"));
    // After two seconds it says why it waits, in /status and in a note on screen.
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().waitingNote(), 10000);
    QVERIFY(h.shell().waitingNote()->isVisible());
    QVERIFY2(h.shell().waitingNote()->text().contains(QLatin1String("keychain has not answered")),
             qPrintable(h.shell().waitingNote()->text()));
    status = ask("GET", QStringLiteral("/status"));
    QVERIFY2(
        status.body["secrets_detail"].is_string()
            && status.body["secrets_detail"].get<std::string>().find("keychain has not answered")
                != std::string::npos,
        status.body.dump().c_str());
    QVERIFY(!h.shell().wizard());

    // Unlocked: the note goes, the wizard asks for what is missing, the API has the secrets.
    keychain->release();
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    QTRY_VERIFY(!h.shell().waitingNote());
    status = ask("GET", QStringLiteral("/status"));
    QCOMPARE(status.body.value("secrets", ""), "loaded");
    QVERIFY(status.body["secrets_detail"].is_null());
    QCOMPARE(h.stop(), 0);
}

void tst_FirstRunWizard::noKeychainQuit()
{
    test::UiHarness h(test::UiHarness::withoutKeychain());
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *wizard = h.shell().wizard();
    press(wizard, QWizard::NextButton);
    wizard->currentPage()->findChild<QPushButton *>(QStringLiteral("quit"))->click();
    QTRY_COMPARE(h.exitCode(), 0);
    QTRY_VERIFY(!h.shell().wizard());
    QVERIFY(!QDir(h.appData() + QStringLiteral("/secrets")).exists());
}

void tst_FirstRunWizard::noKeychainCancelQuitsToo()
{
    test::UiHarness h(test::UiHarness::withoutKeychain());
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    // Closing the window before choosing leaves nothing to run: Steward exits.
    h.shell().wizard()->reject();
    QTRY_COMPARE(h.exitCode(), 0);
}

void tst_FirstRunWizard::keyboardOnlyWithNamedInputs()
{
    test::UiHarness h;
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *wizard = h.shell().wizard();
    wizard->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(wizard));
    // Enter moves on from the pages that need nothing typed.
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QTRY_COMPARE(wizard->currentId(), int(FirstRunWizard::Generated));
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Return);
    QTRY_COMPARE(wizard->currentId(), int(FirstRunWizard::Prompted));
    auto *page = static_cast<PromptedSecretsPage *>(wizard->currentPage());
    QLineEdit *token = page->field(QStringLiteral("api_token"))->lineEdit();
    QLineEdit *name = page->field(QStringLiteral("greeting_name"))->lineEdit();
    QTRY_COMPARE(QApplication::focusWidget(), token);

    // Every input and button a person can reach says what it is.
    for (const QWidget *w : wizard->currentPage()->findChildren<QWidget *>()) {
        if (!w->isVisible() || !(w->focusPolicy() & Qt::TabFocus))
            continue;
        const auto *button = qobject_cast<const QAbstractButton *>(w);
        QVERIFY2(!w->accessibleName().isEmpty() || (button && !button->text().isEmpty())
                     || qobject_cast<const QLabel *>(w),
                 w->metaObject()->className());
    }
    QCOMPARE(token->accessibleName(), QStringLiteral("Weather API token"));
    QCOMPARE(name->accessibleName(), QStringLiteral("Your name"));

    // Tab goes field, its Show button, the next field, its Show and Skip buttons, then on to
    // the wizard's buttons; typing and Enter finish the page without a mouse.
    QTest::keyClicks(token, Token);
    QList<QWidget *> order;
    for (int i = 0; i < 4; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        order << QApplication::focusWidget();
    }
    QCOMPARE(order.at(1), name);
    QCOMPARE(order.at(3), page->field(QStringLiteral("greeting_name"))->skipButton());
    QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Skip
    QVERIFY(page->field(QStringLiteral("greeting_name"))->isSkipped());
    token->setFocus();
    QTest::keyClick(token, Qt::Key_Return);
    QTRY_COMPARE(wizard->currentId(), int(FirstRunWizard::Review));
    QCOMPARE(h.stop(), 0);
}

void tst_FirstRunWizard::secondRunGoesStraightToTheTray()
{
    QTemporaryDir data;
    RuntimeOptions options;
    options.appDataDir = data.path();
    QVERIFY(test::UiHarness::completeFirstRun(data.path(), {{QStringLiteral("api_token"), Token}}));
    test::UiHarness second(options);
    QCOMPARE(second.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(second.shell().tray(), 20000);
    QVERIFY(!second.shell().wizard());
    // The offscreen platform has no system tray: the Settings window stands in for it.
    QVERIFY(second.shell().settings() && second.shell().settings()->isVisible());
    QCOMPARE(second.stop(), 0);
}

void tst_FirstRunWizard::secondLaunchShowsTheRunningSettings()
{
    QTemporaryDir data;
    RuntimeOptions options;
    options.appDataDir = data.path();
    test::UiHarness running(options);
    QCOMPARE(running.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(running.runtime().supervisor(), 20000);
    running.shell().wizard()->close();
    QTRY_VERIFY(!running.shell().wizard());
    if (running.shell().settings())
        running.shell().settings()->close();
    QTRY_VERIFY(!running.shell().settings() || !running.shell().settings()->isVisible());

    test::UiHarness second(options, false);
    QCOMPARE(second.start(), int(StewardRuntime::AlreadyRunning));
    QVERIFY(second.output().contains(QLatin1String("already running")));
    bool answered = false;
    bool shown = false;
    second.runtime().activateRunningInstance([&](bool ok, const QString &why) {
        answered = true;
        shown = ok;
        QVERIFY2(ok, qPrintable(why));
    });
    QTRY_VERIFY_WITH_TIMEOUT(answered, 10000);
    QVERIFY(shown);
    QVERIFY(running.shell().settings() && running.shell().settings()->isVisible());
    QCOMPARE(running.stop(), 0);
}

void tst_FirstRunWizard::importedSecretsAreNamed()
{
    OldInstall old;
    QVERIFY(old.ok());
    test::UiHarness h;
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000); // api_token is still missing
    FirstRunWizard *wizard = h.shell().wizard();
    press(wizard, QWizard::NextButton);
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::Generated));
    const QString generated = labelsOf(wizard->currentPage());
    QVERIFY2(generated.contains(QLatin1String("were imported from the earlier installation in ")
                                + old.dir() + QLatin1String(": session_key, signing_key.")),
             qPrintable(generated));
    QVERIFY(
        generated.contains(QLatin1String("plaintext secrets file was overwritten and removed")));
    QVERIFY(generated.contains(
        QLatin1String("session_key imported from the earlier installation (43 chars)")));
    QVERIFY(!generated.contains(QLatin1String("generated (")));
    QVERIFY(!generated.contains(QString::fromLatin1(OldInstall::session())));
    QVERIFY(!QFile::exists(old.secretsFile()));
    QCOMPARE(*h.runtime().keeper()->value(QStringLiteral("session_key")), OldInstall::session());

    press(wizard, QWizard::NextButton);
    auto *page = static_cast<PromptedSecretsPage *>(wizard->currentPage());
    QTest::keyClicks(page->field(QStringLiteral("api_token"))->lineEdit(), Token);
    press(wizard, QWizard::NextButton);
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::Review));
    const QString review = labelsOf(wizard->currentPage());
    QVERIFY2(review.contains(QLatin1String("session_key: imported from the earlier installation")),
             qPrintable(review));
    QVERIFY(review.contains(QLatin1String("Weather API token: entered now")));
    QCOMPARE(h.stop(), 0);
}

void tst_FirstRunWizard::importIntoTheFileStoreWithoutAKeychain()
{
    OldInstall old;
    QVERIFY(old.ok());
    test::UiHarness h(test::UiHarness::withoutKeychain());
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *wizard = h.shell().wizard();
    QVERIFY(wizard->storeUnavailable());
    QVERIFY(QFile::exists(old.secretsFile())); // kept until it is somewhere else
    press(wizard, QWizard::NextButton);
    QCOMPARE(wizard->currentId(), int(FirstRunWizard::NoKeychain));
    wizard->currentPage()->findChild<QPushButton *>(QStringLiteral("useFileStore"))->click();
    QTRY_VERIFY_WITH_TIMEOUT(wizard->button(QWizard::NextButton)->isEnabled(), 20000);
    press(wizard, QWizard::NextButton);
    QVERIFY2(labelsOf(wizard->currentPage())
                 .contains(QLatin1String("session_key imported from the earlier installation")),
             qPrintable(labelsOf(wizard->currentPage())));
    QCOMPARE(h.runtime().store()->protection(), SecretStore::Protection::PlainKeyFile);
    QCOMPARE(*h.runtime().keeper()->value(QStringLiteral("session_key")), OldInstall::session());
    QVERIFY(!QFile::exists(old.secretsFile()));
    QCOMPARE(h.stop(), 0);
}

QTEST_MAIN(tst_FirstRunWizard)
#include "tst_firstrunwizard.moc"
