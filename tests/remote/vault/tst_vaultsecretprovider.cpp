// VaultSecretProvider against the test Vault: authentication (a token from the environment or
// from another secret, AppRole), the token's life (renewal, a new login), and the SecretKeeper's
// fetches and refreshes through it.

#include "FakeVault.h"
#include "ManifestBuilder.h"
#include "TestPrinters.h"
#include "VaultTestData.h"
#include "core/Redactor.h"
#include "remote/vault/VaultSecretProvider.h"
#include "secrets/InstallState.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace steward;
using json = nlohmann::json;
using Kind = SecretStore::ErrorKind;
using test::FakeVault;
using test::Read;
using test::standardConfig;
using test::Token;

namespace {

// A manifest with the remote secret db_password, the prompted secrets the Vault auth may use
// (vault_token, role_id, secret_id) and `auth` as remote.vault.auth.
std::optional<Manifest> vaultManifest(const json &auth)
{
    test::ManifestBuilder b;
    auto prompted = [](const char *id, const char *env) {
        return json {{"id", id},
                     {"class", "user_prompt"},
                     {"prompt", {{"label", id}}},
                     {"target", {{"type", "env"}, {"name", env}}}};
    };
    b.set("/secrets",
          json::array({{{"id", "db_password"},
                        {"class", "remote_fetch"},
                        {"source",
                         {{"provider", "vault"},
                          {"mount", "secret"},
                          {"path", "{path_prefix}/{deployment_hash}/{app}/db"},
                          {"key", "password"}}},
                        {"target", {{"type", "env"}, {"name", "DB_PASSWORD"}}}},
                       prompted("vault_token", "VT"),
                       prompted("role_id", "RI"),
                       prompted("secret_id", "SI")}));
    b.set("/remote", {{"vault", {{"path_prefix", "steward"}, {"auth", auth}}}});
    b.set("/services/0/secrets", json::array({"db_password"}));
    b.set("/app/name", "hello-steward");
    ManifestLoadResult loaded = b.load();
    if (!loaded.valid()) {
        qWarning() << (loaded.diagnostics.isEmpty() ? QString()
                                                    : loaded.diagnostics.first().toString());
        return std::nullopt;
    }
    return *loaded.manifest;
}

// A VaultSecretProvider for `m` talking to `vault`, with VAULT_TOKEN set when `token` is given;
// null (with the reason in the test log) when it cannot be made.
std::unique_ptr<VaultSecretProvider> sourceFor(const Manifest &m, const FakeVault &vault,
                                               const QByteArray &token = {})
{
    QProcessEnvironment env;
    env.insert(QStringLiteral("VAULT_ADDR"), vault.url().toString());
    if (!token.isEmpty())
        env.insert(QStringLiteral("VAULT_TOKEN"), QString::fromLatin1(token));
    Result<VaultSecretProvider *> created = VaultSecretProvider::create(m, env);
    if (!created) {
        qWarning("%s", qPrintable(created.error()));
        return nullptr;
    }
    return std::unique_ptr<VaultSecretProvider>(created.value());
}

// The test Vault's standard config plus the AppRole steward-role / steward-secret-id, whose
// tokens live `ttl` seconds and can be renewed up to `maxTtl` (0: Vault's default).
json appRoleConfig(int ttl, int maxTtl = 0)
{
    json config = standardConfig();
    json role
        = {{"role_id", "steward-role"}, {"secret_id", "steward-secret-id"}, {"token_ttl", ttl}};
    if (maxTtl > 0)
        role["token_max_ttl"] = maxTtl;
    config["approle"] = json::array({role});
    return config;
}

const json AppRoleAuth
    = {{"method", "approle"}, {"role_id_secret", "role_id"}, {"secret_id_secret", "secret_id"}};

// Fetches db_password through `source` and waits for the answer.
Read fetchNow(VaultSecretProvider &source, const Manifest &m)
{
    Read r;
    bool done = false;
    QObject context;
    source.fetch(*m.secret(QStringLiteral("db_password")), &context,
                 [&](const SecretStore::Error &e, const QByteArray &v, int version) {
                     r = {e, {v, version}};
                     done = true;
                 });
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        r.error = {Kind::Timeout, QStringLiteral("test gave up")};
    return r;
}

} // namespace

class tst_VaultSecretProvider : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keeperFetchesRemoteSecretsAtStart();
    void tokenIsRenewedBeforeItExpires();
    void tokenFromAnotherSecret();
    void appRoleLogsInAndAgainWhenRefused();
    void appRoleLogsInAgainAtTheMaximumTtl();
    void refusedEnvironmentTokenIsNamed();
    void refreshOfAFailedKeeperIsRefused();
};

