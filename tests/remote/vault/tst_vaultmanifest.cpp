// Vault's parts of a manifest, read by Vault (the manifest keeps them as written): the
// remote.vault block and a secret's source, with their defaults and their errors.

#include "ManifestBuilder.h"
#include "remote/vault/VaultManifest.h"

#include <QTest>

using namespace steward;
using json = nlohmann::json;

class tst_VaultManifest : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void configAsWritten();
    void configDefaults();
    void sourceDefaults();
    void sourceErrorsNameTheField();
};

void tst_VaultManifest::configAsWritten()
{
    Diagnostics out;
    const VaultManifest::Config c = VaultManifest::parseConfig(
        {{"address", "https://vault.example:8200"},
         {"namespace", "team"},
         {"refresh_interval_s", 30},
         {"jitter_s", {1, 3}},
         {"auth", {{"method", "approle"}, {"role_id_secret", "r"}, {"secret_id_secret", "s"}}}},
        QStringLiteral("/remote/vault"), out);
    QVERIFY(out.isEmpty());
    QCOMPARE(c.address, QStringLiteral("https://vault.example:8200"));
    QCOMPARE(c.namespaceName, QStringLiteral("team"));
    QCOMPARE(c.refreshIntervalS, 30);
    QCOMPARE(c.jitterMinS, 1);
    QCOMPARE(c.jitterMaxS, 3);
    QCOMPARE(c.authMethod, QStringLiteral("approle"));
    QCOMPARE(c.roleIdSecret, QStringLiteral("r"));
    QCOMPARE(c.secretIdSecret, QStringLiteral("s"));
}

void tst_VaultManifest::configDefaults()
{
    Diagnostics out;
    const VaultManifest::Config c
        = VaultManifest::parseConfig(json::object(), QStringLiteral("/remote/vault"), out);
    QVERIFY(out.isEmpty());
    QCOMPARE(c.authMethod, QStringLiteral("token"));
    QCOMPARE(c.refreshIntervalS, 60);
    QCOMPARE(c.jitterMinS, 5);
    QCOMPARE(c.jitterMaxS, 10);
}

void tst_VaultManifest::sourceDefaults()
{
    Diagnostics out;
    const VaultManifest::Source s = VaultManifest::parseSource(
        {{"provider", "vault"}, {"path", "{app}/db"}, {"key", "password"}},
        QStringLiteral("/secrets/0/source"), out);
    QVERIFY(out.isEmpty());
    QCOMPARE(s.mount, QStringLiteral("secret"));
    QCOMPARE(s.kvVersion, 2);
    QCOMPARE(s.path, QStringLiteral("{app}/db"));
    QCOMPARE(s.key, QStringLiteral("password"));
}

void tst_VaultManifest::sourceErrorsNameTheField()
{
    // Through the loader, with the built-in providers: the paths are the manifest's.
    test::ManifestBuilder b;
    b.set("/secrets/0",
          {{"id", "token"},
           {"class", "remote_fetch"},
           {"source", {{"provider", "vault"}, {"path", "app/db"}, {"kv_version", 3}}},
           {"target", {{"type", "env"}, {"name", "TOKEN"}}}});
    const ManifestLoadResult r = b.load();
    QVERIFY(!r.valid());
    const QStringList errors = test::diagnosticPaths(r.diagnostics, Diagnostic::Severity::Error);
    QVERIFY2(errors.contains(QStringLiteral("/secrets/0/source/key")),
             qPrintable(errors.join(QLatin1Char(' '))));
    QVERIFY2(errors.contains(QStringLiteral("/secrets/0/source/kv_version")),
             qPrintable(errors.join(QLatin1Char(' '))));

    b.set("/secrets/0/source/provider", "valt");
    const ManifestLoadResult typo = b.load();
    QVERIFY(test::diagnosticPaths(typo.diagnostics, Diagnostic::Severity::Error)
                .contains(QStringLiteral("/secrets/0/source/provider")));
}

QTEST_GUILESS_MAIN(tst_VaultManifest)

#include "tst_vaultmanifest.moc"
