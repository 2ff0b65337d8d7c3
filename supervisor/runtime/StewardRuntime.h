#pragma once

#include "manifest/Diagnostic.h"
#include "manifest/Manifest.h"

#include <QObject>
#include <QTextStream>

#include <memory>

namespace steward {

class InstallState;
class Redactor;
class SecretKeeper;
class SecretStore;
class ControlApi;
class ControlServer;
class Supervisor;
class TokenBook;
class TelemetryLog;
class TerminalPrompter;

struct RuntimeOptions
{
    enum class Store { Keychain, File };

    QString manifestPath;
    QString appDataDir; // empty: <XDG data home>/steward/<app name>
    Store store = Store::Keychain;
    bool prompt = false; // ask for missing secrets on the terminal
};

// One run of Steward for one bundle: loads the manifest and the install state, opens the
// secret store and drives the first-run sequence. Reports progress in plain sentences on `out`
// and asks to exit through exitRequested().
class StewardRuntime : public QObject
{
    Q_OBJECT
public:
    // Exit codes of `steward`.
    enum ExitCode {
        Ok = 0,
        InvalidManifest = 1,
        Unreadable = 2,
        InputEnded = 3,
        StoreFailed = 4,
        PortsUnavailable = 5,
        ApiUnavailable = 6,
        Usage = 64
    };

    StewardRuntime(RuntimeOptions options, QTextStream &out, QTextStream &err,
                   QObject *parent = nullptr);
    ~StewardRuntime() override;

    // Synchronous part of the start; returns a non-zero exit code if Steward cannot go on.
    int start();

    static QString defaultAppDataDir(const QString &appName);
    const Manifest &manifest() const { return m_manifest; }
    QString appDataDir() const { return m_appData; }
    SecretKeeper *keeper() const { return m_keeper.get(); }
    Supervisor *supervisor() const { return m_supervisor.get(); }
    // Stops every service gracefully, then asks to exit with 0.
    void requestShutdown();

Q_SIGNALS:
    void exitRequested(int code);

private:
    void openStore();
    void startKeeper();
    void onSecretsSettled();
    void promptForMissing();
    void startSupervisor();

    RuntimeOptions m_options;
    QTextStream &m_out;
    QTextStream &m_err;
    Manifest m_manifest;
    QString m_appData;
    std::unique_ptr<InstallState> m_state;
    std::shared_ptr<Redactor> m_redactor;
    std::unique_ptr<SecretStore> m_keychain;
    SecretStore *m_store = nullptr; // m_keychain, or the encrypted file store it parents
    std::unique_ptr<SecretKeeper> m_keeper;
    bool startControlApi();
    void removeRuntimeFiles();
    Diagnostics m_diagnostics;
    std::unique_ptr<TokenBook> m_tokens;
    std::unique_ptr<ControlApi> m_api;
    std::unique_ptr<ControlServer> m_server;
    QString m_tokenFile;
    QString m_portFile;
    std::unique_ptr<TelemetryLog> m_telemetry;

    std::unique_ptr<Supervisor> m_supervisor;
    TerminalPrompter *m_prompter = nullptr;
    bool m_shuttingDown = false;
    bool m_reportedGenerated = false;
};

} // namespace steward
