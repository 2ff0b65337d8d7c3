// The first-run wizard with a secret from Vault: the Remote secrets page says where it comes
// from and why it is missing, and Retry fetches it once Vault is back. The history of a Vault
// secret in Settings lists Vault's versions and rolls back there.

#include "FakeVault.h"
#include "MessageBox.h"
#include "UiHarness.h"
#include "VaultBundle.h"
#include "secrets/SecretKeeper.h"
#include "settings/SecretHistoryDialog.h"
#include "settings/SecretsPanel.h"
#include "wizard/FirstRunWizard.h"

#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QTranslator>

using namespace steward;
using json = nlohmann::json;

namespace {

const QByteArray VaultToken = "hvs.wizard-test-token";
const QByteArray Password = "db-pass-from-the-wizard-test";

// The Status column of the row for `label` in the Remote secrets page's table.
QString remoteStatus(QWizardPage *page, const QString &label)
{
    auto *table = page->findChild<QTableWidget *>(QStringLiteral("remoteTable"));
    for (int row = 0; table && row < table->rowCount(); ++row) {
        if (table->item(row, 0) && table->item(row, 0)->text() == label)
            return table->item(row, 1)->text() + QLatin1Char('|') + table->item(row, 2)->text();
    }
    return {};
}

json vaultConfig()
{
    return {{"mounts", {{"secret", 2}}},
            {"secrets",
             json::array({{{"mount", "secret"},
                           {"path", "steward/default/hello-steward/db"},
                           {"data", {{"password", Password.toStdString()}}}}})},
            {"tokens", json::array({{{"id", VaultToken.toStdString()}, {"ttl", 0}}})}};
}

// The runtime reads Vault's address and token from its environment, as at a real launch.
struct VaultEnvironment
{
    explicit VaultEnvironment(const test::FakeVault &vault)
    {
        qputenv("VAULT_ADDR", vault.url().toString().toUtf8());
        qputenv("VAULT_TOKEN", VaultToken);
    }
    ~VaultEnvironment()
    {
        qunsetenv("VAULT_ADDR");
        qunsetenv("VAULT_TOKEN");
    }
};

} // namespace

class tst_VaultWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void remotePageShowsWhyAndRetries();
    void historyRollsBackAtVault();
    void remotePageCountsKeysAndFiles();
};

void tst_VaultWizard::remotePageShowsWhyAndRetries()
{
    test::FakeVault vault(vaultConfig());
    vault.control(QStringLiteral("fault"), {{"mode", "sealed"}});
    QTemporaryDir bundle;
    RuntimeOptions options;
    options.manifestPath = test::writeVaultBundle(bundle.path(), 3600);
    QVERIFY(!options.manifestPath.isEmpty());
    const VaultEnvironment environment(vault);
    test::UiHarness h(options);
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    FirstRunWizard *wizard = h.shell().wizard();
    QWizardPage *page = wizard->page(FirstRunWizard::Remote);
    QVERIFY(page);
    page->initializePage();

    // Where it comes from (placeholders filled in), that it is missing, and Vault's reason.
    const QString source = QStringLiteral("vault secret/data/steward/default/hello-steward/"
                                          "db#password|");
    QTRY_VERIFY2_WITH_TIMEOUT(remoteStatus(page, QStringLiteral("db_password"))
                                  .startsWith(source + QStringLiteral("Missing: ")),
                              qPrintable(remoteStatus(page, QStringLiteral("db_password"))), 20000);
    QVERIFY2(remoteStatus(page, QStringLiteral("db_password")).contains(QLatin1String("sealed")),
             qPrintable(remoteStatus(page, QStringLiteral("db_password"))));

    vault.control(QStringLiteral("fault"), {{"mode", "none"}});
    auto *retry = page->findChild<QPushButton *>(QStringLiteral("retryRemote"));
    QVERIFY(retry);
    retry->click();
    QTRY_COMPARE_WITH_TIMEOUT(remoteStatus(page, QStringLiteral("db_password")),
                              source + QStringLiteral("Configured"), 20000);
    QCOMPARE(*h.runtime().keeper()->value(QStringLiteral("db_password")), Password);
    QVERIFY(!h.output().contains(QString::fromLatin1(Password)));
    QVERIFY(!h.output().contains(QString::fromLatin1(VaultToken)));
}

