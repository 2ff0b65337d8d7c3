#pragma once

#include "manifest/Diagnostic.h"
#include "manifest/Manifest.h"
#include "secrets/ReferenceInstallImport.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QObject>
#include <QTextStream>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

namespace steward {

class AuditTrail;
class InstallState;
class Redactor;
class SecretKeeper;
class SecretStore;
class ConsoleReport;
class ControlApi;
class ControlApiFiles;
class InstanceLock;
class CgroupTree;
class ExecGuard;
class ControlServer;
class Supervisor;
class TokenBook;
class TelemetryLog;
class TerminalPrompter;
class RemoteProviderRegistry;
class RemoteRefresher;
class RemoteSecretProvider;

struct RuntimeOptions
{
    enum class Store { Keychain, File };

    QString manifestPath;
    QString appDataDir; // empty: <XDG data home>/steward/<app name>
    QString bundleRoot; // what binaries and assets are resolved against; empty: the manifest's dir
    // Validate, plan and print what would start, then stop: nothing started, no secret read.
    bool dryRun = false;
    // On the first run, take over what the Vrooli runtime kept for the app
    // (ReferenceInstallImport).
    bool importReference = true;
    Store store = Store::Keychain;
    bool prompt = false; // ask for missing secrets on the terminal
    // A window can ask the person (the desktop shell): a keychain failure is reported through
    // storeUnavailable() instead of ending the run, and /activate shows the window.
    bool interactive = false;
    // The public key bundles must be signed with (bundle.lock.sig); empty: signatures are not
    // required, and a bundle.lock, when present, is still checked.
    QString trustedKey;
    // Opens the keychain; tests substitute one. Default: KeychainStore.
    std::function<std::unique_ptr<SecretStore>(const QString &appName, const QString &installId)>
        keychainFactory;
    // The remote secret providers known; null: the built-in ones. Tests add their own.
    const RemoteProviderRegistry *remoteProviders = nullptr;
};

// One run of Steward for one bundle: loads the manifest and the install state, opens the
// secret store and drives the first-run sequence. Reports progress in plain sentences on `out`
// and asks to exit through exitRequested().
class StewardRuntime : public QObject
{
    Q_OBJECT
public:
    // How long the secret store may take before Steward says it is waiting for it.
    static constexpr int StoreSlowMs = 2000;
    // Exit codes of `steward`.
    enum ExitCode {
        Ok = 0,
        InvalidManifest = 1,
        Unreadable = 2,
        InputEnded = 3,
        StoreFailed = 4,
        PortsUnavailable = 5,
        ApiUnavailable = 6,
        AlreadyRunning = 7,
        BundleUntrusted = 8,
        // The app data dir or a directory or log file in it cannot be used: not writable, a
        // symbolic link, another user's, or writable by others (the message names it).
        AppDataUnusable = 9,
        Usage = 64
    };

    StewardRuntime(RuntimeOptions options, QTextStream &out, QTextStream &err,
                   QObject *parent = nullptr);
    ~StewardRuntime() override;

    // Synchronous part of the start; returns a non-zero exit code if Steward cannot go on.
    // AlreadyRunning: another Steward runs this app (same app data dir); appDataDir() names it.
    // A dry run does all it does here: it returns Ok for a valid manifest, and nothing follows.
    int start();

