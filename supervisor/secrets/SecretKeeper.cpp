#include "SecretKeeper.h"

#include "AuditTrail.h"
#include "EnvFile.h"
#include "RemoteSecretProvider.h"
#include "SecretGenerator.h"
#include "core/Redactor.h"
#include "core/StdText.h"
#include "logging/Logging.h"
#include "manifest/SecretValidator.h"

#include <QRegularExpression>

#include <algorithm>

namespace steward {

using stdtext::s;

SecretKeeper::SecretKeeper(const Manifest &manifest, InstallState &state, SecretStore &store,
                           std::shared_ptr<Redactor> redactor, QObject *parent)
    : QObject(parent)
    , m_manifest(manifest)
    , m_state(state)
    , m_store(store)
    , m_redactor(std::move(redactor))
{ }

SecretKeeper::~SecretKeeper()
{
    for (QByteArray &v : m_values)
        v.fill('\0');
}

QString SecretKeeper::phaseName(Phase p)
{
    switch (p) {
    case Phase::Idle:
        return QStringLiteral("idle");
    case Phase::Loading:
        return QStringLiteral("loading");
    case Phase::Generating:
        return QStringLiteral("generating");
    case Phase::FetchingRemote:
        return QStringLiteral("fetching_remote");
    case Phase::WaitingForSecrets:
        return QStringLiteral("waiting_for_secrets");
    case Phase::Ready:
        return QStringLiteral("ready");
    case Phase::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

void SecretKeeper::addRemoteProvider(RemoteSecretProvider *provider)
{
    m_providers.insert(provider->name(), provider);
    provider->setSecretLookup([keeper = QPointer<SecretKeeper>(this)](const QString &id) {
        return keeper ? keeper->value(id) : std::nullopt;
    });
}

RemoteSecretProvider *SecretKeeper::providerFor(const SecretSpec &spec) const
{
    return spec.source ? m_providers.value(spec.source->provider) : nullptr;
}

std::optional<QByteArray> SecretKeeper::value(const QString &secretId) const
{
    auto it = m_values.constFind(secretId);
    if (it == m_values.cend())
        return std::nullopt;
    return *it;
}

const InstallState::SecretRecord *SecretKeeper::record(const QString &secretId) const
{
    auto it = m_state.secrets().constFind(secretId);
    return it == m_state.secrets().cend() ? nullptr : &*it;
}

QStringList SecretKeeper::missingRequired() const
{
    QStringList out;
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass == SecretClass::Infrastructure || !spec.required)
            continue;
        if (!m_values.contains(spec.id))
            out << spec.id;
    }
    return out;
}

QStringList SecretKeeper::missingFor(const QString &serviceId) const
{
    QStringList out;
    const ServiceSpec *svc = m_manifest.service(serviceId);
    if (!svc)
        return out;
    for (const QString &id : svc->secrets) {
        const SecretSpec *spec = m_manifest.secret(id);
        if (spec && spec->required && !m_values.contains(id))
            out << id;
    }
    return out;
}

void SecretKeeper::setPhase(Phase p)
{
    if (m_phase == p)
        return;
    m_phase = p;
    Logging::get("steward.secrets")->info("secrets phase: {}", s(phaseName(p)));
    Q_EMIT phaseChanged(p);
}

void SecretKeeper::fail(const QString &reason)
{
    m_failure = reason;
    Logging::get("steward.secrets")->error("{}", s(reason));
    setPhase(Phase::Failed);
    if (m_settleDone) {
        auto done = std::move(m_settleDone);
        m_settleDone = nullptr;
        done();
    }
}

void SecretKeeper::enqueue(std::function<void(std::function<void()>)> op)
{
    m_queue.push_back(std::move(op));
    if (!m_busy)
        runNext();
}

void SecretKeeper::runNext()
{
    if (m_queue.empty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    auto op = std::move(m_queue.front());
    m_queue.pop_front();
    QPointer<SecretKeeper> self(this);
    op([self] {
        if (self)
            QMetaObject::invokeMethod(
                self, [self] { self->runNext(); }, Qt::QueuedConnection);
    });
}

void SecretKeeper::saveState()
{
    if (Status st = m_state.save(); !st)
        Logging::get("steward.state")->error("cannot save the install state: {}", s(st.error()));
    Q_EMIT recordsChanged();
}

void SecretKeeper::refreshRedactor()
{
    QList<QByteArray> values;
    values.reserve(m_values.size());
    for (auto it = m_values.cbegin(); it != m_values.cend(); ++it) {
        const QByteArray &v = it.value();
        values << v;
        // Env targets carry the value without surrounding whitespace: hide that form too.
        if (const QByteArray trimmed = v.trimmed(); trimmed.size() != v.size())
            values << trimmed;
        // A .env from a remote store: each of its values is a secret of its own.
        const SecretSpec *spec = m_manifest.secret(it.key());
        if (spec && spec->source && spec->source->shape == RemoteSource::Shape::Env) {
            if (const Result<EnvFile> env = EnvFile::parse(v)) {
                for (const EnvFile::Entry &e : env->entries())
                    values << e.value;
            }
        }
    }
    int ignored = 0;
    m_redactor->setSecrets(values, &ignored);
    if (ignored > 0)
        Logging::get("steward.secrets")
            ->warn("{} secret value(s) are shorter than the redaction minimum and cannot be hidden "
                   "in logs",
                   ignored);
}

void SecretKeeper::start()
{
    enqueue([this](std::function<void()> done) {
        // The start sequence holds the queue until settle() so that changes made through the
        // API during start-up apply to a loaded state.
        m_settleDone = std::move(done);
        loadAll();
    });
}

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

void SecretKeeper::loadAll()
{
    setPhase(Phase::Loading);
    QStringList ids;
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass != SecretClass::Infrastructure)
            ids << spec.id;
    }
    if (ids.isEmpty())
        return generateMissing();
    auto pending = std::make_shared<int>(int(ids.size()));
    auto firstError = std::make_shared<QString>();
    for (const QString &id : ids) {
        m_store.read(
            id, this,
            [this, id, pending, firstError](const SecretStore::Error &e, const QByteArray &v) {
                const SecretSpec *spec = m_manifest.secret(id);
                InstallState::SecretRecord &rec = m_state.secret(id);
                rec.secretClass = enumName(spec->secretClass);
                if (e.ok()) {
                    m_values.insert(id, v);
                    if (rec.status == InstallState::SecretStatus::Missing
                        || rec.source == InstallState::SecretSource::None) {
                        // A value without a record: a rebuilt state, or an older Steward's store.
                        rec.source = InstallState::sourceFor(spec->secretClass);
                        rec.status = InstallState::SecretStatus::Configured;
                        rec.detail.clear();
                    }
                } else if (e.kind == SecretStore::ErrorKind::NotFound) {
                    if (rec.status != InstallState::SecretStatus::Missing)
                        Logging::get("steward.secrets")
                            ->warn("secret {} was recorded as set but its value is gone from the "
                                   "store",
                                   s(id));
                    rec.status = InstallState::SecretStatus::Missing;
                    rec.source = InstallState::SecretSource::None;
                } else if (firstError->isEmpty()) {
                    *firstError = e.message;
                }
                if (--*pending > 0)
                    return;
                if (!firstError->isEmpty())
                    return fail(QStringLiteral("cannot read the secrets from %1: %2")
                                    .arg(m_store.backendName(), *firstError));
                generateMissing();
            });
    }
}

