#pragma once

#include "FakeVault.h"
#include "ManifestBuilder.h"
#include "VaultTestData.h"
#include "core/Redactor.h"
#include "remote/vault/VaultSecretProvider.h"
#include "secrets/InstallState.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <optional>

namespace steward::test {

// A SecretKeeper fetching from the test Vault (FakeVault, with the standard token), over a
// memory store and an install state in a folder kept for the whole test: what the tests of a
// remote secret's shapes (.env, config files) start from.
class VaultKeeper
{
public:
    // Starts the test Vault with `config`, then a keeper for `manifest`; true once the keeper is
    // ready (every remote secret fetched).
    bool start(const nlohmann::json &config, const Manifest &manifest)
    {
        stop();
        m_vault = std::make_unique<FakeVault>(config);
        m_manifest = manifest;
        QProcessEnvironment env;
        env.insert(QStringLiteral("VAULT_TOKEN"), QString::fromLatin1(Token));
        env.insert(QStringLiteral("VAULT_ADDR"), m_vault->url().toString());
        Result<VaultSecretProvider *> made = VaultSecretProvider::create(*m_manifest, env);
        if (!made)
            return false;
        m_provider.reset(made.value());
        Result<InstallState> state = InstallState::load(m_data.path());
        if (!state)
            return false;
        m_state = std::make_unique<InstallState>(std::move(state).value());
        m_redactor = std::make_shared<Redactor>();
        m_keeper = std::make_unique<SecretKeeper>(*m_manifest, *m_state, m_store, m_redactor);
        m_keeper->addRemoteProvider(m_provider.get());
        m_keeper->start();
        return QTest::qWaitFor([this] { return m_keeper->phase() == SecretKeeper::Phase::Ready; },
                               20000);
    }
    void stop()
    {
        m_keeper.reset();
        m_provider.reset();
        m_vault.reset();
    }
    // Fetches every remote secret again and waits for the outcome.
    SecretKeeper::RefreshResult refreshNow()
    {
        std::optional<SecretKeeper::RefreshResult> result;
        QObject context;
        m_keeper->refreshRemote({}, &context,
                                [&result](const SecretKeeper::RefreshResult &r) { result = r; });
        if (!QTest::qWaitFor([&result] { return result.has_value(); }, 20000))
            qWarning("the refresh did not finish");
        return result.value_or(SecretKeeper::RefreshResult {});
    }

    FakeVault &vault() { return *m_vault; }
    const Manifest &manifest() const { return *m_manifest; }
    SecretKeeper &keeper() { return *m_keeper; }
    Redactor &redactor() { return *m_redactor; }
    MemoryStore &store() { return m_store; }
    QString dataDir() const { return m_data.path(); }

private:
    QTemporaryDir m_data;
    std::unique_ptr<FakeVault> m_vault;
    std::optional<Manifest> m_manifest;
    std::unique_ptr<VaultSecretProvider> m_provider;
    std::unique_ptr<InstallState> m_state;
    MemoryStore m_store;
    std::shared_ptr<Redactor> m_redactor;
    std::unique_ptr<SecretKeeper> m_keeper;
};

// The JSON pointers of the errors a manifest gets when api consumes one remote secret `id`
// with this source and target.
inline QStringList remoteSecretErrors(const char *id, const nlohmann::json &source,
                                      const nlohmann::json &target)
{
    ManifestBuilder b;
    b.set("/secrets",
          nlohmann::json::array(
              {{{"id", id}, {"class", "remote_fetch"}, {"source", source}, {"target", target}}}));
    b.set("/services/0/secrets", nlohmann::json::array({id}));
    b.set("/services/1/secrets", nlohmann::json::array());
    return diagnosticPaths(b.load().diagnostics, Diagnostic::Severity::Error);
}

} // namespace steward::test
