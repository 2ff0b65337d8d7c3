#pragma once

#include "VaultClient.h"
#include "core/Result.h"
#include "secrets/RemoteSecretSource.h"

#include <QProcessEnvironment>

namespace steward {

struct Manifest;

// remote_fetch secrets from Vault: the manifest's "remote.vault" block with the environment
// filling in or overriding (VAULT_ADDR or VAULT_ADDRESS, VAULT_TOKEN, VAULT_NAMESPACE,
// VAULT_AGENT_PATH_PREFIX, DEPLOYMENT_HASH), and each secret's "source" path with its
// {deployment_hash}, {app} and {path_prefix} placeholders expanded.
class VaultSecretSource : public RemoteSecretSource
{
    Q_OBJECT
public:
    // Fails, naming what is missing, when no Vault address or no token can be found.
    static Result<VaultSecretSource *>
    create(const Manifest &manifest, const QProcessEnvironment &env, QObject *parent = nullptr);

    void fetch(const SecretSpec &spec, QObject *context, FetchHandler handler) override;
    QString describe(const SecretSpec &spec) const override;
    QString expandPath(const QString &path) const;
    VaultClient &client() { return *m_client; }

private:
    VaultSecretSource(VaultClient *client, QString app, QString pathPrefix, QString deployment,
                      QObject *parent);

    VaultClient *m_client;
    QString m_app;
    QString m_pathPrefix;
    QString m_deployment;
};

} // namespace steward