void SecretKeeper::generateMissing()
{
    QList<Write> writes;
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass != SecretClass::PerInstallGenerated || m_values.contains(spec.id)
            || !spec.generator)
            continue;
        const Result<QString> v
            = SecretGenerator::generateMatching(*spec.generator, QRegularExpression(spec.format));
        if (!v)
            return fail(QStringLiteral("cannot generate %1: %2").arg(spec.id, v.error()));
        writes.append({spec.id, v.value().toUtf8(), InstallState::SecretSource::Generated});
    }
    if (writes.isEmpty())
        return fetchRemote();
    setPhase(Phase::Generating);
    commit(writes, [this, writes](const ChangeResult &r) {
        if (!r.ok)
            return fail(QStringLiteral("cannot store the generated secrets in %1: %2")
                            .arg(m_store.backendName(), r.error));
        for (const Write &w : writes) {
            m_generatedThisRun << w.id;
            Logging::get("steward.secrets")
                ->info("generated secret {} ({} characters)", s(w.id), w.value->size());
        }
        fetchRemote();
    });
}

void SecretKeeper::fetchRemote(const QStringList &ids, RefreshHandler handler)
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
            m_state.secret(spec->id).detail = why;
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
    for (const SecretSpec *spec : routed) {
        const QString id = spec->id;
        providerFor(*spec)->fetch(
            *spec, this,
            [this, id, pending, fetched, versions, result, starting,
             finish](const SecretStore::Error &fetchError, const QByteArray &v, int version) {
                InstallState::SecretRecord &rec = m_state.secret(id);
                Freshness &fresh = m_freshness[id];
                SecretStore::Error e = checkShape(id, fetchError, v);
                if (e.ok()) {
                    if (!m_values.contains(id) || m_values.value(id) != v) {
                        // Fresh once stored (below).
                        fetched->append({id, v, InstallState::SecretSource::Remote});
                        versions->insert(id, version);
                    } else {
                        fresh = {version, QDateTime::currentDateTimeUtc(), {}};
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
                        Logging::get("steward.secrets")
                            ->warn("using the last known value of {}: {}", s(id), s(e.message));
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
                    [this, fetched, versions, result, starting, known,
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
                                InstallState::SecretRecord &rec = m_state.secret(w.id);
                                rec.status = m_values.contains(w.id)
                                    ? InstallState::SecretStatus::Stale
                                    : InstallState::SecretStatus::Missing;
                                rec.detail = why;
                                continue;
                            }
                            result->changed << w.id;
                            m_freshness[w.id]
                                = {versions->value(w.id), QDateTime::currentDateTimeUtc(), {}};
                            // The audit trail of rotations: id, version at the source,
                            // never the value.
                            if (known.contains(w.id))
                                Logging::get("steward.audit")
                                    ->info("secret rotated: {} (version {} at the source)", s(w.id),
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
    if (!fetched.ok() || !spec || !spec->source || spec->source->shape != RemoteSource::Shape::Env)
        return fetched;
    const RemoteSecretProvider *provider = providerFor(*spec);
    const QString where = provider ? provider->describe(*spec) : spec->source->provider;
    const Result<EnvFile> env = EnvFile::parse(value);
    if (!env)
        // The last good value, if any, stays in use.
        return {SecretStore::ErrorKind::Corrupt,
                QStringLiteral("%1 (%2): not a .env file: %3").arg(id, where, env.error())};
    auto log = Logging::get("steward.secrets");
    for (const QString &warning : env->warnings())
        log->warn("{} ({}): {}", s(id), s(where), s(warning));
    const QMap<QString, QByteArray> values = env->values();
    for (const QString &key : spec->source->keys) {
        if (!values.contains(key))
            log->warn("{} ({}): the .env has no {}", s(id), s(where), s(key));
    }
    return {};
}

void SecretKeeper::settle()
{
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass == SecretClass::Infrastructure)
            continue;
        InstallState::SecretRecord &rec = m_state.secret(spec.id);
        rec.secretClass = enumName(spec.secretClass);
        if (!m_values.contains(spec.id))
            rec.status = InstallState::SecretStatus::Missing;
    }
    saveState();
    refreshRedactor();
    const QStringList missing = missingRequired();
    if (!missing.isEmpty())
        Logging::get("steward.secrets")
            ->info("waiting for secrets: {}", s(missing.join(QStringLiteral(", "))));
    setPhase(missing.isEmpty() ? Phase::Ready : Phase::WaitingForSecrets);
    if (m_settleDone) {
        auto done = std::move(m_settleDone);
        m_settleDone = nullptr;
        done();
    }
}

QString SecretKeeper::historyItem(const QString &secretId, int number)
{
    return secretId + QStringLiteral("~v") + QString::number(number);
}

QList<InstallState::SecretVersion> SecretKeeper::history(const QString &secretId) const
{
    const InstallState::SecretRecord *rec = record(secretId);
    return rec ? rec->history : QList<InstallState::SecretVersion>();
}

namespace {

SecretKeeper::Origin filledIn(SecretKeeper::Origin o, InstallState::SecretSource source,
                              bool removal)
{
    if (o.source.isEmpty()) {
        switch (source) {
        case InstallState::SecretSource::Generated:
            o.source = QStringLiteral("generated");
            break;
        case InstallState::SecretSource::Remote:
            o.source = QStringLiteral("vault");
            break;
        default:
            o.source = removal ? QStringLiteral("cleared") : QStringLiteral("entered");
        }
    }
    if (o.actor.isEmpty())
        o.actor = source == InstallState::SecretSource::Remote ? QStringLiteral("vault")
                                                               : QStringLiteral("steward");
    return o;
}

} // namespace

void SecretKeeper::commit(QList<Write> writes, ChangeHandler done)
{
    // Each new value is written twice: first as its version in the history, then as the current
    // value; a removal removes the current value (with the store's confirmation when one is
    // known). On a failure every operation already done is undone, newest first.
    struct Op
    {
        QString storeId;
        std::optional<QByteArray> value; // nullopt: remove
        std::optional<QByteArray> previous; // what to put back on undo
    };
    struct Run
    {
        QList<Write> writes;
        QList<Op> ops;
        QList<int> versions; // per write: its new version number
        qsizetype next = 0;
        ChangeHandler done;
    };
    auto run = std::make_shared<Run>();
    run->writes = std::move(writes);
    for (Write &w : run->writes) {
        const bool removal = !w.value.has_value();
        w.origin = filledIn(w.origin, removal ? m_state.secret(w.id).source : w.source, removal);
        const int number = m_state.secret(w.id).version + 1;
        run->versions << number;
        if (w.value)
            run->ops.append({historyItem(w.id, number), w.value, std::nullopt});
        run->ops.append({w.id, w.value, value(w.id)});
    }
    run->done = std::move(done);

    auto step = std::make_shared<std::function<void()>>();
    auto finishOk = [this, run] {
        ChangeResult r;
        r.ok = true;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        for (qsizetype i = 0; i < run->writes.size(); ++i) {
            const Write &w = run->writes.at(i);
            InstallState::SecretRecord &rec = m_state.secret(w.id);
            const bool created = !m_values.contains(w.id);
            if (w.value) {
                m_values.insert(w.id, *w.value);
                rec.source = w.source;
                rec.status = InstallState::SecretStatus::Configured;
                rec.history.append({run->versions.at(i), w.origin.source, w.origin.actor, now});
            } else {
                m_values.remove(w.id);
                rec.source = InstallState::SecretSource::None;
                rec.status = InstallState::SecretStatus::Missing;
            }
            rec.detail.clear();
            rec.updatedAt = now;
            rec.version = run->versions.at(i);
            r.changed << w.id;
            if (m_audit) {
                QString action = !w.value                          ? QStringLiteral("cleared")
                    : w.origin.source == QLatin1String("rollback") ? QStringLiteral("rolled_back")
                    : w.origin.source == QLatin1String("import")   ? QStringLiteral("imported")
                    : created                                      ? QStringLiteral("created")
                                                                   : QStringLiteral("changed");
                m_audit->record({w.origin.actor, action, w.id, {}, QStringLiteral("ok")});
            }
        }
        saveState();
        refreshRedactor();
        run->done(r);
        Q_EMIT secretsChanged(r.changed);
        for (const Write &w : std::as_const(run->writes))
            pruneHistory(w.id);
    };
    *step = [this, run, weak = std::weak_ptr(step), finishOk] {
        if (run->next == run->ops.size())
            return finishOk();
        const Op &op = run->ops.at(run->next);
        auto after = [this, run, next = weak.lock()](const SecretStore::Error &e) {
            if (e.ok()) {
                ++run->next;
                return (*next)();
            }
            // Put back what this change already wrote, newest first, so the store ends as it was.
            // The reply waits for the undo, so a caller never races it.
            auto undo = std::make_shared<std::function<void(qsizetype, QString)>>();
            *undo = [this, run, e, weakUndo = std::weak_ptr(undo)](qsizetype i,
                                                                   QString undoErrors) {
                if (i < 0) {
                    ChangeResult r;
                    r.error = e.message;
                    if (!undoErrors.isEmpty()) {
                        r.error += QStringLiteral(
                                       "; the values already written could not be put back (%1)")
                                       .arg(undoErrors);
                        Logging::get("steward.secrets")
                            ->error("rollback failed: {}", s(undoErrors));
                    }
                    return run->done(r);
                }
                const Op &op = run->ops.at(i);
                auto next = [i, undoErrors, self = weakUndo.lock()](const SecretStore::Error &ue) {
                    (*self)(i - 1,
                            ue.ok() ? undoErrors
                                    : undoErrors
                                    + (undoErrors.isEmpty() ? QString() : QStringLiteral("; "))
                                    + ue.message);
                };
                if (op.previous)
                    m_store.write(op.storeId, *op.previous, this, next);
                else
                    m_store.remove(op.storeId, this, next);
            };
            (*undo)(run->next - 1, QString());
        };
        // A value this run knows is stored is removed only with the store's confirmation.
        if (op.value)
            m_store.write(op.storeId, *op.value, this, after);
        else if (op.previous)
            m_store.removeStored(op.storeId, this, after);
        else
            m_store.remove(op.storeId, this, after);
    };
    (*step)();
}

void SecretKeeper::pruneHistory(const QString &secretId)
{
    InstallState::SecretRecord &rec = m_state.secret(secretId);
    const qsizetype keep = m_values.contains(secretId) ? m_historyLimit : 0;
    QList<int> victims;
    for (qsizetype i = 0; i + keep < rec.history.size(); ++i)
        victims << rec.history.at(i).number;
    for (int number : std::as_const(victims)) {
        m_store.removeStored(
            historyItem(secretId, number), this,
            [this, secretId, number](const SecretStore::Error &e) {
                if (!e.ok() && e.kind != SecretStore::ErrorKind::NotFound) {
                    // Kept in the list, so the next change or clear tries again.
                    Logging::get("steward.secrets")
                        ->warn("cannot remove version {} of {}: {}", number, s(secretId),
                               s(e.message));
                    return;
                }
                m_state.secret(secretId).history.removeIf(
                    [number](const InstallState::SecretVersion &v) { return v.number == number; });
                saveState();
            });
    }
}

void SecretKeeper::enqueueChange(QObject *context, ChangeHandler handler,
                                 std::function<void(ChangeHandler reply)> body)
{
    QPointer<QObject> ctx(context);
    enqueue(
        [ctx, handler = std::move(handler), body = std::move(body)](std::function<void()> done) {
            // The reply frees the queue whether or not the caller is still there to hear it.
            body([ctx, handler, done](const ChangeResult &r) {
                if (ctx)
                    handler(r);
                done();
            });
        });
}

void SecretKeeper::provide(const QMap<QString, QString> &values, QObject *context,
                           ChangeHandler handler, const Origin &origin)
{
    enqueueChange(context, std::move(handler), [this, values, origin](ChangeHandler reply) {
        ChangeResult result;
        QList<Write> writes;
        for (auto it = values.cbegin(); it != values.cend(); ++it) {
            const SecretSpec *spec = m_manifest.secret(it.key());
            QStringList &problems = result.problems[it.key()];
            if (!spec) {
                problems << QStringLiteral("this bundle has no secret with that id");
            } else if (spec->secretClass == SecretClass::PerInstallGenerated) {
                problems << QStringLiteral(
                    "is generated by Steward and cannot be set by hand; regenerate it instead");
            } else if (spec->secretClass == SecretClass::RemoteFetch) {
                problems << QStringLiteral(
                    "is fetched from the remote secret store; change it there");
            } else if (spec->secretClass == SecretClass::Infrastructure) {
                problems << QStringLiteral(
                    "is an infrastructure secret and never handled by Steward");
            } else {
                for (const QString &p : SecretValidator::problems(*spec, it.value()))
                    problems << p.mid(spec->id.size() + 2);
            }
            if (problems.isEmpty()) {
                result.problems.remove(it.key());
                const QByteArray bytes = it.value().toUtf8();
                if (it.value().isEmpty() && !m_values.contains(it.key()))
                    result.unchanged << it.key();
                else if (!it.value().isEmpty() && m_values.value(it.key()) == bytes
                         && m_values.contains(it.key()))
                    result.unchanged << it.key();
                else
                    writes.append({it.key(),
                                   it.value().isEmpty() ? std::nullopt : std::optional(bytes),
                                   InstallState::SecretSource::UserProvided, origin});
            }
        }
        if (values.isEmpty())
            result.problems[QString()] << QStringLiteral("no secrets were given");
        if (!result.problems.isEmpty())
            return reply(result);
        if (writes.isEmpty()) {
            result.ok = true;
            return reply(result);
        }
        const QStringList unchanged = result.unchanged;
        commit(writes, [this, reply, unchanged](ChangeResult r) {
            r.unchanged = unchanged;
            if (r.ok && m_phase == Phase::WaitingForSecrets && missingRequired().isEmpty())
                setPhase(Phase::Ready);
            reply(r);
        });
    });
}

void SecretKeeper::clear(const QString &secretId, QObject *context, ChangeHandler handler,
                         const Origin &origin)
{
    enqueueChange(context, std::move(handler), [this, secretId, origin](ChangeHandler reply) {
        const SecretSpec *spec = m_manifest.secret(secretId);
        ChangeResult result;
        if (!spec)
            result.problems[secretId] << QStringLiteral("this bundle has no secret with that id");
        else if (spec->secretClass != SecretClass::UserPrompt)
            result.problems[secretId]
                << QStringLiteral("only secrets a person provides can be cleared");
        if (!result.problems.isEmpty())
            return reply(result);
        if (!m_values.contains(secretId)) {
            result.ok = true;
            result.unchanged << secretId;
            return reply(result);
        }
        commit({{secretId, std::nullopt, InstallState::SecretSource::None, origin}},
               [this, reply](const ChangeResult &r) {
                   if (r.ok && m_phase == Phase::Ready && !missingRequired().isEmpty())
                       setPhase(Phase::WaitingForSecrets);
                   reply(r);
               });
    });
}

void SecretKeeper::regenerate(const QString &secretId, QObject *context, ChangeHandler handler,
                              const Origin &origin)
{
    enqueueChange(context, std::move(handler), [this, secretId, origin](ChangeHandler reply) {
        const SecretSpec *spec = m_manifest.secret(secretId);
        ChangeResult result;
        if (!spec || spec->secretClass != SecretClass::PerInstallGenerated || !spec->generator) {
            result.problems[secretId]
                << QStringLiteral("only generated secrets can be regenerated");
            return reply(result);
        }
        const Result<QString> v
            = SecretGenerator::generateMatching(*spec->generator, QRegularExpression(spec->format));
        if (!v) {
            result.error = v.error();
            return reply(result);
        }
        commit({{secretId,
                 v.value().toUtf8(),
                 InstallState::SecretSource::Generated,
                 {QStringLiteral("generated"), origin.actor}}},
               reply);
    });
}

void SecretKeeper::rollback(const QString &secretId, int version, QObject *context,
                            ChangeHandler handler, const Origin &origin)
{
    enqueueChange(
        context, std::move(handler), [this, secretId, version, origin](ChangeHandler reply) {
            const SecretSpec *spec = m_manifest.secret(secretId);
            ChangeResult result;
            QStringList &problems = result.problems[secretId];
            const QList<InstallState::SecretVersion> kept = history(secretId);
            const bool known = std::any_of(
                kept.cbegin(), kept.cend(),
                [version](const InstallState::SecretVersion &v) { return v.number == version; });
            if (!spec)
                problems << QStringLiteral("this bundle has no secret with that id");
            else if (spec->secretClass == SecretClass::RemoteFetch)
                problems << QStringLiteral(
                    "is fetched from the remote secret store; roll it back there");
            else if (spec->secretClass == SecretClass::Infrastructure)
                problems << QStringLiteral(
                    "is an infrastructure secret and never handled by Steward");
            else if (!known)
                problems << QStringLiteral("has no kept version %1").arg(version);
            if (!problems.isEmpty())
                return reply(result);
            result.problems.clear();
            m_store.read(historyItem(secretId, version), this,
                         [this, secretId, spec, origin, reply,
                          result](const SecretStore::Error &e, const QByteArray &v) mutable {
                             if (!e.ok()) {
                                 result.error = e.message;
                                 return reply(result);
                             }
                             if (m_values.contains(secretId) && m_values.value(secretId) == v) {
                                 result.ok = true;
                                 result.unchanged << secretId;
                                 return reply(result);
                             }
                             commit({{secretId,
                                      v,
                                      InstallState::sourceFor(spec->secretClass),
                                      {QStringLiteral("rollback"), origin.actor}}},
                                    [this, reply](const ChangeResult &r) {
                                        if (r.ok && m_phase == Phase::WaitingForSecrets
                                            && missingRequired().isEmpty())
                                            setPhase(Phase::Ready);
                                        reply(r);
                                    });
                         });
        });
}

} // namespace steward
