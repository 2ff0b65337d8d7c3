// A deployment's whole .env from the test Vault (shape "env", issue 18): the keys a secret
// takes become variables of its consumers, each value redacted; a rotation of one key is a
// change of that secret only; an unchanged refresh changes nothing; a malformed update is named
// by path, key and line and keeps the last good file; no value appears in an error.

#include "ManifestBuilder.h"
#include "VaultKeeper.h"
#include "VaultTestData.h"
#include "secrets/SecretInjector.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using json = nlohmann::json;
using test::FakeVault;

Q_DECLARE_METATYPE(nlohmann::json)

namespace {

const char *const AppPath = "steward/default/apps/ledger";

const std::string GoodEnv = "# ledger's deployment\n"
                            "export SMTP_HOST=smtp.example.com\n"
                            "SMTP_USER='mailer'\n"
                            "SMTP_PASSWORD=\"pw-smtp-0042\"\n"
                            "DB_URL=postgres://ledger@db/ledger # the database\n";

json vaultWithEnv(const std::string &env)
{
    json config = test::standardConfig();
    config["secrets"].push_back(
        {{"mount", "secret"}, {"path", AppPath}, {"data", {{"ledger_env", env}}}});
    return config;
}

// deploy_env takes the SMTP_ keys of the .env for api; web consumes nothing remote.
std::optional<Manifest> envManifest(const json &filter)
{
    test::ManifestBuilder b;
    json source = {{"provider", "vault"},
                   {"path", "{path_prefix}/{deployment_hash}/apps/ledger"},
                   {"key", "ledger_env"},
                   {"shape", "env"}};
    source.update(filter);
    b.set("/secrets",
          json::array({{{"id", "deploy_env"},
                        {"class", "remote_fetch"},
                        {"source", source},
                        {"target", {{"type", "env"}}}}}));
    b.set("/remote", {{"vault", {{"path_prefix", "steward"}}}});
    b.set("/services/0/secrets", json::array({"deploy_env"}));
    b.set("/services/1/secrets", json::array());
    const ManifestLoadResult loaded = b.load();
    if (!loaded.valid()) {
        qWarning() << (loaded.diagnostics.isEmpty() ? QString()
                                                    : loaded.diagnostics.first().toString());
        return std::nullopt;
    }
    return *loaded.manifest;
}

QMap<QString, QString> envOf(std::initializer_list<std::pair<const char *, const char *>> list)
{
    QMap<QString, QString> out;
    for (const auto &p : list)
        out.insert(QString::fromUtf8(p.first), QString::fromUtf8(p.second));
    return out;
}

} // namespace

class tst_VaultEnvFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void keysBecomeVariablesAndRotate();
    void malformedUpdateKeepsTheLastGoodFile();
    void manifestChecksTheShape_data();
    void manifestChecksTheShape();

private:
    test::VaultKeeper m_k;

    bool startKeeper(const json &filter);
};

void tst_VaultEnvFile::init()
{
    m_k.stop();
}

bool tst_VaultEnvFile::startKeeper(const json &filter)
{
    const std::optional<Manifest> manifest = envManifest(filter);
    return manifest && m_k.start(vaultWithEnv(GoodEnv), *manifest);
}

void tst_VaultEnvFile::keysBecomeVariablesAndRotate()
{
    QVERIFY(startKeeper({{"prefix", "SMTP_"}}));
    const SecretInjector injector(m_k.dataDir());
    const ServiceSpec &api = m_k.manifest().services.at(0);
    Result<QMap<QString, QString>> env = injector.prepare(m_k.manifest(), api, m_k.keeper());
    QVERIFY2(env, qPrintable(env.error()));
    QCOMPARE(env.value(),
             (envOf({{"SMTP_HOST", "smtp.example.com"},
                     {"SMTP_USER", "mailer"},
                     {"SMTP_PASSWORD", "pw-smtp-0042"}})));
    // Each value of the file is a secret of its own in the logs.
    QCOMPARE(m_k.redactor()
                 .redact(QStringLiteral("login pw-smtp-0042 at postgres://ledger@db/ledger"))
                 .contains(QLatin1String("pw-smtp-0042")),
             false);
    QVERIFY(!m_k.redactor()
                 .redact(QStringLiteral("postgres://ledger@db/ledger"))
                 .contains(QLatin1String("postgres://ledger@db/ledger")));

    // Unchanged: nothing changes, nothing is written to the store.
    QSignalSpy changed(&m_k.keeper(), &SecretKeeper::secretsChanged);
    const QByteArray stored = m_k.store().values().value(QStringLiteral("deploy_env"));
    SecretKeeper::RefreshResult r = m_k.refreshNow();
    QCOMPARE(r.unchanged, QStringList {QStringLiteral("deploy_env")});
    QCOMPARE(changed.count(), 0);

    // One key rotated: a change of this secret (its consumers restart), the new value injected.
    std::string rotated = GoodEnv;
    rotated.replace(rotated.find("pw-smtp-0042"), 12, "pw-smtp-0043");
    m_k.vault().control(
        QStringLiteral("secret"),
        {{"mount", "secret"}, {"path", AppPath}, {"data", {{"ledger_env", rotated}}}});
    r = m_k.refreshNow();
    QCOMPARE(r.changed, QStringList {QStringLiteral("deploy_env")});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_k.manifest().consumersOf(QStringLiteral("deploy_env")),
             QStringList {QStringLiteral("api")});
    env = injector.prepare(m_k.manifest(), api, m_k.keeper());
    QVERIFY(env);
    QCOMPARE(env.value().value(QStringLiteral("SMTP_PASSWORD")), QStringLiteral("pw-smtp-0043"));
    QVERIFY(m_k.store().values().value(QStringLiteral("deploy_env")) != stored);
}

