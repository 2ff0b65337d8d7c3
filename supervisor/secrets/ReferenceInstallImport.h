#pragma once

#include "SecretStore.h"
#include "manifest/Manifest.h"

#include <QHash>
#include <QMap>
#include <QObject>
#include <QStringList>

#include <functional>

namespace steward {

class InstallState;

// Takes over what an install of the Vrooli runtime (the Go supervisor of bundle.json v0.1) left
// for the same app in <user config dir>/<app name>: the values of its plaintext secrets.json go
// into Steward's secret store unchanged, so a database created with the old password still
// opens, and the migrations its migrations.json records as applied are recorded in the install
// state, so they do not run again. Only once the store has given every value back is the
// plaintext file overwritten with zeros, synced and removed; when anything fails nothing is
// removed and the error names the file. Messages name secret ids, never values.
class ReferenceInstallImport : public QObject
{
    Q_OBJECT
public:
    struct Report
    {
        QString sourceDir;
        QStringList imported; // ids stored and read back, in manifest order
        QStringList unknown; // in secrets.json but not declared by the manifest: not stored
        QStringList refused; // infrastructure secrets: never stored
        QMap<QString, QStringList> migrations; // service id -> versions recorded as applied
        QString previousAppVersion; // as migrations.json records it
        bool plaintextRemoved = false;
        QString warning; // the import worked but secrets.json could not be removed
        QString error; // the import failed and nothing was removed
        bool storeFailed = false; // the error is the secret store's (no keychain, locked...)
        bool ok() const { return error.isEmpty(); }
        int migrationCount() const;
    };
    using Handler = std::function<void(const Report &)>;

    // Where the Vrooli runtime keeps the data of `appName`: <user config dir>/<app name>.
    static QString sourceDirFor(const QString &appName);
    // Whether there is something to import: Steward keeps no state of its own for this app yet
    // (its state.json was never written) and `sourceDir` holds secrets.json or migrations.json.
    static bool applies(const InstallState &state, const QString &sourceDir);

    ReferenceInstallImport(const Manifest &manifest, InstallState &state, SecretStore &store,
                           const QString &sourceDir, QObject *parent = nullptr);
    ~ReferenceInstallImport() override;

    // Imports; `done` runs once, later, from the event loop.
    void run(Handler done);

private:
    [[nodiscard]] bool readSecrets();
    [[nodiscard]] bool readMigrations();
    void storeNext(qsizetype index);
    void confirm(qsizetype index);
    void finish();
    void fail(const QString &error, bool storeFailed = false);
    QString secretsFile() const;
    QString migrationsFile() const;

    const Manifest &m_manifest;
    InstallState &m_state;
    SecretStore &m_store;
    Report m_report;
    QHash<QString, QByteArray> m_values; // the ids to import and their values, wiped when done
    Handler m_done;
};

} // namespace steward
