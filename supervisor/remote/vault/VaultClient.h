#pragma once

#include "core/Result.h"
#include "secrets/SecretStore.h"

#include <QDateTime>
#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <functional>
#include <nlohmann/json.hpp>

class QNetworkAccessManager;
class QNetworkReply;

namespace steward {

// Where a Vault is and how to reach it. TLS verification is always on: `caCertFile` adds a CA
// to trust (a private Vault's), it never turns checking off.
struct VaultEndpoint
{
    QUrl address; // http(s)://host:port
    QString namespaceName; // sent as X-Vault-Namespace when set
    QString caCertFile; // PEM
    int timeoutMs = 10000;
};

// A small asynchronous client for the parts of Vault's HTTP API Steward uses, on
// QNetworkAccessManager: KV v2 and v1 reads, the token's lookup-self and renew-self, and AppRole
// login. Errors come back as SecretStore errors whose message names what was asked (the secret
// id and Vault path, or the auth call), never a token or a value.
class VaultClient : public QObject
{
    Q_OBJECT
public:
    struct KvValue
    {
        QByteArray value;
        int version = 0; // KV v2 metadata.version; 0 for KV v1
    };
    using ReadHandler = std::function<void(const SecretStore::Error &, const KvValue &)>;
    // One version of a KV v2 secret, from its metadata.
    struct KvVersion
    {
        int version = 0;
        QDateTime createdAt;
        bool deleted = false; // soft-deleted: `vault kv undelete` brings it back
        bool destroyed = false; // gone for good
    };
    struct KvMetadata
    {
        int currentVersion = 0;
        QList<KvVersion> versions; // oldest first
    };
    using MetadataHandler = std::function<void(const SecretStore::Error &, const KvMetadata &)>;
    // A whole KV v2 secret: every key of one version.
    using DataHandler
        = std::function<void(const SecretStore::Error &, const nlohmann::json &data, int version)>;
    using WriteHandler = std::function<void(const SecretStore::Error &, int newVersion)>;
    // What Vault says about a token: from lookup-self ("data"), renew-self or a login ("auth").
    struct TokenLease
    {
        QByteArray token; // a login's new token; empty for lookup-self and renew-self
        qint64 ttlS = 0; // seconds left; 0 for a token that never expires
        qint64 creationTtlS = 0; // lookup-self: the lease it was issued with
        bool renewable = false;
    };
    using LeaseHandler = std::function<void(const SecretStore::Error &, const TokenLease &)>;

    explicit VaultClient(VaultEndpoint endpoint, QObject *parent = nullptr);
    ~VaultClient() override;

    // Loads the CA file if any; fails naming the file.
    Status init();
    void setToken(const QByteArray &token) { m_token = token; }
    bool hasToken() const { return !m_token.isEmpty(); }
    const VaultEndpoint &endpoint() const { return m_endpoint; }

    // Reads `key` of the secret at `path` in the KV `mount` (kvVersion 1 or 2); with `version`,
    // that version of a KV v2 secret instead of the current one. `secretId` only names the
    // secret in error messages.
    void readKv(const QString &mount, const QString &path, const QString &key, int kvVersion,
                const QString &secretId, QObject *context, ReadHandler handler, int version = 0);
    // KV v2: every key of version `version` (0: the current one) of the secret at `path`.
    void readKvData(const QString &mount, const QString &path, int version, const QString &secretId,
                    QObject *context, DataHandler handler);
    // KV v2: GET <mount>/metadata/<path>, the versions Vault keeps of the secret.
    void readMetadata(const QString &mount, const QString &path, const QString &secretId,
                      QObject *context, MetadataHandler handler);
    // KV v2: writes `data` as a new version of the secret at `path`, only if its current
    // version is still `cas` (check-and-set); the handler gets the new version.
    void writeKvData(const QString &mount, const QString &path, const nlohmann::json &data, int cas,
                     const QString &secretId, QObject *context, WriteHandler handler);

    // GET auth/token/lookup-self: whether the token is accepted, and for how long.
    void lookupSelf(QObject *context, LeaseHandler handler);
    // POST auth/token/renew-self: asks for `incrementS` more seconds (Vault may give fewer).
    void renewSelf(qint64 incrementS, QObject *context, LeaseHandler handler);
    // POST auth/approle/login; the handler gets the new token (not set on this client).
    void loginAppRole(const QByteArray &roleId, const QByteArray &secretId, QObject *context,
                      LeaseHandler handler);

    // The path as Vault's API sees it: "<mount>/data/<path>" (v2) or "<mount>/<path>" (v1).
    static QString apiPath(const QString &mount, const QString &path, int kvVersion);

private:
    using JsonHandler = std::function<void(const SecretStore::Error &, const QByteArray &body)>;
    // One request to /v1/<apiPath> (which may end in a query, "?version=3"); a non-2xx answer or a
    // network failure becomes an error prefixed with `where`.
    void call(const QByteArray &verb, const QString &apiPath, const QByteArray &body,
              const QString &where, QObject *context, JsonHandler handler);
    // The API path of `version` of a secret (the current one for 0): "...?version=3".
    static QString withVersion(const QString &api, int version);
    // GET of a KV secret's document; `data` is its key/value object, `version` KV v2's.
    void readDocument(const QString &api, int kvVersion, const QString &where, QObject *context,
                      DataHandler handler);
    void leaseCall(const QByteArray &verb, const QString &apiPath, const QByteArray &body,
                   const QString &where, QObject *context, LeaseHandler handler);

    VaultEndpoint m_endpoint;
    QByteArray m_token;
    QNetworkAccessManager *m_nam = nullptr;
    QList<QSslCertificate> m_extraCas;
};

} // namespace steward