void tst_VaultSecretProvider::keeperFetchesRemoteSecretsAtStart()
{
    FakeVault vault(standardConfig());
    test::ManifestBuilder b;
    b.set("/secrets",
          json::array({{{"id", "db_password"},
                        {"class", "remote_fetch"},
                        {"description", "database password"},
                        {"source",
                         {{"provider", "vault"},
                          {"mount", "secret"},
                          {"path", "{path_prefix}/{deployment_hash}/{app}/db"},
                          {"key", "password"}}},
                        {"target", {{"type", "env"}, {"name", "DB_PASSWORD"}}}}}));
    b.set("/remote", {{"vault", {{"address", "http://127.0.0.1:1"}, {"path_prefix", "steward"}}}});
    b.set("/services/0/secrets", json::array({"db_password"}));
    b.set("/app/name", "hello-steward");

    const ManifestLoadResult loaded = b.load();
    QVERIFY2(loaded.valid(),
             qPrintable(loaded.diagnostics.isEmpty() ? QString()
                                                     : loaded.diagnostics.first().toString()));
    const Manifest &m = *loaded.manifest;
    QProcessEnvironment env;
    QVERIFY(!VaultSecretProvider::create(m, env)); // no token anywhere
    env.insert(QStringLiteral("VAULT_TOKEN"), QString::fromLatin1(Token));
    env.insert(QStringLiteral("VAULT_ADDR"), vault.url().toString()); // overrides the manifest
    Result<VaultSecretProvider *> source = VaultSecretProvider::create(m, env);
    QVERIFY2(source, qPrintable(source.error()));
    std::unique_ptr<VaultSecretProvider> owned(source.value());
    QCOMPARE(owned->describe(m.secrets.first()),
             QStringLiteral("vault secret/data/steward/default/hello-steward/db#password"));

    QTemporaryDir data;
    Result<InstallState> state = InstallState::load(data.path());
    QVERIFY(state);
    MemoryStore store;
    SecretKeeper keeper(m, state.value(), store, std::make_shared<Redactor>());
    keeper.addRemoteProvider(owned.get());
    keeper.start();
    QTRY_COMPARE_WITH_TIMEOUT(keeper.phase(), SecretKeeper::Phase::Ready, 20000);
    QCOMPARE(*keeper.value(QStringLiteral("db_password")), QByteArray("db-pass-0123456789"));
    QCOMPARE(keeper.record(QStringLiteral("db_password"))->source,
             InstallState::SecretSource::Remote);
    // Kept in the store as the last-known-good value for a later run without Vault.
    QCOMPARE(store.values().value(QStringLiteral("db_password")), QByteArray("db-pass-0123456789"));

    // A refresh that finds the same value changes nothing.
    QSignalSpy changed(&keeper, &SecretKeeper::secretsChanged);
    QSignalSpy phases(&keeper, &SecretKeeper::phaseChanged);
    QSignalSpy saved(&keeper, &SecretKeeper::recordsChanged);
    keeper.refreshRemote();
    QTRY_COMPARE_WITH_TIMEOUT(saved.count(), 1, 20000); // the refresh has settled
    QCOMPARE(changed.count(), 0);

    // A rotated value is taken over atomically and reported for its consumers' restart.
    vault.control(QStringLiteral("secret"),
                  {{"mount", "secret"},
                   {"path", "steward/default/hello-steward/db"},
                   {"data", {{"password", "db-pass-rotated-0001"}}}});
    keeper.refreshRemote();
    QTRY_COMPARE_WITH_TIMEOUT(changed.count(), 1, 20000);
    QCOMPARE(changed.first().first().toStringList(), QStringList {QStringLiteral("db_password")});
    QCOMPARE(*keeper.value(QStringLiteral("db_password")), QByteArray("db-pass-rotated-0001"));
    // Vault down: the last-known-good value stays, marked stale with the reason.
    vault.control(QStringLiteral("fault"), {{"mode", "sealed"}});
    keeper.refreshRemote();
    QTRY_COMPARE_WITH_TIMEOUT(keeper.record(QStringLiteral("db_password"))->status,
                              InstallState::SecretStatus::Stale, 20000);
    QVERIFY(keeper.record(QStringLiteral("db_password"))->detail.contains(QLatin1String("sealed")));
    QCOMPARE(*keeper.value(QStringLiteral("db_password")), QByteArray("db-pass-rotated-0001"));
    QCOMPARE(keeper.phase(), SecretKeeper::Phase::Ready);
    QCOMPARE(phases.count(), 0); // refreshes are not steps of the start
}

