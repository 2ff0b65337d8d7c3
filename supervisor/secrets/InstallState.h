#pragma once

#include "core/Result.h"
#include "manifest/Manifest.h"

#include <QDateTime>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace steward {

// What Steward remembers about one install, in <app data>/state.json. Never a secret value.
class InstallState
{
public:
    enum class SecretSource { None, Generated, UserProvided, Remote };
    enum class SecretStatus { Missing, Configured, Invalid, Stale };
    // Where a secret of a class comes from (None for infrastructure secrets, never stored).
    static SecretSource sourceFor(SecretClass c);

    // One kept value of a secret: what, when and who, never the value (that is in the secret
    // store, under SecretKeeper::historyItem(id, number)).
    struct SecretVersion
    {
        int number = 0;
        QString source; // generated, wizard, settings, api, stewardctl, vault, import, rollback
        QString actor; // ui, admin token, stewardctl, vault, steward
        QDateTime createdAt;
    };

    struct SecretRecord
    {
        // From the manifest; none until Steward has seen the secret in one (state.json: "class",
        // the manifest's word, "" for none).
        std::optional<SecretClass> secretClass;
        SecretSource source = SecretSource::None;
        SecretStatus status = SecretStatus::Missing;
        QDateTime updatedAt;
        int version = 0; // bumped at every change of the value
        QString detail; // why it is invalid or stale; never the value
        QList<SecretVersion> history; // oldest first; the last one is the current value
    };

    // Loads the state of the install whose data lives in `appDataDir`. A missing file starts a
    // new install; a corrupt one is moved aside (state.json.corrupt-<time>) and a fresh state is
    // returned with `recovered()` set, keeping the install id from the separate install-id file,
    // so the caller can rebuild the records from the secret store. Fails only on I/O errors.
    static Result<InstallState> load(const QString &appDataDir);

    // Writes state.json atomically with mode 0600. On failure the previous file is intact.
    Status save() const;

    QString path() const;
    const QString &installId() const { return m_installId; }
    bool isNewInstall() const { return m_newInstall; }
    bool recovered() const { return m_recovered; }
    QString recoveredFrom() const { return m_recoveredFrom; }

    QString appVersion() const { return m_appVersion; }
    // The app version of the previous run, empty on a new install.
    QString previousAppVersion() const { return m_previousAppVersion; }
    void setAppVersion(const QString &version) { m_appVersion = version; }
    // This install continues one another supervisor ran before (an import): it is not new, and
    // that install's app version (empty if unknown) counts as the previous run's.
    void continueEarlierInstall(const QString &appVersion)
    {
        m_newInstall = false;
        m_previousAppVersion = appVersion;
    }

    const QMap<QString, SecretRecord> &secrets() const { return m_secrets; }
    // The record of a secret; null when there is none. Looking adds nothing.
    const SecretRecord *secret(const QString &id) const;
    SecretRecord *secret(const QString &id);
    // The record of a secret, added (missing, no source, version 0) when there is none.
    SecretRecord &ensureSecret(const QString &id) { return m_secrets[id]; }

    // Migration versions already run, per service.
    QStringList migrationsRun(const QString &serviceId) const
    {
        return m_migrations.value(serviceId);
    }
    void markMigrationRun(const QString &serviceId, const QString &version);

    static QString sourceName(SecretSource s);
    static QString statusName(SecretStatus s);

private:
    QString m_dir;
    QString m_installId;
    QString m_appVersion;
    QString m_previousAppVersion;
    QDateTime m_createdAt;
    bool m_newInstall = false;
    bool m_recovered = false;
    QString m_recoveredFrom;
    QMap<QString, SecretRecord> m_secrets;
    QMap<QString, QStringList> m_migrations;
};

} // namespace steward
