#pragma once

#include "ExampleCopy.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <nlohmann/json.hpp>

namespace steward::test {

// Copies the staged example bundle into `dir` and adds db_password to its bundle.json: a
// remote_fetch secret from Vault, handed to api as DB_PASSWORD (and listed on api's page).
// With `tokenFromPerson`, the Vault token is a prompted secret, vault_token. Returns the new
// bundle.json, empty on failure.
inline QString writeVaultBundle(const QString &dir, int refreshIntervalS,
                                bool tokenFromPerson = false)
{
    return copyExampleBundle(dir, [&](nlohmann::json &m) {
        m["secrets"].push_back({{"id", "db_password"},
                                {"class", "remote_fetch"},
                                {"description", "Database password, from Vault"},
                                {"source",
                                 {{"provider", "vault"},
                                  {"mount", "secret"},
                                  {"path", "{path_prefix}/{deployment_hash}/{app}/db"},
                                  {"key", "password"}}},
                                {"target", {{"type", "env"}, {"name", "DB_PASSWORD"}}}});
        for (nlohmann::json &service : m["services"]) {
            if (service["id"] == "api") {
                service["secrets"].push_back("db_password");
                for (nlohmann::json &binary : service["binaries"]) {
                    binary["args"].push_back("--secret-env");
                    binary["args"].push_back("DB_PASSWORD");
                }
            } else {
                // web starts without waiting for api, so a missing db_password visibly holds
                // back its consumer only.
                service.erase("dependencies");
            }
        }
        m["remote"] = {{"vault",
                        {{"path_prefix", "steward"},
                         {"refresh_interval_s", refreshIntervalS},
                         {"jitter_s", {0, 1}}}}};
        if (tokenFromPerson) {
            // The Vault token is a secret the person enters, kept in the keychain like the
            // others.
            m["secrets"].push_back({{"id", "vault_token"},
                                    {"class", "user_prompt"},
                                    {"prompt", {{"label", "Vault token"}}},
                                    {"target", {{"type", "env"}, {"name", "UNUSED_VAULT_TOKEN"}}}});
            m["remote"]["vault"]["auth"] = {{"method", "token"}, {"token_secret", "vault_token"}};
        }
    });
}

// Adds a deployment's .env and config files (issue 18's layout) to the bundle.json that
// writeVaultBundle wrote: deploy_env takes the SMTP_ keys of `ledger_env` as api's environment,
// deploy_configs writes the files of `ledger_configs` into api's folder "config". Both come from
// {path_prefix}/{deployment_hash}/apps/ledger. True when the manifest was rewritten.
inline bool addDeploymentSecrets(const QString &manifest)
{
    QFile in(manifest);
    if (!in.open(QIODevice::ReadOnly))
        return false;
    nlohmann::json m = nlohmann::json::parse(in.readAll().toStdString(), nullptr, false);
    in.close();
    if (!m.is_object())
        return false;
    const nlohmann::json source = {{"provider", "vault"},
                                   {"mount", "secret"},
                                   {"path", "{path_prefix}/{deployment_hash}/apps/ledger"}};
    nlohmann::json env = source;
    env.update({{"key", "ledger_env"}, {"shape", "env"}, {"prefix", "SMTP_"}});
    nlohmann::json files = source;
    files.update({{"key", "ledger_configs"}, {"shape", "files"}});
    m["secrets"].push_back({{"id", "deploy_env"},
                            {"class", "remote_fetch"},
                            {"description", "The deployment's mail settings"},
                            {"source", env},
                            {"target", {{"type", "env"}}}});
    m["secrets"].push_back({{"id", "deploy_configs"},
                            {"class", "remote_fetch"},
                            {"description", "The deployment's config files"},
                            {"source", files},
                            {"target", {{"type", "dir"}, {"name", "config"}}}});
    for (nlohmann::json &service : m["services"]) {
        if (service["id"] == "api") {
            service["secrets"].push_back("deploy_env");
            service["secrets"].push_back("deploy_configs");
        }
    }
    QFile out(manifest);
    return out.open(QIODevice::WriteOnly | QIODevice::Truncate)
        && out.write(QByteArray::fromStdString(m.dump(2))) >= 0;
}

} // namespace steward::test
