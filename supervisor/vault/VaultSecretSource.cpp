#include "VaultSecretSource.h"

#include "manifest/Manifest.h"

#include <QDir>

namespace steward {

VaultSecretSource::VaultSecretSource(VaultClient *client, QString app, QString pathPrefix,
                                     QString deployment, QObject *parent)
    : RemoteSecretSource(parent)
    , m_client(client)
    , m_app(std::move(app))
    , m_pathPrefix(std::move(pathPrefix))
    , m_deployment(std::move(deployment))
{
    m_client->setParent(this);
}

Result<VaultSecretSource *>
VaultSecretSource::create(const Manifest &manifest, const QProcessEnvironment &env, QObject *parent)
{
    const VaultConfig config = manifest.vault.value_or(VaultConfig {});
    auto pick = [&env](std::initializer_list<const char *> names, const QString &fallback) {
        for (const char *name : names) {
            const QString v = env.value(QString::fromLatin1(name));
            if (!v.isEmpty())
                return v;
        }
        return fallback;
    };
    VaultEndpoint endpoint;
    const QString address = pick({"VAULT_ADDR", "VAULT_ADDRESS"}, config.address);
    if (address.isEmpty())
        return Result<VaultSecretSource *>::failure(
            QStringLiteral("no Vault address: set remote.vault.address in the manifest or "
                           "VAULT_ADDR in the environment"));
    endpoint.address = QUrl(address);
    endpoint.namespaceName = pick({"VAULT_NAMESPACE"}, config.namespaceName);
    if (!config.caCert.isEmpty())
        endpoint.caCertFile = QDir(manifest.bundleRoot).absoluteFilePath(config.caCert);
    auto *client = new VaultClient(endpoint);
    if (Status st = client->init(); !st) {
        delete client;
        return Result<VaultSecretSource *>::failure(st.error());
    }
    const QString token = env.value(QStringLiteral("VAULT_TOKEN"));
    if (token.isEmpty()) {
        delete client;
        return Result<VaultSecretSource *>::failure(
            QStringLiteral("no Vault token: set VAULT_TOKEN in the environment"));
    }
    client->setToken(token.toUtf8());
    return new VaultSecretSource(client, manifest.app.name,
                                 pick({"VAULT_AGENT_PATH_PREFIX"}, config.pathPrefix),
                                 pick({"DEPLOYMENT_HASH"}, QStringLiteral("default")), parent);
}

QString VaultSecretSource::expandPath(const QString &path) const
{
    QString out = path;
    out.replace(QLatin1String("{path_prefix}"), m_pathPrefix)
        .replace(QLatin1String("{deployment_hash}"), m_deployment)
        .replace(QLatin1String("{app}"), m_app);
    // An empty prefix must not leave "//" or a leading "/" behind.
    while (out.contains(QLatin1String("//")))
        out.replace(QLatin1String("//"), QLatin1String("/"));
    while (out.startsWith(QLatin1Char('/')))
        out.remove(0, 1);
    return out;
}

void VaultSecretSource::fetch(const SecretSpec &spec, QObject *context, FetchHandler handler)
{
    if (!spec.source) {
        return handler({SecretStore::ErrorKind::NotFound,
                        QStringLiteral("%1: the manifest names no source").arg(spec.id)},
                       {}, 0);
    }
    const RemoteSource &src = *spec.source;
    m_client->readKv(
        src.mount, expandPath(src.path), src.key, src.kvVersion, spec.id, context,
        [handler = std::move(handler)](const SecretStore::Error &e, const VaultClient::KvValue &v) {
            handler(e, v.value, v.version);
        });
}

QString VaultSecretSource::describe(const SecretSpec &spec) const
{
    if (!spec.source)
        return QStringLiteral("vault (no source)");
    const RemoteSource &src = *spec.source;
    return QStringLiteral("vault %1#%2")
        .arg(VaultClient::apiPath(src.mount, expandPath(src.path), src.kvVersion), src.key);
}

} // namespace steward
