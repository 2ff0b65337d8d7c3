#include "VaultClient.h"

#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSslConfiguration>
#include <QSslSocket>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace steward {

using json = nlohmann::json;

namespace {

// Vault's errors: {"errors":["permission denied"]}; an empty list on a 404.
QString vaultErrors(const QByteArray &body)
{
    const json doc = json::parse(body.toStdString(), nullptr, false);
    QStringList errors;
    if (doc.is_object() && doc.contains("errors") && doc["errors"].is_array()) {
        for (const json &e : doc["errors"]) {
            if (e.is_string())
                errors << QString::fromStdString(e.get<std::string>());
        }
    }
    return errors.join(QStringLiteral("; "));
}

SecretStore::Error classify(int status, QNetworkReply::NetworkError netError,
                            const QString &netMessage, const QByteArray &body, const QString &where)
{
    using Kind = SecretStore::ErrorKind;
    const QString said = vaultErrors(body);
    auto error = [&](Kind kind, const QString &what) {
        return SecretStore::Error {kind, QStringLiteral("%1: %2").arg(where, what)};
    };
    switch (status) {
    case 403:
        return error(Kind::Denied,
                     QStringLiteral("permission denied by Vault (HTTP 403%1)")
                         .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said));
    case 404:
        return error(Kind::NotFound, QStringLiteral("no such secret in Vault (HTTP 404)"));
    case 429:
        return error(Kind::Timeout, QStringLiteral("Vault is rate limiting requests (HTTP 429)"));
    case 503:
        return error(Kind::NoBackend,
                     QStringLiteral("Vault is unavailable (HTTP 503%1)")
                         .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said));
    default:
        break;
    }
    if (status >= 400)
        return error(Kind::Io,
                     QStringLiteral("Vault answered HTTP %1%2")
                         .arg(status)
                         .arg(said.isEmpty() ? QString() : QStringLiteral(": ") + said));
    if (netError == QNetworkReply::OperationCanceledError
        || netError == QNetworkReply::TimeoutError)
        return error(Kind::Timeout, QStringLiteral("Vault did not answer in time"));
    if (netError == QNetworkReply::SslHandshakeFailedError)
        return error(Kind::NoBackend,
                     QStringLiteral("no trusted TLS connection to Vault: %1").arg(netMessage));
    return error(Kind::NoBackend, QStringLiteral("cannot reach Vault: %1").arg(netMessage));
}

} // namespace

VaultClient::VaultClient(VaultEndpoint endpoint, QObject *parent)
    : QObject(parent)
    , m_endpoint(std::move(endpoint))
    , m_nam(new QNetworkAccessManager(this))
{ }

VaultClient::~VaultClient() = default;

Status VaultClient::init()
{
    if (!m_endpoint.address.isValid() || m_endpoint.address.host().isEmpty()
        || (m_endpoint.address.scheme() != QLatin1String("http")
            && m_endpoint.address.scheme() != QLatin1String("https")))
        return Status::failure(QStringLiteral("the Vault address \"%1\" is not an http(s) URL")
                                   .arg(m_endpoint.address.toString()));
    if (m_endpoint.caCertFile.isEmpty())
        return {};
    m_extraCas = QSslCertificate::fromPath(m_endpoint.caCertFile, QSsl::Pem);
    if (m_extraCas.isEmpty())
        return Status::failure(QStringLiteral("no PEM certificate could be read from the Vault CA "
                                              "file %1")
                                   .arg(m_endpoint.caCertFile));
    return {};
}

QString VaultClient::apiPath(const QString &mount, const QString &path, int kvVersion)
{
    if (kvVersion == 1)
        return mount + QLatin1Char('/') + path;
    return mount + QStringLiteral("/data/") + path;
}

void VaultClient::call(const QByteArray &verb, const QString &path, const QByteArray &body,
                       const QString &where, QObject *context, JsonHandler handler)
{
    QUrl url = m_endpoint.address;
    // A path may carry a query: "secret/data/app?version=3".
    const qsizetype query = path.indexOf(u'?');
    url.setPath(QStringLiteral("/v1/") + path.left(query));
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    QNetworkRequest request(url);
    request.setTransferTimeout(m_endpoint.timeoutMs);
    if (!m_token.isEmpty())
        request.setRawHeader("X-Vault-Token", m_token);
    if (!m_endpoint.namespaceName.isEmpty())
        request.setRawHeader("X-Vault-Namespace", m_endpoint.namespaceName.toUtf8());
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    if (!m_extraCas.isEmpty()) {
        // The system CAs plus the one named for this Vault; peer verification stays on.
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.addCaCertificates(m_extraCas);
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        request.setSslConfiguration(tls);
    }
    QNetworkReply *reply = m_nam->sendCustomRequest(request, verb, body);
    connect(reply, &QNetworkReply::finished, context, [reply, where, handler = std::move(handler)] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->isReadable() ? reply->readAll() : QByteArray();
        if (status < 200 || status > 299)
            return handler(classify(status, reply->error(), reply->errorString(), answer, where),
                           {});
        handler({}, answer);
    });
}

