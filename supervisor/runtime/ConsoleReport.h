#pragma once

#include "manifest/Diagnostic.h"
#include "secrets/ReferenceInstallImport.h"

#include <QObject>
#include <QTextStream>

namespace steward {

struct Manifest;
class SecretKeeper;
class Supervisor;

// What `steward` tells the person on its console, in plain sentences: progress on `out`, and
// on `err` each reason it cannot go on ("steward: ..."). It narrates; it decides nothing. No
// secret value is ever written: secrets are named by id, with their length at most.
class ConsoleReport : public QObject
{
    Q_OBJECT
public:
    ConsoleReport(QTextStream &out, QTextStream &err, QObject *parent = nullptr);

    // "steward: <why>" on err.
    void error(const QString &why);
    // After a keychain failure that ends the run: how to run without a keychain.
    void keychainHint();
    void diagnostics(const QString &manifestPath, const Diagnostics &diagnostics);
    void alreadyRunning(const QString &appName, qint64 pid, const QString &appDataDir);
    // `isolation`: whether services are isolated from each other (ServiceSandbox::report).
    void starting(const Manifest &manifest, const QString &appDataDir, bool firstRun,
                  bool stateRebuilt, const QString &isolation);
    void leftoversStopped(const QStringList &processes);
    void importing(const QString &appName);
    void imported(const ReferenceInstallImport::Report &report, const QString &storeName);
    void keychainUnusable(const QString &why);
    void keyFileInUse();
    // The store has not answered yet (a locked keychain): `why` in plain words.
    void storeSlow(const QString &why);
    void remoteUnavailable(const QString &why);
    // The secrets settled: what was generated (the first time), what is still awaited.
    void secretsSettled(const Manifest &manifest, const SecretKeeper &keeper, bool prompting,
                        bool reportGenerated);
    void controlApi(int port, const QString &tokenPath);
    // The app could not be registered for stewardctl (AppRegistry); it runs on.
    void notRegistered(const QString &why);
    // Narrates every service's state and the app's status from now on.
    void follow(const Supervisor &supervisor, const QString &appName);
    void stopping(const QString &appName);
    void stopped();

private:
    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace steward
