// The first-run wizard with a secret from Vault: the Remote secrets page says where it comes
// from and why it is missing, and Retry fetches it once Vault is back.

#include "FakeVault.h"
#include "UiHarness.h"
#include "VaultBundle.h"
#include "secrets/SecretKeeper.h"
#include "wizard/FirstRunWizard.h"

#include <QPushButton>
#include <QScopeGuard>
#include <QTableWidget>
#include <QTest>

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

} // namespace

class tst_VaultWizard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void remotePageShowsWhyAndRetries();
};

void tst_VaultWizard::remotePageShowsWhyAndRetries()
{
    test::FakeVault vault(
        {{"mounts", {{"secret", 2}}},
         {"secrets",
          json::array({{{"mount", "secret"},
                        {"path", "steward/default/hello-steward/db"},
                        {"data", {{"password", Password.toStdString()}}}}})},
         {"tokens", json::array({{{"id", VaultToken.toStdString()}, {"ttl", 0}}})}});
    vault.control(QStringLiteral("fault"), {{"mode", "sealed"}});
    QTemporaryDir bundle;
    RuntimeOptions options;
    options.manifestPath = test::writeVaultBundle(bundle.path(), 3600);
    QVERIFY(!options.manifestPath.isEmpty());
    // The runtime reads Vault's address and token from its environment, as at a real launch.
    qputenv("VAULT_ADDR", vault.url().toString().toUtf8());
    qputenv("VAULT_TOKEN", VaultToken);
    const auto unset = qScopeGuard([] {
        qunsetenv("VAULT_ADDR");
        qunsetenv("VAULT_TOKEN");
    });
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

QTEST_MAIN(tst_VaultWizard)
#include "tst_vaultwizard.moc"
