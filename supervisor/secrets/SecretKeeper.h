#pragma once

#include "InstallState.h"
#include "SecretStore.h"
#include "core/SecretBytes.h"
#include "manifest/Manifest.h"

#include <QDateTime>
#include <QHash>
#include <QMap>
#include <QObject>

#include <deque>
#include <memory>
#include <optional>

namespace steward {

class AuditTrail;
class Redactor;
class RemoteSecretProvider;

// Where a change of a secret comes from, for the history and the audit trail. Callers that know
// say so; an empty field is filled from the kind of change ("generated", "vault", "entered";
// actor "steward" or "vault").
struct SecretChangeOrigin
{
    QString source; // wizard, settings, api, stewardctl, import (rollback sets "rollback")
    QString actor; // ui, admin token, stewardctl
    // Validate and answer what would change, storing and recording nothing: the result's
    // `changed` lists the secrets a real change would change (their consumers would restart).
    bool dryRun = false;
};

// Owns the secrets of one install for the life of the process: the first-run state machine
// (load -> generate -> fetch remote -> wait for prompted secrets -> ready) and every later
// change (a value provided through the wizard, terminal or API; a clear; a regeneration).
// It decides nothing about the UI: it reports through signals and answers queries.
//
// Values are kept in memory for injection into services and in the store for the next run;
// every value known here is also in the redactor.
class SecretKeeper : public QObject
{
    Q_OBJECT
public:
    enum class Phase {
        Idle,
        Loading,
        Generating,
        FetchingRemote,
        WaitingForSecrets,
        Ready,
        Failed
    };
    Q_ENUM(Phase)

    struct ChangeResult
    {
        bool ok = false;
        QMap<QString, QStringList> problems; // secret id -> what is wrong (never the value)
        QString error; // the store failed; nothing was changed
        QStringList changed; // ids whose value changed
        QStringList unchanged; // ids given the value they already had
        // Done, but not all of it took effect here yet (a remote rollback whose fetch failed).
        QString warning;
        // Every reason nothing was changed, in one list (the problems, then the store's error).
        QStringList allProblems() const
        {
            QStringList all;
            for (const QStringList &p : problems)
                all << p;
            if (!error.isEmpty())
                all << error;
            return all;
        }
    };
    using ChangeHandler = std::function<void(const ChangeResult &)>;
    using Origin = SecretChangeOrigin;
    static constexpr int DefaultHistoryLimit = 10;

    SecretKeeper(const Manifest &manifest, InstallState &state, SecretStore &store,
                 std::shared_ptr<Redactor> redactor, QObject *parent = nullptr);
    ~SecretKeeper() override;

    // Each remote_fetch secret is fetched through the provider its source names (not owned; it
    // must outlive the keeper or be removed first). The provider reads the credentials it
    // authenticates with from this keeper.
    void addRemoteProvider(RemoteSecretProvider *provider);
    RemoteSecretProvider *providerFor(const SecretSpec &spec) const;
    QList<RemoteSecretProvider *> remoteProviders() const { return m_providers.values(); }
    // Every change made from now on is recorded there (never a value). Not owned.
    void setAuditTrail(AuditTrail *audit) { m_audit = audit; }
    AuditTrail *auditTrail() const { return m_audit; }
    // How many values of each secret are kept (the current one included), unless its manifest
    // entry says (keep_versions).
    void setHistoryLimit(int versions) { m_historyLimit = std::max(1, versions); }
    // The id under which version `number` of `secretId` is kept in the secret store.
    static QString historyItem(const QString &secretId, int number);
    // The kept versions of a secret, oldest first; the last is current while it has a value.
    QList<InstallState::SecretVersion> history(const QString &secretId) const;
    // The number of the version in force: 0 while the secret has no value.
    int currentVersion(const QString &secretId) const;
    // Starts the first-run sequence; progress is reported through phaseChanged().
    void start();

    Phase phase() const { return m_phase; }
    QString failure() const { return m_failure; }
    static QString phaseName(Phase p);

    std::optional<QByteArray> value(const QString &secretId) const;
    const InstallState::SecretRecord *record(const QString &secretId) const;
    // Required secrets without a value that a person or a remote store must provide.
    QStringList missingRequired() const;
    // The required secrets the service consumes that have no value yet.
    QStringList missingFor(const QString &serviceId) const;
    bool canStart(const QString &serviceId) const { return missingFor(serviceId).isEmpty(); }
    // Ids generated during this run (for "JWT_SECRET generated (32 chars)").
    QStringList generatedThisRun() const { return m_generatedThisRun; }
    const SecretStore &store() const { return m_store; }