void tst_VaultSecretProvider::tokenIsRenewedBeforeItExpires()
{
    // A 3 s token that may be renewed for a minute: without renewals it would be dead by the
    // time the second renewal is seen.
    json config = standardConfig();
    config["tokens"] = json::array(
        {{{"id", "short-lived-token"}, {"ttl", 3}, {"max_ttl", 60}, {"renewable", true}}});
    FakeVault vault(config);
    const std::optional<Manifest> m = vaultManifest({{"method", "token"}});
    QVERIFY(m);
    const std::unique_ptr<VaultSecretProvider> source = sourceFor(*m, vault, "short-lived-token");
    QVERIFY(source);
    QVERIFY(!source->authStatus().tokenAgeS); // no token looked at yet

    Read r = fetchNow(*source, *m);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(vault.requestsTo("auth/token/lookup-self"), 1);
    const VaultSecretProvider::AuthStatus auth = source->authStatus();
    QCOMPARE(auth.method, QStringLiteral("token"));
    QVERIFY(auth.tokenAgeS && *auth.tokenAgeS <= 1);
    QVERIFY(auth.tokenTtlS && *auth.tokenTtlS <= 3);

    QTRY_VERIFY_WITH_TIMEOUT(vault.renewals() >= 2, 15000);
    r = fetchNow(*source, *m);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(r.value.value, QByteArray("db-pass-0123456789"));
    QCOMPARE(vault.requestsTo("auth/token/lookup-self"), 1); // renewed, never looked up again
}

void tst_VaultSecretProvider::tokenFromAnotherSecret()
{
    FakeVault vault(standardConfig());
    const std::optional<Manifest> m
        = vaultManifest({{"method", "token"}, {"token_secret", "vault_token"}});
    QVERIFY(m);
    const std::unique_ptr<VaultSecretProvider> source = sourceFor(*m, vault);
    QVERIFY(source);
    QCOMPARE(source->authSecretIds(), QStringList {QStringLiteral("vault_token")});

    // The person has not entered it yet: the fetch waits for it, and says so.
    std::optional<QByteArray> entered;
    source->setSecretLookup([&entered](const QString &id) {
        return id == QLatin1String("vault_token") ? entered : std::nullopt;
    });
    Read r = fetchNow(*source, *m);
    QCOMPARE(r.error.kind, Kind::NotFound);
    QVERIFY2(r.error.message.startsWith(QLatin1String("db_password (vault secret/data/steward/"))
                 && r.error.message.endsWith(QLatin1String("no Vault token: waiting for "
                                                           "vault_token")),
             qPrintable(r.error.message));

    // A wrong one is refused by name, without the token in the message.
    entered = QByteArray("not-the-token");
    source->resetAuth();
    r = fetchNow(*source, *m);
    QCOMPARE(r.error.kind, Kind::Denied);
    QVERIFY2(r.error.message.contains(QLatin1String("lookup-self")), qPrintable(r.error.message));
    QVERIFY(!r.error.message.contains(QLatin1String("not-the-token")));

    entered = Token;
    source->resetAuth();
    r = fetchNow(*source, *m);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(r.value.value, QByteArray("db-pass-0123456789"));

    // Without VAULT_TOKEN and without a token_secret there is no way in: said at creation.
    const std::optional<Manifest> none = vaultManifest({{"method", "token"}});
    QVERIFY(none);
    QProcessEnvironment env;
    env.insert(QStringLiteral("VAULT_ADDR"), vault.url().toString());
    const Result<VaultSecretProvider *> refused = VaultSecretProvider::create(*none, env);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QLatin1String("token_secret")), qPrintable(refused.error()));
}

void tst_VaultSecretProvider::appRoleLogsInAndAgainWhenRefused()
{
    FakeVault vault(appRoleConfig(3600));
    const std::optional<Manifest> m = vaultManifest(AppRoleAuth);
    QVERIFY(m);
    const std::unique_ptr<VaultSecretProvider> source = sourceFor(*m, vault);
    QVERIFY(source);
    QCOMPARE(source->authSecretIds(),
             (QStringList {QStringLiteral("role_id"), QStringLiteral("secret_id")}));
    QMap<QString, QByteArray> values {{QStringLiteral("role_id"), "steward-role"},
                                      {QStringLiteral("secret_id"), "wrong-secret-id"}};
    source->setSecretLookup([&values](const QString &id) -> std::optional<QByteArray> {
        if (!values.contains(id))
            return std::nullopt;
        return values.value(id);
    });

    Read r = fetchNow(*source, *m);
    QVERIFY2(r.error.message.contains(QLatin1String("AppRole login"))
                 && r.error.message.contains(QLatin1String("invalid secret id")),
             qPrintable(r.error.message));
    QVERIFY(!r.error.message.contains(QLatin1String("wrong-secret-id")));

    values[QStringLiteral("secret_id")] = "steward-secret-id";
    source->resetAuth();
    r = fetchNow(*source, *m);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(r.value.value, QByteArray("db-pass-0123456789"));
    QCOMPARE(source->authStatus().method, QStringLiteral("approle"));
    QCOMPARE(vault.requestsTo("auth/approle/login"), 2);

    // A policy that refuses the path is not a dead token: no new login, the 403 is reported.
    vault.control(QStringLiteral("fault"),
                  {{"mode", "forbidden"}, {"path_prefix", "secret/"}, {"count", 1}});
    r = fetchNow(*source, *m);
    QCOMPARE(r.error.kind, Kind::Denied);
    QVERIFY2(r.error.message.contains(QLatin1String("permission denied")),
             qPrintable(r.error.message));
    QCOMPARE(vault.requestsTo("auth/approle/login"), 2);

    // The token dies early (revoked, Vault restarted): the next read is refused, Steward logs
    // in again and the read succeeds, all within one fetch.
    vault.control(QStringLiteral("expire_tokens"));
    r = fetchNow(*source, *m);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QCOMPARE(vault.requestsTo("auth/approle/login"), 3);
}

