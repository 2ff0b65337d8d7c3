#include "SecretKeeper.h"
#include "core/StdText.h"
#include "logging/Logging.h"

#include <algorithm>

namespace steward {

using stdtext::s;

QString SecretKeeper::historyItem(const QString &secretId, int number)
{
    return secretId + QStringLiteral("~v") + QString::number(number);
}

QList<InstallState::SecretVersion> SecretKeeper::history(const QString &secretId) const
{
    const InstallState::SecretRecord *rec = record(secretId);
    return rec ? rec->history : QList<InstallState::SecretVersion>();
}

int SecretKeeper::currentVersion(const QString &secretId) const
{
    const InstallState::SecretRecord *rec = record(secretId);
    return rec && m_values.contains(secretId) ? rec->version : 0;
}

void SecretKeeper::pruneHistory(const QString &secretId)
{
    const InstallState::SecretRecord *rec = m_state.secret(secretId);
    if (!rec)
        return;
    const SecretSpec *spec = m_manifest.secret(secretId);
    const qsizetype keep = !m_values.contains(secretId) ? 0
        : spec && spec->keepVersions                    ? *spec->keepVersions
                                                        : m_historyLimit;
    QList<int> victims;
    for (qsizetype i = 0; i + keep < rec->history.size(); ++i)
        victims << rec->history.at(i).number;
    for (int number : std::as_const(victims)) {
        m_store.removeStored(historyItem(secretId, number), this,
                             [this, secretId, number](const SecretStore::Error &e) {
                                 if (!e.ok() && e.kind != SecretStore::ErrorKind::NotFound) {
                                     // Kept in the list, so the next change or clear tries again.
                                     Logging::secrets()->warn("cannot remove version {} of {}: {}",
                                                              number, s(secretId), s(e.message));
                                     return;
                                 }
                                 if (InstallState::SecretRecord *rec = m_state.secret(secretId))
                                     rec->history.removeIf(
                                         [number](const InstallState::SecretVersion &v) {
                                             return v.number == number;
                                         });
                                 saveState();
                             });
    }
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
            if (spec && spec->secretClass == SecretClass::RemoteFetch)
                return rollbackAtSource(*spec, version, origin, reply);
            if (!spec)
                problems << QStringLiteral("this bundle has no secret with that id");
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
                                      {QStringLiteral("rollback"), origin.actor, origin.dryRun}}},
                                    [this, reply, origin](const ChangeResult &r) {
                                        settleAfterChange(r, origin);
                                        reply(r);
                                    });
                         });
        });
}

} // namespace steward