void VaultClient::readKv(const QString &mount, const QString &path, const QString &key,
                         int kvVersion, const QString &secretId, QObject *context,
                         ReadHandler handler, int version)
{
    const QString api = apiPath(mount, path, kvVersion);
    const QString where = version > 0
        ? QStringLiteral("%1 (vault %2#%3, version %4)").arg(secretId, api, key).arg(version)
        : QStringLiteral("%1 (vault %2#%3)").arg(secretId, api, key);
    readDocument(
        withVersion(api, version), kvVersion, where, context,
        [key, where, handler = std::move(handler)](const SecretStore::Error &e, const json &data,
                                                   int version) {
            if (!e.ok())
                return handler(e, {});
            const std::string k = key.toStdString();
            if (!data.contains(k))
                return handler({SecretStore::ErrorKind::NotFound,
                                QStringLiteral("%1: the secret has no key \"%2\"").arg(where, key)},
                               {});
            const json &v = data[k];
            // Vault values are JSON; a string is taken as it is, anything else as its
            // JSON.
            const QByteArray value = v.is_string() ? QByteArray::fromStdString(v.get<std::string>())
                                                   : QByteArray::fromStdString(v.dump());
            handler({}, {value, version});
        });
}

QString VaultClient::withVersion(const QString &api, int version)
{
    return version > 0 ? api + QStringLiteral("?version=%1").arg(version) : api;
}

void VaultClient::readKvData(const QString &mount, const QString &path, int version,
                             const QString &secretId, QObject *context, DataHandler handler)
{
    const QString api = apiPath(mount, path, 2);
    const QString where = version > 0
        ? QStringLiteral("%1 (vault %2, version %3)").arg(secretId, api).arg(version)
        : QStringLiteral("%1 (vault %2)").arg(secretId, api);
    readDocument(withVersion(api, version), 2, where, context, std::move(handler));
}

void VaultClient::readDocument(const QString &api, int kvVersion, const QString &where,
                               QObject *context, DataHandler handler)
{
    call("GET", api, {}, where, context,
         [kvVersion, where, handler = std::move(handler)](const SecretStore::Error &e,
                                                          const QByteArray &body) {
             if (!e.ok())
                 return handler(e, {}, 0);
             const json doc = json::parse(body.toStdString(), nullptr, false);
             const json *data = nullptr;
             int version = 0;
             if (doc.is_object() && doc.contains("data") && doc["data"].is_object()) {
                 data = &doc["data"];
                 if (kvVersion == 2) {
                     const json &outer = doc["data"];
                     data = outer.contains("data") && outer["data"].is_object() ? &outer["data"]
                                                                                : nullptr;
                     if (outer.contains("metadata") && outer["metadata"].is_object()
                         && outer["metadata"].contains("version")
                         && outer["metadata"]["version"].is_number_integer())
                         version = outer["metadata"]["version"].get<int>();
                 }
             }
             if (!data)
                 // KV v2 answers data: null for a version that was deleted or destroyed.
                 return handler({SecretStore::ErrorKind::NotFound,
                                 QStringLiteral("%1: Vault's answer has no data (the version may "
                                                "have been deleted)")
                                     .arg(where)},
                                {}, 0);
             handler({}, *data, version);
         });
}

void VaultClient::readMetadata(const QString &mount, const QString &path, const QString &secretId,
                               QObject *context, MetadataHandler handler)
{
    const QString api = mount + QStringLiteral("/metadata/") + path;
    const QString where = QStringLiteral("%1 (vault %2)").arg(secretId, api);
    call(
        "GET", api, {}, where, context,
        [where, handler = std::move(handler)](const SecretStore::Error &e, const QByteArray &body) {
            if (!e.ok())
                return handler(e, {});
            const json doc = json::parse(body.toStdString(), nullptr, false);
            if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_object()
                || !doc["data"].contains("versions") || !doc["data"]["versions"].is_object())
                return handler({SecretStore::ErrorKind::Corrupt,
                                QStringLiteral("%1: Vault's answer has no versions").arg(where)},
                               {});
            const json &data = doc["data"];
            KvMetadata meta;
            if (data.contains("current_version") && data["current_version"].is_number_integer())
                meta.currentVersion = data["current_version"].get<int>();
            for (const auto &item : data["versions"].items()) {
                const json &v = item.value();
                KvVersion kv;
                kv.version = QByteArray::fromStdString(item.key()).toInt();
                if (kv.version <= 0 || !v.is_object())
                    continue;
                auto text = [&v](const char *field) {
                    return v.contains(field) && v[field].is_string()
                        ? QString::fromStdString(v[field].get<std::string>())
                        : QString();
                };
                kv.createdAt = QDateTime::fromString(text("created_time"), Qt::ISODateWithMs);
                kv.deleted = !text("deletion_time").isEmpty();
                kv.destroyed = v.contains("destroyed") && v["destroyed"].is_boolean()
                    && v["destroyed"].get<bool>();
                meta.versions << kv;
            }
            std::sort(meta.versions.begin(), meta.versions.end(),
                      [](const KvVersion &a, const KvVersion &b) { return a.version < b.version; });
            handler({}, meta);
        });
}