    // Validates every entry first and stores all of them or none. Only user_prompt secrets can
    // be set; an empty value clears an optional secret.
    void provide(const QMap<QString, QString> &values, QObject *context, ChangeHandler handler,
                 const Origin &origin = {});
    // Clears a user-provided value; a required secret becomes missing and its consumers wait.
    // Its kept versions are removed with it.
    void clear(const QString &secretId, QObject *context, ChangeHandler handler,
               const Origin &origin = {});
    // Draws a new value for a generated secret.
    void regenerate(const QString &secretId, QObject *context, ChangeHandler handler,
                    const Origin &origin = {});
    // Makes kept version `version` current again, as a new version with source "rollback";
    // its consumers restart as for any change. A remote secret rolls back at its source, where
    // `version` is the source's own number (Vault KV v2), and is fetched again with every
    // secret kept in the same place there.
    void rollback(const QString &secretId, int version, QObject *context, ChangeHandler handler,
                  const Origin &origin = {});
    // What one fetch of the remote secrets found.
    struct RefreshResult
    {
        QStringList changed; // a new value was stored (its consumers restart)
        QStringList unchanged;
        QMap<QString, QString> failed; // id -> why (the last-known-good value, if any, stays)
        bool ok() const { return failed.isEmpty(); }
    };
    using RefreshHandler = std::function<void(const RefreshResult &)>;
    // How fresh one remote secret is, for /health.
    struct Freshness
    {
        int version = 0; // the version at the source (KV v2), 0 if unknown
        QDateTime fetchedAt; // the last successful fetch this run; invalid: none yet
        QString lastError; // of the last fetch; empty when it worked
        // At the last change: the .env keys or config files that changed (names, never
        // contents), or the secret's id for a plain value.
        QStringList changed;
    };

    // Fetches the remote_fetch secrets `ids` (all of them when empty) again now: the refresh
    // loop, the wizard's Retry, Settings' Refresh now and `stewardctl secrets refresh`.
    void refreshRemote(const QStringList &ids = {}, QObject *context = nullptr,
                       RefreshHandler handler = {});
    std::optional<Freshness> freshness(const QString &secretId) const;
    // The outcome of the last fetch of remote secrets; none before the first one has finished.
    std::optional<RefreshResult> lastRefresh() const { return m_lastRefresh; }
    QDateTime lastRefreshAt() const { return m_lastRefreshAt; }

Q_SIGNALS:
    void phaseChanged(steward::SecretKeeper::Phase phase);
    // Values changed (consumers of these ids must be restarted or may now start).
    void secretsChanged(const QStringList &secretIds);
    // A secret's record (status, source, detail, time of change) was updated and saved.
    void recordsChanged();
    // A fetch of remote secrets finished (at start or a refresh).
    void remoteRefreshed(const steward::SecretKeeper::RefreshResult &result);

private:
    struct Write
    {
        QString id;
        std::optional<QByteArray> value; // nullopt: remove
        InstallState::SecretSource source;
        Origin origin = {};
    };
    void setPhase(Phase p);
    void fail(const QString &reason);
    void loadAll();
    void generateMissing();
    void fetchRemote(const QStringList &ids = {}, RefreshHandler handler = {},
                     const Origin &origin = {});
    void rollbackAtSource(const SecretSpec &spec, int version, const Origin &origin,
                          ChangeHandler reply);
    // The remote_fetch secrets among `ids` (all of them when empty).
    QList<const SecretSpec *> remoteSpecs(const QStringList &ids) const;
    // A fetched value of a shaped source that does not parse (a .env with a bad line) is a
    // failed fetch, named by path and line; the last good value stays.
    SecretStore::Error checkShape(const QString &id, const SecretStore::Error &fetched,
                                  const QByteArray &value) const;
    void settle();
    void refreshRedactor();
    // Applies writes one by one; on a failure rolls back the ones already applied.
    void commit(QList<Write> writes, ChangeHandler done);
    // After a change: Ready once nothing required is missing, WaitingForSecrets when a clear
    // left something missing.
    void settleAfterChange(const ChangeResult &r, const Origin &origin);
    void enqueue(std::function<void(std::function<void()>)> op);
    // Queues a change; `body` answers through `reply`, which also lets the next change run.
    void enqueueChange(QObject *context, ChangeHandler handler,
                       std::function<void(ChangeHandler reply)> body);
    void runNext();
    void saveState();
    // Removes the kept versions of `secretId` beyond the limit (all of them after a clear),
    // forgetting each only once the store confirmed its removal.
    void pruneHistory(const QString &secretId);

    const Manifest &m_manifest;
    InstallState &m_state;
    SecretStore &m_store;
    std::shared_ptr<Redactor> m_redactor;
    QMap<QString, RemoteSecretProvider *> m_providers; // by name
    AuditTrail *m_audit = nullptr;
    int m_historyLimit = DefaultHistoryLimit;
    Phase m_phase = Phase::Idle;
    QString m_failure;
    SecretMap m_values; // in memory no core dump holds, zeroed when dropped
    QStringList m_generatedThisRun;
    std::deque<std::function<void(std::function<void()>)>> m_queue;
    bool m_busy = false;
    std::function<void()> m_settleDone; // frees the queue when the start or a refresh settles
    QHash<QString, Freshness> m_freshness;
    std::optional<RefreshResult> m_lastRefresh;
    QDateTime m_lastRefreshAt;
};

} // namespace steward
