#pragma once

#include "manifest/ManifestLoader.h"

#include <nlohmann/json.hpp>

namespace steward::test {

// A small valid manifest that tests bend one field at a time:
// secrets `token` (generated, env TOKEN) and `api_key` (prompted, env API_KEY);
// services `api` (port http) and `web` (port http, depends on api).
class ManifestBuilder
{
public:
    ManifestBuilder();
    static ManifestBuilder fromFile(const QString &path);

    // Sets the value at a JSON pointer (creating parents as needed).
    ManifestBuilder &set(const std::string &pointer, nlohmann::json value);
    ManifestBuilder &remove(const std::string &pointer);

    QByteArray bytes() const;
    // Checks remote provider blocks with `rules` if set, else with the built-in providers.
    ManifestLoadResult load() const;
    ManifestBuilder &withRemoteRules(const RemoteProviderRules *rules)
    {
        m_remoteRules = rules;
        return *this;
    }

    nlohmann::json doc;

private:
    const RemoteProviderRules *m_remoteRules = nullptr;
};

// Paths of the diagnostics of one severity, sorted, for comparisons in tests.
QStringList diagnosticPaths(const Diagnostics &diagnostics, Diagnostic::Severity severity);

} // namespace steward::test
