#include "AuditTrail.h"
#include "ConfigFiles.h"
#include "EnvFile.h"
#include "RemoteSecretProvider.h"
#include "SecretKeeper.h"
#include "ShapedValue.h"
#include "core/StdText.h"
#include "logging/Logging.h"

#include <QPointer>

namespace steward {

using stdtext::s;

void SecretKeeper::refreshRemote(const QStringList &ids, QObject *context, RefreshHandler handler)
{
    QPointer<QObject> ctx(context);
    const bool hasContext = context != nullptr;
    enqueue([this, ids, ctx, hasContext, handler = std::move(handler)](std::function<void()> done) {
        auto answer = [ctx, hasContext, handler](const RefreshResult &r) {
            if (handler && (!hasContext || ctx))
                handler(r);
        };
        if (m_phase == Phase::Failed) {
            // The secrets could not even be loaded: a fetch would pretend to settle them.
            RefreshResult r;
            for (const SecretSpec *spec : remoteSpecs(ids))
                r.failed.insert(spec->id, m_failure);
            answer(r);
            return done();
        }
        m_settleDone = std::move(done);
        fetchRemote(ids, answer);
    });
}

QList<const SecretSpec *> SecretKeeper::remoteSpecs(const QStringList &ids) const
{
    QList<const SecretSpec *> out = m_manifest.secretsOf(SecretClass::RemoteFetch);
    if (!ids.isEmpty())
        out.removeIf([&ids](const SecretSpec *spec) { return !ids.contains(spec->id); });
    return out;
}

std::optional<SecretKeeper::Freshness> SecretKeeper::freshness(const QString &secretId) const
{
    const auto it = m_freshness.constFind(secretId);
    if (it == m_freshness.cend())
        return std::nullopt;
    return *it;
}

void SecretKeeper::rollbackAtSource(const SecretSpec &spec, int version, const Origin &origin,
                                    ChangeHandler reply)
{
    RemoteSecretProvider *provider = providerFor(spec);
    auto refused = [reply, id = spec.id](const SecretStore::Error &e) {
        ChangeResult r;
        // What the source refuses or does not have is for the caller to fix; a source that
        // cannot be reached is like a store that failed.
        if (e.kind == SecretStore::ErrorKind::NotFound || e.kind == SecretStore::ErrorKind::Denied)
            r.problems[id] << e.message;
        else
            r.error = e.message;
        reply(r);
    };
    if (!provider)
        return refused({SecretStore::ErrorKind::NotFound,
                        QStringLiteral("no remote secret source is configured")});
    // Every remote secret kept in the same place at the source changes with it.
    QStringList together;
    for (const SecretSpec *other : remoteSpecs({})) {
        if (providerFor(*other) == provider && provider->sameSource(*other, spec))
            together << other->id;
    }
    if (origin.dryRun) {
        // What would change: each of them at that version against its value now.
        auto pending = std::make_shared<int>(int(together.size()));
        auto result = std::make_shared<ChangeResult>();
        auto failure = std::make_shared<SecretStore::Error>();
        result->ok = true;
        for (const QString &id : std::as_const(together)) {
            provider->fetchVersion(
                *m_manifest.secret(id), version, this,
                [this, id, main = spec.id, pending, result, failure, reply,
                 refused](const SecretStore::Error &e, const QByteArray &v, int) {
                    if (!e.ok() && id == main)
                        *failure = e;
                    else if (e.ok())
                        (m_values.contains(id) && m_values.value(id) == v ? result->unchanged
                                                                          : result->changed)
                            << id;
                    if (--*pending > 0)
                        return;
                    if (!failure->ok())
                        return refused(*failure);
                    reply(*result);
                });
        }
        return;
    }
    provider->rollback(
        spec, version, this,
        [this, id = spec.id, version, together, origin, reply, refused](const SecretStore::Error &e,
                                                                        int newVersion) {
            if (!e.ok())
                return refused(e);
            Logging::audit()->info("{} rolled back at its source to version {} (now version {})",
                                   s(id), version, newVersion);
            fetchRemote(together,
                        [version, newVersion, reply](const RefreshResult &fetched) {
                            ChangeResult r;
                            r.ok = true;
                            r.changed = fetched.changed;
                            r.unchanged = fetched.unchanged;
                            if (!fetched.failed.isEmpty())
                                r.warning
                                    = QStringLiteral("the source made version %1 current again "
                                                     "(as version %2), but fetching it failed: %3")
                                          .arg(version)
                                          .arg(newVersion)
                                          .arg(QStringList(fetched.failed.values())
                                                   .join(QStringLiteral("; ")));
                            reply(r);
                        },
                        {QStringLiteral("rollback"), origin.actor});
        });
}

void SecretKeeper::fetchRemote(const QStringList &ids, RefreshHandler handler, const Origin &origin)
{
    const QList<const SecretSpec *> remote = remoteSpecs(ids);
    auto result = std::make_shared<RefreshResult>();
    // Only a fetch of all of them says how the remote store is doing (and sets the next one).
    const bool all = ids.isEmpty() && !remote.isEmpty();
    auto finish = [this, result, handler = std::move(handler), all] {
        if (all && !m_providers.isEmpty()) {
            m_lastRefresh = *result;
            m_lastRefreshAt = QDateTime::currentDateTimeUtc();
        }
        settle();
        if (handler)
            handler(*result);
        if (all)
            Q_EMIT remoteRefreshed(*result);
    };
    QList<const SecretSpec *> routed;
    for (const SecretSpec *spec : remote) {
        if (providerFor(*spec)) {
            routed << spec;
            continue;
        }
        const QString why = QStringLiteral("no remote secret source is configured");
        result->failed.insert(spec->id, why);
        if (!m_values.contains(spec->id))
            m_state.ensureSecret(spec->id).detail = why;
    }
    if (routed.isEmpty())
        return finish();
    // A refresh while the app runs keeps the phase: only the first fetch is a step of the start.
    const bool starting = m_phase != Phase::Ready && m_phase != Phase::WaitingForSecrets;
    if (starting)
        setPhase(Phase::FetchingRemote);
    auto pending = std::make_shared<int>(int(routed.size()));
    auto fetched = std::make_shared<QList<Write>>();
    auto versions = std::make_shared<QMap<QString, int>>();
    auto changedParts = std::make_shared<QMap<QString, QStringList>>();
    for (const SecretSpec *spec : routed) {
        const QString id = spec->id;
        providerFor(*spec)->fetch(
            *spec, this,
            [this, id, pending, fetched, versions, changedParts, result, starting, finish,
             origin](const SecretStore::Error &fetchError, const QByteArray &v, int version) {
                InstallState::SecretRecord &rec = m_state.ensureSecret(id);
                Freshness &fresh = m_freshness[id];
                SecretStore::Error e = checkShape(id, fetchError, v);
                if (e.ok()) {
                    if (!m_values.contains(id) || m_values.value(id) != v) {
                        // Fresh once stored (below).
                        fetched->append({id, v, InstallState::SecretSource::Remote, origin});
                        versions->insert(id, version);
                        changedParts->insert(id,
                                             ShapedValue::changedParts(*m_manifest.secret(id),
                                                                       m_values.value(id), v));
                    } else {
                        fresh.version = version;
                        fresh.fetchedAt = QDateTime::currentDateTimeUtc();
                        fresh.lastError.clear();
                        result->unchanged << id;
                    }
                    rec.status = InstallState::SecretStatus::Configured;
                    rec.detail.clear();
                } else {
                    fresh.lastError = e.message;
                    result->failed.insert(id, e.message);
                    rec.detail = e.message;
                    if (m_values.contains(id)) {
                        rec.status = InstallState::SecretStatus::Stale;
                        Logging::secrets()->warn("using the last known value of {}: {}", s(id),
                                                 s(e.message));
                    } else {
                        rec.status = InstallState::SecretStatus::Missing;
                    }
                }
                if (--*pending > 0)
                    return;
                if (fetched->isEmpty())
                    return finish();
                const QStringList known = m_values.keys();
                commit(
                    *fetched,
                    [this, fetched, versions, changedParts, result, starting, known,
                     finish](const ChangeResult &r) {
                        if (!r.ok && starting) {
                            fail(QStringLiteral("cannot store the fetched secrets: %1")
                                     .arg(r.error));
                            return;
                        }
                        for (const Write &w : *fetched) {
                            if (!r.ok) {
                                // The old value, if any, stays in use.
                                const QString why
                                    = QStringLiteral("cannot store the new value: %1").arg(r.error);
                                result->failed.insert(w.id, why);
                                m_freshness[w.id].lastError = why;
                                InstallState::SecretRecord &rec = m_state.ensureSecret(w.id);
                                rec.status = m_values.contains(w.id)
                                    ? InstallState::SecretStatus::Stale
                                    : InstallState::SecretStatus::Missing;
                                rec.detail = why;
                                continue;
                            }
                            result->changed << w.id;
                            m_freshness[w.id] = {versions->value(w.id),
                                                 QDateTime::currentDateTimeUtc(),
                                                 {},
                                                 changedParts->value(w.id)};
                            // The audit trail of rotations: id, version at the source,
                            // never the value.
                            if (known.contains(w.id))
                                Logging::audit()->info(
                                    "secret rotated: {} (version {} at the source)", s(w.id),
                                    versions->value(w.id));
                        }
                        finish();
                    });
            });
    }
}

SecretStore::Error SecretKeeper::checkShape(const QString &id, const SecretStore::Error &fetched,
                                            const QByteArray &value) const
{
    const SecretSpec *spec = m_manifest.secret(id);
    if (!fetched.ok() || !spec || !spec->source
        || spec->source->shape == RemoteSource::Shape::Value)
        return fetched;
    const RemoteSecretProvider *provider = providerFor(*spec);
    const QString where = provider ? provider->describe(*spec) : spec->source->provider;
    if (spec->source->shape == RemoteSource::Shape::Files) {
        const Result<ConfigFiles> files = ConfigFiles::parse(value);
        if (!files)
            // The last good files, if any, stay in use.
            return {SecretStore::ErrorKind::Corrupt,
                    QStringLiteral("%1 (%2): not a list of config files: %3")
                        .arg(id, where, files.error())};
        for (const QString &warning : files->warnings())
            Logging::secrets()->warn("{} ({}): {}", s(id), s(where), s(warning));
        return {};
    }
    const Result<EnvFile> env = EnvFile::parse(value);
    if (!env)
        // The last good value, if any, stays in use.
        return {SecretStore::ErrorKind::Corrupt,
                QStringLiteral("%1 (%2): not a .env file: %3").arg(id, where, env.error())};
    auto log = Logging::secrets();
    for (const QString &warning : env->warnings())
        log->warn("{} ({}): {}", s(id), s(where), s(warning));
    const QMap<QString, QByteArray> values = env->values();
    for (const QString &key : spec->source->keys) {
        if (!values.contains(key))
            log->warn("{} ({}): the .env has no {}", s(id), s(where), s(key));
    }
    return {};
}

} // namespace steward