void tst_VaultWizard::historyRollsBackAtVault()
{
    const QByteArray newer = "db-pass-second-version-Qx7";
    test::FakeVault vault(vaultConfig());
    vault.control(QStringLiteral("secret"),
                  {{"mount", "secret"},
                   {"path", "steward/default/hello-steward/db"},
                   {"data", {{"password", newer.toStdString()}}}});
    QTemporaryDir bundle;
    RuntimeOptions options;
    options.manifestPath = test::writeVaultBundle(bundle.path(), 3600);
    const VaultEnvironment environment(vault);
    test::UiHarness h(options);
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.runtime().keeper()
                                 && h.runtime().keeper()->value(QStringLiteral("db_password"))
                                     == std::optional<QByteArray>(newer),
                             20000);

    SecretHistoryDialog history(h.runtime(), QStringLiteral("db_password"));
    auto *table = history.findChild<QTableWidget *>(QStringLiteral("historyTable"));
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 2, 20000);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Version 2"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("Current"));
    QCOMPARE(table->item(1, 0)->text(), QStringLiteral("Version 1"));
    auto *rollback = history.findChild<QPushButton *>(QStringLiteral("rollbackSecret"));
    history.select(2);
    QVERIFY(!rollback->isEnabled()); // already current
    history.select(1);
    QVERIFY(rollback->isEnabled());

    MessageBox::setNextAnswer(true);
    rollback->click();
    // The confirmation comes once the dry run has read version 1 from Vault.
    QTRY_VERIFY2_WITH_TIMEOUT(MessageBox::lastText().contains(QLatin1String(
                                  "Make version 1 of db_password current again? These services "
                                  "restart to use it: api.")),
                              qPrintable(MessageBox::lastText()), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(
        history.outcome(), QStringLiteral("db_password is back to the value of version 1."), 20000);
    QCOMPARE(*h.runtime().keeper()->value(QStringLiteral("db_password")), Password);
    // Vault made it version 3, and the table shows it.
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 3, 20000);
    QCOMPARE(table->item(0, 0)->text(), QStringLiteral("Version 3"));
    QCOMPARE(table->item(0, 2)->text(), QStringLiteral("Current"));
    QVERIFY(!h.output().contains(QString::fromLatin1(Password)));
    QVERIFY(!h.output().contains(QString::fromLatin1(newer)));
}

void tst_VaultWizard::remotePageCountsKeysAndFiles()
{
    // A deployment's .env (3 SMTP_ keys of 4) and its config files (2): the Remote secrets page
    // and Settings count them in the app's English wording, never showing a value.
    QTranslator english;
    QVERIFY(english.load(QLocale(QLocale::English), QStringLiteral("steward"), QStringLiteral("_"),
                         QStringLiteral(":/i18n")));
    QCoreApplication::installTranslator(&english);
    json config = vaultConfig();
    const json files = json::array({{{"name", "app.yaml"}, {"content", "db: cfg-count-0042\n"}},
                                    {{"name", "ca.pem"}, {"content", "cert-count-0042\n"}}});
    config["secrets"].push_back(
        {{"mount", "secret"},
         {"path", "steward/default/apps/ledger"},
         {"data",
          {{"ledger_env", "SMTP_HOST=h\nSMTP_USER=u\nSMTP_PASSWORD=pw-count-0042\nDB_URL=x\n"},
           {"ledger_configs", files.dump()}}}});
    test::FakeVault vault(config);
    QTemporaryDir bundle;
    RuntimeOptions options;
    options.manifestPath = test::writeVaultBundle(bundle.path(), 3600);
    QVERIFY(test::addDeploymentSecrets(options.manifestPath));
    const VaultEnvironment environment(vault);
    test::UiHarness h(options);
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.shell().wizard(), 20000);
    QWizardPage *page = h.shell().wizard()->page(FirstRunWizard::Remote);
    page->initializePage();
    const QString source
        = QStringLiteral("vault secret/data/steward/default/apps/ledger#ledger_%1|Configured (%2)");
    QTRY_COMPARE_WITH_TIMEOUT(remoteStatus(page, QStringLiteral("deploy_env")),
                              source.arg(QStringLiteral("env"), QStringLiteral("3 keys")), 20000);
    QTRY_COMPARE_WITH_TIMEOUT(remoteStatus(page, QStringLiteral("deploy_configs")),
                              source.arg(QStringLiteral("configs"), QStringLiteral("2 files")),
                              20000);

    const SecretsPanel settings(h.runtime());
    auto *table = settings.findChild<QTableWidget *>(QStringLiteral("secretsTable"));
    QVERIFY(table);
    QStringList states;
    for (int row = 0; row < table->rowCount(); ++row)
        states << table->item(row, 0)->text() + QLatin1Char('=') + table->item(row, 2)->text();
    QVERIFY2(states.contains(QStringLiteral("deploy_env=Configured (3 keys)")),
             qPrintable(states.join(QLatin1Char(' '))));
    QVERIFY2(states.contains(QStringLiteral("deploy_configs=Configured (2 files)")),
             qPrintable(states.join(QLatin1Char(' '))));
    QCoreApplication::removeTranslator(&english);
    for (const char *value : {"pw-count-0042", "cfg-count-0042", "cert-count-0042"})
        QVERIFY2(!h.output().contains(QLatin1String(value)), value);
}

QTEST_MAIN(tst_VaultWizard)
#include "tst_vaultwizard.moc"
