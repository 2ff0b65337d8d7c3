// Vault benchmarks against the test Vault (tests/remote/vault/fake_vault.py) on loopback: the
// latency of one secret fetch, and of a refresh of many remote secrets through the SecretKeeper.
// The test server is single-threaded Python, so these figures bound Steward's own cost from above.
// Prints Markdown table rows: | benchmark | result | target |

#include "FakeVault.h"
#include "ManifestBuilder.h"
#include "core/Redactor.h"
#include "remote/vault/VaultSecretProvider.h"
#include "secrets/InstallState.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace steward;
using json = nlohmann::json;

namespace {

constexpr int RemoteSecrets = 20;
const char *const Token = "bench-token";

void row(const QString &name, const QString &result, const char *target)
{
    std::printf("| %s | %s | %s |\n", qPrintable(name), qPrintable(result), target);
    std::fflush(stdout);
}

QString ms(qint64 ns)
{
    return QStringLiteral("%1 ms").arg(double(ns) / 1e6, 0, 'f', 2);
}

// A manifest whose first service uses `n` remote secrets, r0 ... r<n-1>.
std::optional<Manifest> manifestWith(int n)
{
    test::ManifestBuilder b;
    json secrets = json::array();
    for (int i = 0; i < n; ++i)
        secrets.push_back({{"id", "r" + std::to_string(i)},
                           {"class", "remote_fetch"},
                           {"source",
                            {{"provider", "vault"},
                             {"mount", "secret"},
                             {"path", "bench/" + std::to_string(i)},
                             {"key", "value"}}},
                           {"target", {{"type", "env"}, {"name", "R" + std::to_string(i)}}}});
    json ids = json::array();
    for (const json &s : secrets)
        ids.push_back(s["id"]);
    b.set("/secrets", secrets);
    b.set("/services/0/secrets", ids);
    b.set("/remote", {{"vault", {{"address", "http://127.0.0.1:1"}}}});
    ManifestLoadResult loaded = b.load();
    if (!loaded.valid())
        return std::nullopt;
    return *loaded.manifest;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    json config = {{"mounts", {{"secret", 2}}},
                   {"secrets", json::array()},
                   {"tokens", json::array({{{"id", Token}, {"ttl", 0}}})}};
    for (int i = 0; i < RemoteSecrets; ++i)
        config["secrets"].push_back({{"mount", "secret"},
                                     {"path", "bench/" + std::to_string(i)},
                                     {"data", {{"value", "value-" + std::to_string(i)}}}});
    test::FakeVault vault(config);
    const std::optional<Manifest> m = manifestWith(RemoteSecrets);
    if (!vault.url().isValid() || !m) {
        std::fprintf(stderr, "bench_vault: no test Vault or no manifest\n");
        return 1;
    }
    QProcessEnvironment env;
    env.insert(QStringLiteral("VAULT_ADDR"), vault.url().toString());
    env.insert(QStringLiteral("VAULT_TOKEN"), QString::fromLatin1(Token));
    Result<VaultSecretProvider *> created = VaultSecretProvider::create(*m, env);
    if (!created) {
        std::fprintf(stderr, "bench_vault: %s\n", qPrintable(created.error()));
        return 1;
    }
    std::unique_ptr<VaultSecretProvider> source(created.value());

    // One fetch at a time, as a single-secret `stewardctl secrets refresh ID` does.
    {
        const SecretSpec &spec = m->secrets.first();
        QList<qint64> times;
        QObject context;
        for (int i = 0; i < 501; ++i) {
            bool done = false;
            QElapsedTimer t;
            t.start();
            source->fetch(spec, &context, [&](const SecretStore::Error &, const QByteArray &, int) {
                done = true;
            });
            while (!done)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            if (i > 0) // the first one looks the token up
                times << t.nsecsElapsed();
        }
        std::sort(times.begin(), times.end());
        row(QStringLiteral("Vault: fetch one KV v2 secret on loopback (500 in a row)"),
            QStringLiteral("p50 %1, p99 %2")
                .arg(ms(times.at(times.size() / 2)), ms(times.at(times.size() * 99 / 100))),
            "p99 < 10 ms");
    }

    // A background refresh of every remote secret, the values unchanged: what each refresh
    // interval costs a running app.
    {
        QTemporaryDir data;
        Result<InstallState> state = InstallState::load(data.path());
        MemoryStore store;
        SecretKeeper keeper(*m, state.value(), store, std::make_shared<Redactor>());
        keeper.addRemoteProvider(source.get());
        keeper.start();
        while (keeper.phase() != SecretKeeper::Phase::Ready)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
        QList<qint64> times;
        for (int i = 0; i < 20; ++i) {
            bool done = false;
            QElapsedTimer t;
            t.start();
            keeper.refreshRemote({}, &keeper,
                                 [&](const SecretKeeper::RefreshResult &) { done = true; });
            while (!done)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents);
            times << t.nsecsElapsed();
        }
        std::sort(times.begin(), times.end());
        row(QStringLiteral("Vault: refresh %1 remote secrets, unchanged (median of 20)")
                .arg(RemoteSecrets),
            ms(times.at(times.size() / 2)), "< 100 ms");
    }
    return 0;
}