void tst_VaultEnvFile::malformedUpdateKeepsTheLastGoodFile()
{
    QVERIFY(startKeeper({{"keys", {"SMTP_HOST", "SMTP_PASSWORD"}}}));
    const SecretInjector injector(m_k.dataDir());
    Result<QMap<QString, QString>> env
        = injector.prepare(m_k.manifest(), m_k.manifest().services.at(0), m_k.keeper());
    QVERIFY(env);
    QCOMPARE(env.value().keys(),
             (QStringList {QStringLiteral("SMTP_HOST"), QStringLiteral("SMTP_PASSWORD")}));

    m_k.vault().control(
        QStringLiteral("secret"),
        {{"mount", "secret"},
         {"path", AppPath},
         {"data", {{"ledger_env", "SMTP_HOST=new\nSMTP_PASSWORD pw-leaked-0099\n"}}}});
    QSignalSpy changed(&m_k.keeper(), &SecretKeeper::secretsChanged);
    const SecretKeeper::RefreshResult r = m_k.refreshNow();
    QCOMPARE(r.failed.keys(), QStringList {QStringLiteral("deploy_env")});
    const QString why = r.failed.value(QStringLiteral("deploy_env"));
    QVERIFY2(why.contains(QLatin1String("secret/data/steward/default/apps/ledger#ledger_env")),
             qPrintable(why));
    QVERIFY2(why.contains(QLatin1String("line 2")), qPrintable(why));
    QVERIFY2(!why.contains(QLatin1String("pw-leaked-0099")), qPrintable(why));
    QCOMPARE(changed.count(), 0);
    // The last good file stays in use, marked stale with the reason.
    QCOMPARE(m_k.keeper().record(QStringLiteral("deploy_env"))->status,
             InstallState::SecretStatus::Stale);
    env = injector.prepare(m_k.manifest(), m_k.manifest().services.at(0), m_k.keeper());
    QVERIFY(env);
    QCOMPARE(env.value().value(QStringLiteral("SMTP_PASSWORD")), QStringLiteral("pw-smtp-0042"));
}

void tst_VaultEnvFile::manifestChecksTheShape_data()
{
    QTest::addColumn<json>("source");
    QTest::addColumn<json>("target");
    QTest::addColumn<QString>("errorPath");
    const json base = {{"provider", "vault"}, {"path", "p"}, {"key", "k"}};
    json keysWithoutShape = base;
    keysWithoutShape["keys"] = {"A"};
    json both = base;
    both.update({{"shape", "env"}, {"keys", {"A"}}, {"prefix", "B_"}});
    json badKey = base;
    badKey.update({{"shape", "env"}, {"keys", {"A", "1B"}}});
    json env = base;
    env["shape"] = "env";
    json yaml = base;
    yaml["shape"] = "yaml";
    QTest::newRow("keys without shape env")
        << keysWithoutShape << json {{"type", "env"}, {"name", "X"}}
        << QStringLiteral("/secrets/0/source/keys");
    QTest::newRow("keys and prefix")
        << both << json {{"type", "env"}} << QStringLiteral("/secrets/0/source/prefix");
    QTest::newRow("key not a variable name")
        << badKey << json {{"type", "env"}} << QStringLiteral("/secrets/0/source/keys/1");
    QTest::newRow("env shape into a file") << env << json {{"type", "file"}, {"name", "x"}}
                                           << QStringLiteral("/secrets/0/target/type");
    QTest::newRow("shape unknown")
        << yaml << json {{"type", "env"}} << QStringLiteral("/secrets/0/source/shape");
}

void tst_VaultEnvFile::manifestChecksTheShape()
{
    QFETCH(json, source);
    QFETCH(json, target);
    QFETCH(QString, errorPath);
    const QStringList errors = test::remoteSecretErrors("deploy_env", source, target);
    QVERIFY2(errors.contains(errorPath), qPrintable(errors.join(QLatin1Char(' '))));
}

QTEST_GUILESS_MAIN(tst_VaultEnvFile)

#include "tst_vaultenvfile.moc"