void VaultClient::writeKvData(const QString &mount, const QString &path, const json &data, int cas,
                              const QString &secretId, QObject *context, WriteHandler handler)
{
    const QString api = apiPath(mount, path, 2);
    const QString where = QStringLiteral("%1 (vault %2)").arg(secretId, api);
    const json body = {{"data", data}, {"options", {{"cas", cas}}}};
    call("POST", api, QByteArray::fromStdString(body.dump()), where, context,
         [where, handler = std::move(handler)](const SecretStore::Error &e,
                                               const QByteArray &answer) {
             if (!e.ok())
                 return handler(e, 0);
             const json doc = json::parse(answer.toStdString(), nullptr, false);
             if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_object()
                 || !doc["data"].contains("version") || !doc["data"]["version"].is_number_integer())
                 return handler(
                     {SecretStore::ErrorKind::Corrupt,
                      QStringLiteral("%1: Vault's answer has no new version").arg(where)},
                     0);
             handler({}, doc["data"]["version"].get<int>());
         });
}

void VaultClient::leaseCall(const QByteArray &verb, const QString &path, const QByteArray &body,
                            const QString &where, QObject *context, LeaseHandler handler)
{
    call(verb, path, body, where, context,
         [where, handler = std::move(handler)](const SecretStore::Error &e,
                                               const QByteArray &answer) {
             if (!e.ok())
                 return handler(e, {});
             // lookup-self answers in "data" (ttl), renew-self and logins in "auth"
             // (lease_duration, client_token).
             const json doc = json::parse(answer.toStdString(), nullptr, false);
             const char *block = doc.is_object() && doc.contains("auth") && doc["auth"].is_object()
                 ? "auth"
                 : "data";
             if (!doc.is_object() || !doc.contains(block) || !doc[block].is_object())
                 return handler({SecretStore::ErrorKind::Corrupt,
                                 QStringLiteral("%1: Vault's answer has no token data").arg(where)},
                                {});
             const json &b = doc[block];
             TokenLease lease;
             const char *ttlKey = b.contains("lease_duration") ? "lease_duration" : "ttl";
             if (b.contains(ttlKey) && b[ttlKey].is_number_integer())
                 lease.ttlS = b[ttlKey].get<qint64>();
             if (b.contains("creation_ttl") && b["creation_ttl"].is_number_integer())
                 lease.creationTtlS = b["creation_ttl"].get<qint64>();
             lease.renewable = b.value("renewable", false);
             if (b.contains("client_token") && b["client_token"].is_string())
                 lease.token = QByteArray::fromStdString(b["client_token"].get<std::string>());
             handler({}, lease);
         });
}

void VaultClient::lookupSelf(QObject *context, LeaseHandler handler)
{
    leaseCall("GET", QStringLiteral("auth/token/lookup-self"), {},
              QStringLiteral("Vault token (lookup-self)"), context, std::move(handler));
}

void VaultClient::renewSelf(qint64 incrementS, QObject *context, LeaseHandler handler)
{
    const json body = {{"increment", incrementS}};
    leaseCall("POST", QStringLiteral("auth/token/renew-self"),
              QByteArray::fromStdString(body.dump()), QStringLiteral("Vault token (renew-self)"),
              context, std::move(handler));
}

void VaultClient::loginAppRole(const QByteArray &roleId, const QByteArray &secretId,
                               QObject *context, LeaseHandler handler)
{
    const json body = {{"role_id", roleId.toStdString()}, {"secret_id", secretId.toStdString()}};
    leaseCall("POST", QStringLiteral("auth/approle/login"), QByteArray::fromStdString(body.dump()),
              QStringLiteral("Vault AppRole login"), context,
              [handler = std::move(handler)](const SecretStore::Error &e, const TokenLease &lease) {
                  if (e.ok() && lease.token.isEmpty())
                      return handler({SecretStore::ErrorKind::Corrupt,
                                      QStringLiteral("Vault AppRole login: no client_token in "
                                                     "Vault's answer")},
                                     {});
                  handler(e, lease);
              });
}

} // namespace steward
