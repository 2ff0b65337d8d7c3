#include "CgroupsHere.h"
#include "ExampleCopy.h"
#include "MessageBox.h"
#include "SecretField.h"
#include "UiHarness.h"
#include "process/Sandbox.h"
#include "process/ServiceLog.h"
#include "process/Supervisor.h"
#include "secrets/AuditTrail.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"
#include "settings/AuditPanel.h"
#include "settings/ChangeSecretDialog.h"
#include "settings/SecretHistoryDialog.h"
#include "settings/SecretsPanel.h"
#include "settings/ServicesPanel.h"
#include "settings/SettingsDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>

using namespace steward;
using State = ManagedService::State;

namespace {

const QString Token = QStringLiteral("wx_0123456789abcdefghij");
const QString NewToken = QStringLiteral("wx_ZYXWVUTSRQPONMLKJIHG");

// Starts a first run, gives it the example's two prompted values and waits until every service is
// ready; true once it is.
bool firstRunReady(test::UiHarness &h)
{
    return h.start() == 0
        && h.provide({{QStringLiteral("api_token"), Token},
                      {QStringLiteral("greeting_name"), QStringLiteral("Grace")}})
        && QTest::qWaitFor(
               [&h] { return h.runtime().supervisor()->status() == Supervisor::AppStatus::Ready; },
               30000);
}

QString tableText(const QTableWidget *t)
{
    QStringList cells;
    for (int r = 0; r < t->rowCount(); ++r)
        for (int c = 0; c < t->columnCount(); ++c)
            cells << (t->item(r, c) ? t->item(r, c)->text() : QString());
    return cells.join(QLatin1Char('|'));
}

} // namespace

class tst_SettingsDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void tableShowsStatusNeverValues();
    void changeRestartsOnlyTheConsumers();
    void cancelledChangeKeepsEverything();
    void regenerateRestartsOnlyTheConsumers();
    void clearIsOnlyForOptionalSecrets();
    void servicesTabRestartsAndShowsRedactedLogs();
    void servicesTabShowsLimits();
    void storeFailureKeepsTheOldValue();
    void historyRollsBackWithOneConfirmation();

private:
    qint64 pid(const QString &service) const
    {
        return m_h->runtime().supervisor()->service(service)->pid();
    }
    bool ready(const QString &service) const
    {
        return m_h->runtime().supervisor()->service(service)->state() == State::Ready;
    }
    QPushButton *button(const char *name) const
    {
        return m_settings->findChild<QPushButton *>(QString::fromLatin1(name));
    }

    QTemporaryDir m_data;
    std::unique_ptr<test::UiHarness> m_h;
    SettingsDialog *m_settings = nullptr;
};

// Each test: an install whose first run is done (api_token and greeting_name stored), run again
// with the desktop shell, which shows Settings (the offscreen platform has no tray).
void tst_SettingsDialog::init()
{
    RuntimeOptions options;
    options.appDataDir
        = m_data.path() + QLatin1Char('/') + QString::fromLatin1(QTest::currentTestFunction());
    QVERIFY(test::UiHarness::completeFirstRun(
        options.appDataDir,
        {{QStringLiteral("api_token"), Token},
         {QStringLiteral("greeting_name"), QStringLiteral("Grace")}}));
    m_h = std::make_unique<test::UiHarness>(options);
    QCOMPARE(m_h->start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->shell().settings(), 20000);
    m_settings = m_h->shell().settings();
    QCOMPARE(m_settings->windowTitle(), QStringLiteral("hello-steward Settings"));
    QTRY_VERIFY_WITH_TIMEOUT(m_h->runtime().supervisor()->status() == Supervisor::AppStatus::Ready,
                             30000);
}

void tst_SettingsDialog::cleanup()
{
    if (m_h)
        QCOMPARE(m_h->stop(), 0);
    m_h.reset();
}

