#pragma once

#include <QByteArray>
#include <QString>

#include <nlohmann/json.hpp>

namespace steward::test {

// What the Vault client and secret source tests give the test Vault: a token that never expires
// and two secrets, db_password's at steward/default/hello-steward/db in the KV v2 mount
// "secret", and a KV v1 one at kv/legacy.
inline const QByteArray Token = "steward-test-token";

inline nlohmann::json standardConfig(const QString &ns = {})
{
    return {{"namespace", ns.toStdString()},
            {"mounts", {{"secret", 2}, {"kv", 1}}},
            {"secrets",
             nlohmann::json::array(
                 {{{"mount", "secret"},
                   {"path", "steward/default/hello-steward/db"},
                   {"data", {{"password", "db-pass-0123456789"}}}},
                  {{"mount", "kv"}, {"path", "legacy"}, {"data", {{"key", "legacy-value-42"}}}}})},
            {"tokens", nlohmann::json::array({{{"id", Token.toStdString()}, {"ttl", 0}}})}};
}

} // namespace steward::test
