#pragma once

#include "core/Result.h"
#include "manifest/Diagnostic.h"
#include "manifest/RemoteProviderRules.h"

#include <QProcessEnvironment>
#include <QString>

#include <nlohmann/json.hpp>

namespace steward {

struct Manifest;
class RemoteSecretProvider;

// One kind of remote secret provider: it parses and checks its own "remote.<name>" block and
// the sources that name it, and makes the provider for a manifest. Registered by name in a
// RemoteProviderRegistry; nothing outside its folder knows its fields.
class RemoteProviderFactory
{
public:
    virtual ~RemoteProviderFactory() = default;

    virtual QString name() const = 0;
    // The block at `path` (/remote/<name>), reporting what is wrong in `out`.
    virtual void checkConfig(const nlohmann::json &block, const QString &path,
                             Diagnostics &out) const = 0;
    // A secret's source at `path` (/secrets/<i>/source) that names this provider.
    virtual void checkSource(const nlohmann::json &source, const QString &path,
                             Diagnostics &out) const = 0;
    // The secrets the block (at `path`) names for the provider's authentication.
    virtual QList<RemoteProviderRules::AuthReference> authSecrets(const nlohmann::json &block,
                                                                  const QString &path) const
    {
        Q_UNUSED(block)
        Q_UNUSED(path)
        return {};
    }
    // The provider for `manifest` (its remote.<name> block and the environment), a child of
    // `parent`; or why it cannot be made, in plain words.
    virtual Result<RemoteSecretProvider *>
    create(const Manifest &manifest, const QProcessEnvironment &env, QObject *parent) const = 0;
};

} // namespace steward