void tst_SettingsDialog::tableShowsStatusNeverValues()
{
    auto *table = m_settings->findChild<QTableWidget *>(QStringLiteral("secretsTable"));
    QCOMPARE(table->rowCount(), 4);
    const QString text = tableText(table);
    QVERIFY2(text.contains(QLatin1String("Weather API token|Entered by you|Configured|Entered by "
                                         "you|")),
             qPrintable(text));
    QVERIFY(text.contains(QLatin1String("session_key|Generated|Configured|Generated on this "
                                        "computer|")));
    QVERIFY(!text.contains(Token));
    QVERIFY(!text.contains(QLatin1String("Grace")));
    QVERIFY(!text.contains(
        QString::fromLatin1(*m_h->runtime().keeper()->value(QStringLiteral("session_key")))));
}

void tst_SettingsDialog::changeRestartsOnlyTheConsumers()
{
    const qint64 api = pid(QStringLiteral("api"));
    const qint64 web = pid(QStringLiteral("web"));
    m_settings->secrets()->select(QStringLiteral("greeting_name"));
    QVERIFY(button("changeSecret")->isEnabled());
    QTest::mouseClick(button("changeSecret"), Qt::LeftButton);
    ChangeSecretDialog *dialog = m_settings->secrets()->changeDialog();
    QVERIFY(dialog && dialog->isVisible());
    auto *save = dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
    QVERIFY(!save->isEnabled()); // empty is not a new value
    QTest::keyClicks(dialog->field()->lineEdit(), QStringLiteral("Ada"));
    QVERIFY(save->isEnabled());
    MessageBox::setNextAnswer(true);
    QTest::mouseClick(save, Qt::LeftButton);
    // The confirmation named exactly the consumer.
    QVERIFY2(MessageBox::lastText().contains(QLatin1String("restart to use it: web.")),
             qPrintable(MessageBox::lastText()));
    QVERIFY(!MessageBox::lastText().contains(QLatin1String("Ada")));
    auto *outcome = m_settings->findChild<QLabel *>(QStringLiteral("secretOutcome"));
    QTRY_COMPARE_WITH_TIMEOUT(outcome->text(), QStringLiteral("Your name was changed."), 20000);
    QTRY_VERIFY_WITH_TIMEOUT(pid(QStringLiteral("web")) != web && ready(QStringLiteral("web")),
                             20000);
    QCOMPARE(pid(QStringLiteral("api")), api);
    QCOMPARE(*m_h->runtime().keeper()->value(QStringLiteral("greeting_name")), QByteArray("Ada"));
    QTRY_VERIFY(!m_settings->secrets()->changeDialog()); // closed and deleted
}

void tst_SettingsDialog::cancelledChangeKeepsEverything()
{
    const qint64 api = pid(QStringLiteral("api"));
    m_settings->secrets()->select(QStringLiteral("api_token"));
    QTest::mouseClick(button("changeSecret"), Qt::LeftButton);
    ChangeSecretDialog *dialog = m_settings->secrets()->changeDialog();
    QTest::keyClicks(dialog->field()->lineEdit(), NewToken);
    MessageBox::setNextAnswer(false);
    QTest::keyClick(dialog->field()->lineEdit(), Qt::Key_Return);
    QVERIFY(MessageBox::lastText().contains(QLatin1String("restart to use it: api.")));
    auto *outcome = m_settings->findChild<QLabel *>(QStringLiteral("secretOutcome"));
    QTRY_COMPARE(outcome->text(), QStringLiteral("Nothing was changed."));
    QCOMPARE(*m_h->runtime().keeper()->value(QStringLiteral("api_token")), Token.toLatin1());
    QCOMPARE(pid(QStringLiteral("api")), api);
    // An invalid value cannot even be submitted.
    QTest::mouseClick(button("changeSecret"), Qt::LeftButton);
    dialog = m_settings->secrets()->changeDialog();
    QTest::keyClicks(dialog->field()->lineEdit(), QStringLiteral("bad token!"));
    QVERIFY(!dialog->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save)->isEnabled());
    dialog->reject();
    QVERIFY(dialog->field()->lineEdit()->text().isEmpty()); // wiped on close
}

