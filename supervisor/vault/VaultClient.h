#pragma once

#include "core/Result.h"
#include "secrets/SecretStore.h"

#include <QObject>
#include <QSslCertificate>
#include <QUrl>

#include <functional>

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
// QNetworkAccessManager: KV v2 and v1 reads. Errors come back as SecretStore errors whose
// message names the secret id and the Vault path (never a token or a value).
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

    explicit VaultClient(VaultEndpoint endpoint, QObject *parent = nullptr);
    ~VaultClient() override;

    // Loads the CA file if any; fails naming the file.
    Status init();
    void setToken(const QByteArray &token) { m_token = token; }
    bool hasToken() const { return !m_token.isEmpty(); }
    const VaultEndpoint &endpoint() const { return m_endpoint; }

    // Reads `key` of the secret at `path` in the KV `mount` (kvVersion 1 or 2). `secretId`
    // only names the secret in error messages.
    void readKv(const QString &mount, const QString &path, const QString &key, int kvVersion,
                const QString &secretId, QObject *context, ReadHandler handler);

    // The path as Vault's API sees it: "<mount>/data/<path>" (v2) or "<mount>/<path>" (v1).
    static QString apiPath(const QString &mount, const QString &path, int kvVersion);

private:
    QNetworkReply *get(const QString &apiPath);

    VaultEndpoint m_endpoint;
    QByteArray m_token;
    QNetworkAccessManager *m_nam = nullptr;
    QList<QSslCertificate> m_extraCas;
};

} // namespace steward
