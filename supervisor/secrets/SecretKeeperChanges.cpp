#include "AuditTrail.h"
#include "SecretGenerator.h"
#include "SecretKeeper.h"
#include "core/StdText.h"
#include "logging/Logging.h"
#include "manifest/SecretValidator.h"

#include <QPointer>
#include <QRegularExpression>

namespace steward {

using stdtext::s;

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
    if (!writes.isEmpty() && writes.first().origin.dryRun) {
        ChangeResult r;
        r.ok = true;
        for (const Write &w : std::as_const(writes))
            r.changed << w.id;
        return done(r);
    }
    auto run = std::make_shared<Run>();
    run->writes = std::move(writes);
    for (Write &w : run->writes) {
        const bool removal = !w.value.has_value();
        const InstallState::SecretRecord *known = m_state.secret(w.id);
        const InstallState::SecretSource was
            = known ? known->source : InstallState::SecretSource::None;
        w.origin = filledIn(w.origin, removal ? was : w.source, removal);
        const int number = (known ? known->version : 0) + 1;
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
            InstallState::SecretRecord &rec = m_state.ensureSecret(w.id);
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
                        Logging::secrets()->error("rollback failed: {}", s(undoErrors));
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
        commit(writes, [this, reply, unchanged, origin](ChangeResult r) {
            r.unchanged = unchanged;
            settleAfterChange(r, origin);
            reply(r);
        });
    });
}

void SecretKeeper::settleAfterChange(const ChangeResult &r, const Origin &origin)
{
    if (!r.ok || origin.dryRun)
        return; // a dry run changed nothing
    const bool missing = !missingRequired().isEmpty();
    if (m_phase == Phase::WaitingForSecrets && !missing)
        setPhase(Phase::Ready);
    else if (m_phase == Phase::Ready && missing)
        setPhase(Phase::WaitingForSecrets);
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
               [this, reply, origin](const ChangeResult &r) {
                   settleAfterChange(r, origin);
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
                 {QStringLiteral("generated"), origin.actor, origin.dryRun}}},
               reply);
    });
}

} // namespace steward