void tst_SettingsDialog::regenerateRestartsOnlyTheConsumers()
{
    const QByteArray before = *m_h->runtime().keeper()->value(QStringLiteral("session_key"));
    const qint64 api = pid(QStringLiteral("api"));
    const qint64 web = pid(QStringLiteral("web"));
    m_settings->secrets()->select(QStringLiteral("session_key"));
    QVERIFY(!button("changeSecret")->isEnabled());
    QVERIFY(!button("clearSecret")->isEnabled());
    MessageBox::setNextAnswer(true);
    QTest::mouseClick(button("regenerateSecret"), Qt::LeftButton);
    QVERIFY(MessageBox::lastText().contains(QLatin1String("These services restart: api.")));
    QTRY_VERIFY_WITH_TIMEOUT(pid(QStringLiteral("api")) != api && ready(QStringLiteral("api")),
                             20000);
    const QByteArray after = *m_h->runtime().keeper()->value(QStringLiteral("session_key"));
    QVERIFY(after != before);
    QCOMPARE(after.size(), before.size());
    QCOMPARE(pid(QStringLiteral("web")), web);
}

void tst_SettingsDialog::clearIsOnlyForOptionalSecrets()
{
    m_settings->secrets()->select(QStringLiteral("api_token"));
    QVERIFY(!button("clearSecret")->isEnabled());
    QVERIFY(!button("refreshSecret")->isEnabled());
    m_settings->secrets()->select(QStringLiteral("greeting_name"));
    QVERIFY(button("clearSecret")->isEnabled());
    const qint64 web = pid(QStringLiteral("web"));
    MessageBox::setNextAnswer(true);
    QTest::mouseClick(button("clearSecret"), Qt::LeftButton);
    QVERIFY(MessageBox::lastText().contains(QLatin1String("restart without it: web.")));
    QTRY_VERIFY_WITH_TIMEOUT(!m_h->runtime().keeper()->value(QStringLiteral("greeting_name")),
                             20000);
    QTRY_VERIFY_WITH_TIMEOUT(pid(QStringLiteral("web")) != web && ready(QStringLiteral("web")),
                             20000);
    auto *table = m_settings->findChild<QTableWidget *>(QStringLiteral("secretsTable"));
    QTRY_VERIFY(tableText(table).contains(QLatin1String("Not set (optional)")));
    QVERIFY(!button("clearSecret")->isEnabled());
}