    static QString defaultAppDataDir(const QString &appName);
    const Manifest &manifest() const { return m_manifest; }
    QString appDataDir() const { return m_appData; }
    SecretKeeper *keeper() const { return m_keeper.get(); }
    // Who changed, read or was refused which secret (null until the store is open).
    AuditTrail *audit() const { return m_audit.get(); }
    Supervisor *supervisor() const { return m_supervisor.get(); }
    // Why the manifest's limits are not set on the services' cgroups (empty: they are).
    QString limitsUnavailable() const;
    // Where the secrets are kept (after secretsSettled() or storeUnavailable()).
    const SecretStore *store() const { return m_store; }
    QString logsDir() const;
    // What this run took over from the Vrooli runtime's install of the app, once it has.
    const std::optional<ReferenceInstallImport::Report> &referenceImport() const
    {
        return m_import;
    }
    // After the keychain failed (storeUnavailable()): keep the secrets in the encrypted file
    // store instead, its key in a 0600 file, and go on with the first run.
    void useEncryptedFileStore();
    // Stops every service gracefully, then asks to exit with 0.
    void requestShutdown();
    // After start() returned AlreadyRunning: asks the running Steward to show its window.
    // `done` gets whether it did, and otherwise why not.
    void activateRunningInstance(std::function<void(bool shown, const QString &why)> done);

Q_SIGNALS:
    void exitRequested(int code);
    // The secrets are loaded and generated; missing ones may still be awaited. Emitted again
    // after every change that settles them anew.
    void secretsSettled();
    // Interactive runs only: the keychain cannot be used. useEncryptedFileStore() or quit.
    void storeUnavailable(const QString &reason);
    // The supervisor exists and starts the services (supervisor() is set).
    void supervisorStarted();
    // A second launch of the app asked for the window (POST /activate).
    void activationRequested();
    // The secret store has not answered for a while (a locked keychain waiting to be
    // unlocked): `why` in plain words. Emitted once per store opened.
    void storeSlow(const QString &why);

private:
    void openStore();
    QString storeDelayText() const;
    // Kills what a run of this install that was itself killed left running, and says so.
    // Where each service's processes are kept (m_cgroups, m_containment).
    void openCgroups();
    void stopLeftovers();
    // The store is open: import from the Vrooli runtime's install if that is due, then go on.
    void importThenStartKeeper();
    void reportImport(const ReferenceInstallImport::Report &report);
    void startKeeper();
    const RemoteProviderRegistry &remoteProviders() const;
    void onSecretsSettled();
    void promptForMissing();
    void startSupervisor();
    bool startControlApi();

    RuntimeOptions m_options;
    QTextStream &m_out;
    ConsoleReport *m_report; // child
    Manifest m_manifest;
    QString m_appData;
    QString m_privateDir; // PrivateDir: runtime files, state, file store, out of services' reach
    std::unique_ptr<InstanceLock> m_instanceLock;
    std::unique_ptr<InstallState> m_state;
    std::shared_ptr<Redactor> m_redactor;
    std::unique_ptr<SecretStore> m_keychain;
    SecretStore *m_store = nullptr; // m_keychain, or the encrypted file store it parents
    QElapsedTimer m_storeAskedAt; // since the store was opened
    bool m_storeSlow = false; // the store has not answered for StoreSlowMs
    std::unique_ptr<AuditTrail> m_audit; // opened on the store the keeper uses
    std::unique_ptr<SecretKeeper> m_keeper;
    QList<RemoteSecretProvider *> m_remoteProviders; // children of this runtime
    std::unique_ptr<RemoteRefresher> m_refresher;
    Diagnostics m_diagnostics;
    std::unique_ptr<TokenBook> m_tokens;
    std::unique_ptr<ControlApi> m_api;
    std::unique_ptr<ControlServer> m_server;
    std::unique_ptr<ControlApiFiles> m_apiFiles; // set once the app data dir is known
    std::unique_ptr<TelemetryLog> m_telemetry;
    std::unique_ptr<ExecGuard> m_execGuard;
    // Outlives the supervisor: closing it ends whatever its services left behind.
    std::shared_ptr<CgroupTree> m_cgroups;
    QString m_containment; // how services' trees are kept, for /status
    std::unique_ptr<Supervisor> m_supervisor;
    bool m_importDue = false;
    std::optional<ReferenceInstallImport::Report> m_import;
    QString m_instanceId; // new at every launch
    QDateTime m_startedAt;
    QString m_manifestSha256;
    TerminalPrompter *m_prompter = nullptr;
    bool m_shuttingDown = false;
    bool m_reportedGenerated = false;
};

} // namespace steward
