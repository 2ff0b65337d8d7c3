#pragma once

#include "Diagnostic.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>

namespace steward {

// What the manifest parser and validator ask of the remote secret providers: which names
// exist, and the checks of a provider's own "remote.<name>" block and of a secret's "source"
// that names it. The manifest keeps both as written; remote/'s registry answers (the manifest
// layer sits below remote/ and cannot know the providers).
class RemoteProviderRules
{
public:
    // A secret the provider's block names for its own authentication, and where.
    struct AuthReference
    {
        QString pointer; // JSON pointer of the field, e.g. /remote/vault/auth/token_secret
        QString secretId;
    };

    virtual ~RemoteProviderRules() = default;

    virtual QStringList providerNames() const = 0;
    bool knows(const QString &provider) const { return providerNames().contains(provider); }
    // Checks the block at `path` (/remote/<name>) and reports what is wrong in `out`.
    virtual void checkConfig(const QString &provider, const nlohmann::json &block,
                             const QString &path, Diagnostics &out) const = 0;
    // Checks a secret's source object at `path` (/secrets/<i>/source).
    virtual void checkSource(const QString &provider, const nlohmann::json &source,
                             const QString &path, Diagnostics &out) const = 0;
    // The secrets the block (at /remote/<name>) names for authentication.
    virtual QList<AuthReference> authSecrets(const QString &provider,
                                             const nlohmann::json &block) const = 0;
};

} // namespace steward
