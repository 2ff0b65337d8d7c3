#pragma once

#include "SecretStore.h"
#include "manifest/Manifest.h"

#include <QDateTime>

#include <nlohmann/json.hpp>
#include <optional>

namespace steward {

// A remote store that remote_fetch secrets come from (Vault; others later), as the secret
// keeper sees it. The implementations live in remote/<name>/ and are made by the registry there;
// this interface sits here, below remote/, because the keeper routes each secret to one.
//
// Asynchronous contract: fetch() returns at once and calls its handler later, on this object's
// thread, exactly once, unless `context` is destroyed first (then never). Nothing here blocks
// or runs a nested event loop. No value, token or credential appears in an error, describe()
// or healthFields().
class RemoteSecretProvider : public QObject
{
    Q_OBJECT
public:
    // The value and its version at the source (0: the source has no versions), or an error
    // naming the secret id and where it was looked for.
    using FetchHandler
        = std::function<void(const SecretStore::Error &, const QByteArray &value, int version)>;
    // The value of another secret (a credential the provider authenticates with), as the
    // keeper has it; none when it has no value yet.
    using SecretLookup = std::function<std::optional<QByteArray>(const QString &id)>;
    // When to fetch again after a good fetch: every intervalS seconds plus a jitter drawn from
    // [jitterMinS, jitterMaxS], from the provider's manifest block.
    struct RefreshPolicy
    {
        int intervalS = 60;
        int jitterMinS = 5;
        int jitterMaxS = 10;
    };

    // One version the source keeps of a secret.
    struct SourceVersion
    {
        int version = 0;
        QDateTime createdAt;
        bool deleted = false; // can be brought back at the source, not rolled back to
        bool destroyed = false;
    };
    // The versions, oldest first, and the current one's number.
    using VersionsHandler = std::function<void(const SecretStore::Error &,
                                               const QList<SourceVersion> &, int current)>;
    using RollbackHandler = std::function<void(const SecretStore::Error &, int newVersion)>;

    using QObject::QObject;

    // The name manifests use: source.provider and the remote.<name> block.
    virtual QString name() const = 0;
    // Fetches the value of `spec`, whose source names this provider.
    virtual void fetch(const SecretSpec &spec, QObject *context, FetchHandler handler) = 0;
    // Where `spec` comes from, for people: "vault secret/data/app/db#password".
    virtual QString describe(const SecretSpec &spec) const = 0;
    // The secrets the provider authenticates with. When one of them changes, the refresher
    // calls resetAuth() and fetches again.
    virtual QStringList authSecretIds() const { return {}; }
    // Forgets any credentials obtained; the next fetch authenticates again.
    virtual void resetAuth() { }
    // Fields /health shows at its top level (how the provider is authenticated, for example).
    virtual nlohmann::json healthFields() const { return nlohmann::json::object(); }
    virtual RefreshPolicy refreshPolicy() const { return {}; }

    // Versions at the source (Vault KV v2). A source without versions answers NotFound, saying
    // so; one whose policy refuses answers Denied. The defaults: no versions.
    virtual void versions(const SecretSpec &spec, QObject *context, VersionsHandler handler)
    {
        Q_UNUSED(context)
        handler(noVersions(spec), {}, 0);
    }
    // Fetches version `version` of `spec`, as fetch() fetches the current one.
    virtual void fetchVersion(const SecretSpec &spec, int version, QObject *context,
                              FetchHandler handler)
    {
        Q_UNUSED(version)
        Q_UNUSED(context)
        handler(noVersions(spec), {}, 0);
    }
    // Makes `version` current again at the source as a new version (Vault KV v2's `kv rollback`:
    // read it, write it back with check-and-set); the handler gets the new version's number.
    // Every secret kept at the same place (sameSource) changes with it.
    virtual void rollback(const SecretSpec &spec, int version, QObject *context,
                          RollbackHandler handler)
    {
        Q_UNUSED(version)
        Q_UNUSED(context)
        handler(noVersions(spec), 0);
    }
    // Whether `a` and `b` are kept in one place at the source (two keys of one Vault secret).
    virtual bool sameSource(const SecretSpec &a, const SecretSpec &b) const { return a.id == b.id; }

    void setSecretLookup(SecretLookup lookup) { m_lookup = std::move(lookup); }

protected:
    SecretStore::Error noVersions(const SecretSpec &spec) const
    {
        return {SecretStore::ErrorKind::NotFound,
                QStringLiteral("%1 (%2): the remote store keeps no versions of it")
                    .arg(spec.id, describe(spec))};
    }
    // The value of another secret through the lookup; none when unset or empty.
    std::optional<QByteArray> lookup(const QString &id) const
    {
        if (!m_lookup)
            return std::nullopt;
        std::optional<QByteArray> v = m_lookup(id);
        return v && !v->isEmpty() ? v : std::nullopt;
    }

private:
    SecretLookup m_lookup;
};

} // namespace steward
