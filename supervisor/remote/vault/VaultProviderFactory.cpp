#include "VaultProviderFactory.h"

#include "VaultManifest.h"
#include "VaultSecretProvider.h"

namespace steward {

void VaultProviderFactory::checkConfig(const nlohmann::json &block, const QString &path,
                                       Diagnostics &out) const
{
    (void)VaultManifest::parseConfig(block, path, out);
}

void VaultProviderFactory::checkSource(const nlohmann::json &source, const QString &path,
                                       Diagnostics &out) const
{
    (void)VaultManifest::parseSource(source, path, out);
}

QList<RemoteProviderRules::AuthReference>
VaultProviderFactory::authSecrets(const nlohmann::json &block, const QString &path) const
{
    Diagnostics ignored; // reported by checkConfig
    const VaultManifest::Config c = VaultManifest::parseConfig(block, path, ignored);
    const QString at = path + QStringLiteral("/auth/");
    return {{at + QStringLiteral("token_secret"), c.tokenSecret},
            {at + QStringLiteral("role_id_secret"), c.roleIdSecret},
            {at + QStringLiteral("secret_id_secret"), c.secretIdSecret}};
}

Result<RemoteSecretProvider *> VaultProviderFactory::create(const Manifest &manifest,
                                                            const QProcessEnvironment &env,
                                                            QObject *parent) const
{
    Result<VaultSecretProvider *> made = VaultSecretProvider::create(manifest, env, parent);
    if (!made)
        return Result<RemoteSecretProvider *>::failure(made.error());
    return Result<RemoteSecretProvider *>(made.value());
}

} // namespace steward
