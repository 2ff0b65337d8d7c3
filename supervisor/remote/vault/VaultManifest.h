#pragma once

#include "manifest/Diagnostic.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace steward {

// Vault's parts of a manifest: the "remote.vault" block and a secret's "source" naming Vault,
// parsed and checked here rather than in the manifest model, which keeps them as written.
struct VaultManifest
{
    struct Config
    {
        QString address;
        QString namespaceName;
        QString pathPrefix;
        QString authMethod = QStringLiteral("token"); // "token" | "approle"
        QString tokenSecret;
        QString roleIdSecret;
        QString secretIdSecret;
        int refreshIntervalS = 60;
        int jitterMinS = 5;
        int jitterMaxS = 10;
        QString caCert;
    };
    struct Source
    {
        QString mount = QStringLiteral("secret");
        QString path;
        QString key;
        int kvVersion = 2;
    };

    // The block at `path` (/remote/vault); what is wrong goes to `out`.
    static Config parseConfig(const nlohmann::json &block, const QString &path, Diagnostics &out);
    // A secret's source object at `path` (/secrets/<i>/source).
    static Source parseSource(const nlohmann::json &source, const QString &path, Diagnostics &out);
};

} // namespace steward