void tst_SettingsDialog::servicesTabRestartsAndShowsRedactedLogs()
{
    m_settings->showServices();
    // Whether the services are isolated from each other, in plain words.
    const QString isolation
        = m_settings->findChild<QLabel *>(QStringLiteral("isolationNote"))->text();
    QVERIFY2(Sandbox::abi() >= 1
                 ? isolation.startsWith(QLatin1String("Each service runs in a sandbox of its own"))
                 : isolation.startsWith(
                     QLatin1String("Services are not isolated from each other on this system")),
             qPrintable(isolation));
    auto *table = m_settings->findChild<QTableWidget *>(QStringLiteral("servicesTable"));
    QTRY_VERIFY(tableText(table).contains(QLatin1String("web|Ready|0|http ")));
    m_settings->services()->select(QStringLiteral("api"));
    auto *log = m_settings->findChild<QPlainTextEdit *>(QStringLiteral("serviceLog"));
    // The api prints that it fetched its token; the log shows that, never the token.
    QTRY_VERIFY_WITH_TIMEOUT(log->toPlainText().contains(QLatin1String("fetched api_token")),
                             20000);
    QVERIFY(!log->toPlainText().contains(Token));
    const qint64 api = pid(QStringLiteral("api"));
    QTest::mouseClick(button("restartService"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(pid(QStringLiteral("api")) != api && ready(QStringLiteral("api")),
                             20000);
    QTRY_VERIFY(log->toPlainText().contains(QLatin1String("stopping with SIGTERM")));
}

void tst_SettingsDialog::servicesTabShowsLimits()
{
    // The example with limits on api: a Limits column, in words, and whether they are set.
    QTemporaryDir bundle;
    const QString manifest = test::copyExampleBundle(bundle.path(), [](nlohmann::json &m) {
        for (nlohmann::json &service : m["services"]) {
            if (service["id"] == "api")
                service["limits"] = {{"memory_mb", 256}, {"cpu_percent", 50}};
        }
    });
    QVERIFY(!manifest.isEmpty());
    RuntimeOptions options;
    options.manifestPath = manifest;
    options.appDataDir = m_data.path() + QStringLiteral("/limits");
    test::UiHarness h(options);
    QVERIFY(firstRunReady(h));
    h.shell().showSettings();
    SettingsDialog *settings = h.shell().settings();
    settings->showServices();
    auto *table = settings->findChild<QTableWidget *>(QStringLiteral("servicesTable"));
    QCOMPARE(table->horizontalHeaderItem(4)->text(), QStringLiteral("Limits"));
    const bool set = test::limitsHere({QStringLiteral("memory"), QStringLiteral("cpu")});
    const QString limits = QStringLiteral("256 MB of memory, 50% of a CPU core");
    const int port
        = h.runtime().supervisor()->ports()[QStringLiteral("api")][QStringLiteral("http")];
    const QString text = tableText(table);
    QVERIFY2(text.contains(QStringLiteral("api|Ready|0|http %1|%2|")
                               .arg(port)
                               .arg(set ? limits : limits + QStringLiteral(" (not applied)"))),
             qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("|none|")), qPrintable(text));
    auto *note = settings->findChild<QLabel *>(QStringLiteral("limitsNote"));
    QCOMPARE(note != nullptr, !set);
    if (note)
        QVERIFY2(note->text().startsWith(QLatin1String("The limits are not applied: ")),
                 qPrintable(note->text()));
    QCOMPARE(h.stop(), 0);
}

void tst_SettingsDialog::storeFailureKeepsTheOldValue()
{
    // A keychain that starts failing (locked meanwhile): the change is refused with the reason,
    // and the stored value, the running value and the services stay as they were.
    MemoryStore *memory = nullptr;
    RuntimeOptions options;
    options.appDataDir = m_data.path() + QStringLiteral("/failing");
    options.keychainFactory = [&memory](const QString &, const QString &) {
        auto store = std::make_unique<MemoryStore>();
        memory = store.get();
        return store;
    };
    test::UiHarness h(options);
    QVERIFY(firstRunReady(h));
    const qint64 web = h.runtime().supervisor()->service(QStringLiteral("web"))->pid();
    h.shell().showSettings();
    SettingsDialog *settings = h.shell().settings();
    memory->failWith(SecretStore::ErrorKind::Locked);

    settings->secrets()->select(QStringLiteral("greeting_name"));
    QTest::mouseClick(settings->findChild<QPushButton *>(QStringLiteral("changeSecret")),
                      Qt::LeftButton);
    ChangeSecretDialog *dialog = settings->secrets()->changeDialog();
    QTest::keyClicks(dialog->field()->lineEdit(), QStringLiteral("Ada"));
    MessageBox::setNextAnswer(true);
    QTest::keyClick(dialog->field()->lineEdit(), Qt::Key_Return);
    auto *outcome = settings->findChild<QLabel *>(QStringLiteral("secretOutcome"));
    QTRY_VERIFY_WITH_TIMEOUT(
        outcome->text().startsWith(QLatin1String("Your name was not changed: ")), 20000);
    QVERIFY(!outcome->text().contains(QLatin1String("Ada")));
    QCOMPARE(*h.runtime().keeper()->value(QStringLiteral("greeting_name")), QByteArray("Grace"));
    QCOMPARE(memory->values().value(QStringLiteral("greeting_name")), QByteArray("Grace"));
    QCOMPARE(h.runtime().supervisor()->service(QStringLiteral("web"))->pid(), web);
    QCOMPARE(h.stop(), 0);
}

void tst_SettingsDialog::historyRollsBackWithOneConfirmation()
{
    SecretKeeper *keeper = m_h->runtime().keeper();
    const QString id = QStringLiteral("greeting_name");
    bool changed = false;
    keeper->provide({{id, QStringLiteral("Ada")}}, this,
                    [&](const SecretKeeper::ChangeResult &r) { changed = r.ok; },
                    {QStringLiteral("settings"), QStringLiteral("ui")});
    QTRY_VERIFY(changed);
    QTRY_VERIFY_WITH_TIMEOUT(ready(QStringLiteral("web")), 20000);
    const qint64 api = pid(QStringLiteral("api"));
    const qint64 web = pid(QStringLiteral("web"));

    m_settings->secrets()->select(id);
    QVERIFY(button("secretHistory")->isEnabled());
    QTest::mouseClick(button("secretHistory"), Qt::LeftButton);
    SecretHistoryDialog *history = m_settings->secrets()->historyDialog();
    QVERIFY(history && history->isVisible());
    auto *table = history->findChild<QTableWidget *>(QStringLiteral("historyTable"));
    QCOMPARE(table->rowCount(), 2);
    QString text = tableText(table);
    QVERIFY2(text.startsWith(QLatin1String("Version 2|")), qPrintable(text));
    QVERIFY(text.contains(QLatin1String("|Settings|You, in the app|Current|Version 1|")));
    QVERIFY(!text.contains(QLatin1String("Ada")) && !text.contains(QLatin1String("Grace")));
    auto *rollback = history->findChild<QPushButton *>(QStringLiteral("rollbackSecret"));
    history->select(2);
    QVERIFY(!rollback->isEnabled()); // already current
    history->select(1);
    QVERIFY(rollback->isEnabled());

    MessageBox::setNextAnswer(true);
    QTest::mouseClick(rollback, Qt::LeftButton);
    // The confirmation comes once the dry run has read version 1 back from the keychain.
    QTRY_VERIFY2_WITH_TIMEOUT(MessageBox::lastText().contains(QLatin1String(
                                  "Make version 1 of Your name current again? These services "
                                  "restart to use it: web.")),
                              qPrintable(MessageBox::lastText()), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        history->outcome(), QStringLiteral("Your name is back to the value of version 1."), 20000);
    QCOMPARE(*keeper->value(id), QByteArray("Grace"));
    QTRY_VERIFY_WITH_TIMEOUT(pid(QStringLiteral("web")) != web && ready(QStringLiteral("web")),
                             20000);
    QCOMPARE(pid(QStringLiteral("api")), api);
    QTRY_COMPARE(table->rowCount(), 3);
    QVERIFY2(tableText(table).startsWith(QLatin1String("Version 3|")),
             qPrintable(tableText(table)));
    QVERIFY(tableText(table).contains(QLatin1String("|Rollback|You, in the app|Current|")));
    history->close();

    // The Activity tab shows it, and the trail verifies.
    auto *activity = m_settings->activity();
    auto *audit = activity->findChild<QTableWidget *>(QStringLiteral("auditTable"));
    text = tableText(audit);
    QVERIFY2(text.contains(QLatin1String("|Rolled back|Your name||You, in the app|Done")),
             qPrintable(text));
    QVERIFY(
        text.contains(QLatin1String("|Given to a starting service|Your name|web|Steward|Done")));
    QVERIFY(!text.contains(QLatin1String("Ada")) && !text.contains(QLatin1String("Grace")));
    QTest::mouseClick(activity->findChild<QPushButton *>(QStringLiteral("verifyAudit")),
                      Qt::LeftButton);
    const QString verdict = activity->findChild<QLabel *>(QStringLiteral("auditVerdict"))->text();
    QVERIFY2(verdict.startsWith(QLatin1String("The trail is intact:")), qPrintable(verdict));
}

QTEST_MAIN(tst_SettingsDialog)

#include "tst_settingsdialog.moc"