void tst_VaultSecretProvider::appRoleLogsInAgainAtTheMaximumTtl()
{
    // Tokens of 3 s that can be renewed up to 4 s after login: the renewal at 2 s gets 2 s, the
    // next one 1 s, and then a new login is the only way to keep a token.
    FakeVault vault(appRoleConfig(3, 4));
    const std::optional<Manifest> m = vaultManifest(AppRoleAuth);
    QVERIFY(m);
    const std::unique_ptr<VaultSecretProvider> source = sourceFor(*m, vault);
    QVERIFY(source);
    source->setSecretLookup([](const QString &id) -> std::optional<QByteArray> {
        if (id == QLatin1String("role_id"))
            return QByteArray("steward-role");
        return QByteArray("steward-secret-id");
    });
    QVERIFY2(fetchNow(*source, *m).error.ok(), "first fetch");
    QCOMPARE(vault.requestsTo("auth/approle/login"), 1);
    QTRY_VERIFY2_WITH_TIMEOUT(vault.requestsTo("auth/approle/login") >= 2,
                              vault.control(QStringLiteral("requests"), nullptr).dump().c_str(),
                              15000);
    QVERIFY(vault.requestsTo("auth/token/renew-self") >= 1);
    const Read r = fetchNow(*source, *m);
    QVERIFY2(r.error.ok(), qPrintable(r.error.message));
    QVERIFY(*source->authStatus().tokenAgeS <= 2); // a new token
}

void tst_VaultSecretProvider::refusedEnvironmentTokenIsNamed()
{
    FakeVault vault(standardConfig());
    const std::optional<Manifest> m = vaultManifest({{"method", "token"}});
    QVERIFY(m);
    const std::unique_ptr<VaultSecretProvider> source = sourceFor(*m, vault, Token);
    QVERIFY(source);
    QVERIFY2(fetchNow(*source, *m).error.ok(), "first fetch");
    vault.control(QStringLiteral("expire_tokens"));
    const Read r = fetchNow(*source, *m);
    QCOMPARE(r.error.kind, Kind::Denied);
    QVERIFY2(r.error.message.endsWith(QLatin1String("Vault refused the token in VAULT_TOKEN "
                                                    "(expired or revoked)")),
             qPrintable(r.error.message));
    QVERIFY(!r.error.message.contains(QLatin1String(Token)));
}

void tst_VaultSecretProvider::refreshOfAFailedKeeperIsRefused()
{
    FakeVault vault(standardConfig());
    const std::optional<Manifest> m = vaultManifest({{"method", "token"}});
    QVERIFY(m);
    const std::unique_ptr<VaultSecretProvider> source = sourceFor(*m, vault, Token);
    QVERIFY(source);
    QTemporaryDir data;
    Result<InstallState> state = InstallState::load(data.path());
    QVERIFY(state);
    MemoryStore store;
    store.failWith(Kind::Locked); // the keychain cannot be read: the start fails
    SecretKeeper keeper(*m, state.value(), store, std::make_shared<Redactor>());
    keeper.addRemoteProvider(source.get());
    keeper.start();
    QTRY_COMPARE_WITH_TIMEOUT(keeper.phase(), SecretKeeper::Phase::Failed, 20000);

    std::optional<SecretKeeper::RefreshResult> answer;
    keeper.refreshRemote({}, &keeper, [&](const SecretKeeper::RefreshResult &r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 20000);
    QCOMPARE(answer->failed.keys(), QStringList {QStringLiteral("db_password")});
    QCOMPARE(answer->failed.value(QStringLiteral("db_password")), keeper.failure());
    QCOMPARE(keeper.phase(), SecretKeeper::Phase::Failed); // not settled by a fetch
    QCOMPARE(vault.requestsTo("secret/data/steward/default/hello-steward/db"), 0);
}

QTEST_GUILESS_MAIN(tst_VaultSecretProvider)
#include "tst_vaultsecretprovider.moc"
