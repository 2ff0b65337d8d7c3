#pragma once

#include "RemoteProviderFactory.h"
#include "manifest/RemoteProviderRules.h"

#include <QList>

#include <memory>
#include <vector>

namespace steward {

// The remote secret providers Steward knows, by name: the manifest loader asks it about
// providers' blocks (RemoteProviderRules), and the runtime makes the providers a manifest uses.
// Adding a provider is its folder under remote/ plus one line in registerBuiltIns().
class RemoteProviderRegistry : public RemoteProviderRules
{
public:
    // The providers built into Steward.
    static const RemoteProviderRegistry &builtIn();

    // Registers a factory under its name, replacing one of the same name.
    void add(std::shared_ptr<const RemoteProviderFactory> factory);
    const RemoteProviderFactory *factory(const QString &name) const;

    QStringList providerNames() const override;
    void checkConfig(const QString &provider, const nlohmann::json &block, const QString &path,
                     Diagnostics &out) const override;
    void checkSource(const QString &provider, const nlohmann::json &source, const QString &path,
                     Diagnostics &out) const override;
    QList<AuthReference> authSecrets(const QString &provider,
                                     const nlohmann::json &block) const override;

    // The providers the remote_fetch secrets of `manifest` name, made as children of `parent`,
    // and the reason for each one that could not be made.
    struct Created
    {
        QList<RemoteSecretProvider *> providers;
        QStringList errors;
    };
    Created createFor(const Manifest &manifest, const QProcessEnvironment &env,
                      QObject *parent) const;

private:
    std::vector<std::shared_ptr<const RemoteProviderFactory>> m_factories;
};

} // namespace steward
