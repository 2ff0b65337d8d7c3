#pragma once

#include "remote/vault/VaultClient.h"

#include <QByteArray>
#include <QString>
#include <QTest>

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

// What one read from the test Vault gave.
struct Read
{
    SecretStore::Error error;
    VaultClient::KvValue value;
};

// Reads `key` of the secret at `path` in `mount` (KV `kv`) as db_password, and waits for it.
inline Read readNow(VaultClient &client, const QString &mount, const QString &path,
                    const QString &key, int kv)
{
    Read r;
    bool done = false;
    QObject context;
    client.readKv(mount, path, key, kv, QStringLiteral("db_password"), &context,
                  [&](const SecretStore::Error &e, const VaultClient::KvValue &v) {
                      r = {e, v};
                      done = true;
                  });
    if (!QTest::qWaitFor([&] { return done; }, 20000))
        r.error = {SecretStore::ErrorKind::Timeout, QStringLiteral("test gave up")};
    return r;
}

} // namespace steward::test
