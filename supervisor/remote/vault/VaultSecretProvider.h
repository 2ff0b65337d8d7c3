#pragma once

#include "VaultClient.h"
#include "VaultManifest.h"
#include "core/Result.h"
#include "secrets/RemoteSecretProvider.h"

#include <QDateTime>
#include <QPointer>
#include <QProcessEnvironment>
#include <QTimer>

#include <optional>

namespace steward {

struct Manifest;

// remote_fetch secrets from Vault: the manifest's "remote.vault" block with the environment
// filling in or overriding (VAULT_ADDR or VAULT_ADDRESS, VAULT_TOKEN, VAULT_NAMESPACE,
// VAULT_AGENT_PATH_PREFIX, DEPLOYMENT_HASH), and each secret's "source" path with its
// {deployment_hash}, {app} and {path_prefix} placeholders expanded.
//
// It also keeps the Vault token alive. The token comes from VAULT_TOKEN, from the secret named
// by auth.token_secret, or from an AppRole login with the role_id_secret and secret_id_secret
// values. A token with a TTL is renewed (renew-self) when two thirds of its lease have passed;
// an AppRole token that can no longer be renewed, or that Vault refuses, is replaced by a new
// login.
class VaultSecretProvider : public RemoteSecretProvider
{
    Q_OBJECT
public:
    // How the provider is authenticated, for /health.
    struct AuthStatus
    {
        QString method; // "token", "approle"
        std::optional<qint64> tokenAgeS; // since the token was obtained; none without a token
        std::optional<qint64> tokenTtlS; // seconds left; none without a token or expiry
    };

    // Fails, naming what is missing, when no Vault address or no way to get a token is given.
    static Result<VaultSecretProvider *>
    create(const Manifest &manifest, const QProcessEnvironment &env, QObject *parent = nullptr);

    ~VaultSecretProvider() override;

    QString name() const override { return QStringLiteral("vault"); }
    // The secrets the token comes from.
    QStringList authSecretIds() const override;
    // Forgets the token (and any auth under way); the next fetch authenticates again.
    void resetAuth() override;

    void fetch(const SecretSpec &spec, QObject *context, FetchHandler handler) override;
    // KV v2 only: a KV v1 secret has no versions, which the error says.
    void versions(const SecretSpec &spec, QObject *context, VersionsHandler handler) override;
    void fetchVersion(const SecretSpec &spec, int version, QObject *context,
                      FetchHandler handler) override;
    // Vault has no rollback call: like `vault kv rollback`, it reads version N of the whole
    // secret and writes it back as a new version with check-and-set on the current one. The
    // token's policy must allow reading the metadata and writing the secret; when it does not,
    // the error says that Vault refused.
    void rollback(const SecretSpec &spec, int version, QObject *context,
                  RollbackHandler handler) override;
    bool sameSource(const SecretSpec &a, const SecretSpec &b) const override;
    QString describe(const SecretSpec &spec) const override;
    // auth_method, token_age_seconds and token_ttl_seconds.
    nlohmann::json healthFields() const override;
    RefreshPolicy refreshPolicy() const override { return m_settings.refresh; }
    AuthStatus authStatus() const;
    QString expandPath(const QString &path) const;
    VaultClient &client() { return *m_client; }

private:
    enum class Method { EnvToken, TokenSecret, AppRole };
    using AuthWaiter = std::function<void(const SecretStore::Error &)>;

    struct Settings
    {
        Method method = Method::EnvToken;
        QByteArray envToken; // VAULT_TOKEN
        // remote.vault.auth: the secrets holding the credentials.
        QString tokenSecret;
        QString roleIdSecret;
        QString secretIdSecret;
        // The values of the path placeholders {app}, {path_prefix} and {deployment_hash}.
        QString app;
        QString pathPrefix;
        QString deployment;
        RefreshPolicy refresh; // remote.vault.refresh_interval_s and jitter_s
    };

    VaultSecretProvider(VaultClient *client, Settings settings, QObject *parent);
    // Runs `then` once a token is at hand (authenticating first if needed), or with the reason
    // there is none.
    void withToken(AuthWaiter then);
    void authenticate();
    void finishAuth(const SecretStore::Error &e);
    void adopt(const VaultClient::TokenLease &lease, bool newToken);
    void renew();
    void logInAgain(); // AppRole: a new token when the old one cannot be renewed
    void clearToken();
    void read(const SecretSpec &spec, int version, QObject *context, FetchHandler handler,
              bool retried);
    // Runs `then` with a token, or answers `fail` with the reason there is none (naming the
    // secret and where it is kept).
    void withTokenFor(const SecretSpec &spec, QPointer<QObject> ctx,
                      std::function<void(const SecretStore::Error &)> fail,
                      std::function<void()> then);
    // A read was refused (403): log in again if the token is what Vault refuses, else report it.
    void checkRefusal(const SecretSpec &spec, int version, QPointer<QObject> ctx,
                      const SecretStore::Error &refusal, FetchHandler handler);
    // The source of `spec` as its manifest entry gives it.
    static VaultManifest::Source sourceOf(const SecretSpec &spec);
    // Only KV v2 keeps versions to list, fetch or roll back to.
    static bool keepsVersions(const SecretSpec &spec);

    VaultClient *m_client;
    const Settings m_settings;

    bool m_authenticating = false;
    quint64 m_generation = 0; // bumped by resetAuth(): answers to older auth calls are dropped
    QList<AuthWaiter> m_waiting;
    QDateTime m_tokenSince; // when this token was obtained (or first accepted); invalid: none
    QDateTime m_expiresAt; // invalid: never expires
    qint64 m_leaseS = 0; // the lease asked for at each renewal: the token's first TTL
    bool m_renewable = false;
    QTimer m_renewTimer;
};

} // namespace steward
