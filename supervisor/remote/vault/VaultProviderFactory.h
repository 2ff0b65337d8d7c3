#pragma once

#include "remote/RemoteProviderFactory.h"

namespace steward {

// Vault as a remote provider: the "remote.vault" block (VaultManifest) and
// VaultSecretProvider.
class VaultProviderFactory : public RemoteProviderFactory
{
public:
    QString name() const override { return QStringLiteral("vault"); }
    void checkConfig(const nlohmann::json &block, const QString &path,
                     Diagnostics &out) const override;
    void checkSource(const nlohmann::json &source, const QString &path,
                     Diagnostics &out) const override;
    QList<RemoteProviderRules::AuthReference> authSecrets(const nlohmann::json &block,
                                                          const QString &path) const override;
    Result<RemoteSecretProvider *> create(const Manifest &manifest, const QProcessEnvironment &env,
                                          QObject *parent) const override;
};

} // namespace steward
