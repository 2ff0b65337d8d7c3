#include "ConsoleReport.h"

#include "manifest/Manifest.h"
#include "process/Supervisor.h"
#include "secrets/SecretKeeper.h"
#include "secrets/SecretStore.h"

namespace steward {

ConsoleReport::ConsoleReport(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
{ }

void ConsoleReport::error(const QString &why)
{
    m_err << "steward: " << why << "\n" << Qt::flush;
}

void ConsoleReport::keychainHint()
{
    m_err << "steward: if this system has no keychain, run with --secret-store=file to keep the "
             "secrets in an encrypted file instead\n"
          << Qt::flush;
}

void ConsoleReport::diagnostics(const QString &manifestPath, const Diagnostics &diagnostics)
{
    for (const Diagnostic &d : diagnostics)
        (d.isError() ? m_err : m_out) << manifestPath << ": " << d.toString() << "\n";
    m_out << Qt::flush;
    m_err << Qt::flush;
}

void ConsoleReport::alreadyRunning(const QString &appName, qint64 pid, const QString &appDataDir)
{
    m_err << "steward: " << appName << " is already running (pid " << pid << ", data in "
          << appDataDir << ")\n"
          << Qt::flush;
}

void ConsoleReport::starting(const Manifest &manifest, const QString &appDataDir, bool firstRun,
                             bool stateRebuilt, const QString &isolation)
{
    if (stateRebuilt)
        m_out << "The install state was damaged or missing; it is being rebuilt from the secret "
                 "store.\n";
    m_out << manifest.app.name << ' ' << manifest.app.version << (firstRun ? " (first run)" : "")
          << "; data in " << appDataDir << "\n";
    m_out << "Note: " << isolation << "\n" << Qt::flush;
}

void ConsoleReport::leftoversStopped(const QStringList &processes)
{
    m_out << "Stopped " << processes.size()
          << " process(es) an earlier run left behind (it ended without stopping its services): "
          << processes.join(QStringLiteral(", ")) << "\n"
          << Qt::flush;
}

void ConsoleReport::importing(const QString &appName)
{
    m_out << "Found the data of an earlier install of " << appName
          << " by the Vrooli runtime; importing it.\n"
          << Qt::flush;
}

void ConsoleReport::imported(const ReferenceInstallImport::Report &report, const QString &storeName)
{
    const QString secretsFile = report.sourceDir + QStringLiteral("/secrets.json");
    m_out << "Imported " << report.imported.size()
          << (report.imported.size() == 1 ? " secret" : " secrets") << " from " << report.sourceDir
          << " into " << storeName;
    if (!report.imported.isEmpty())
        m_out << ": " << report.imported.join(QStringLiteral(", "));
    m_out << "\n";
    if (report.plaintextRemoved)
        m_out << "The plaintext " << secretsFile << " was overwritten and removed.\n";
    if (!report.warning.isEmpty())
        m_out << "Warning: " << report.warning << "\n";
    if (const int n = report.migrationCount(); n > 0) {
        QStringList applied;
        for (auto it = report.migrations.cbegin(); it != report.migrations.cend(); ++it)
            applied << it.key() + QStringLiteral(" ") + it->join(QStringLiteral(", "));
        m_out << "Recorded " << n << (n == 1 ? " migration" : " migrations")
              << " as already applied (" << applied.join(QStringLiteral("; ")) << ").\n";
    }
    if (!report.unknown.isEmpty())
        m_out << "Not imported, as the manifest does not declare them: "
              << report.unknown.join(QStringLiteral(", ")) << "\n";
    if (!report.refused.isEmpty())
        m_out << "Not imported, as infrastructure secrets are never stored: "
              << report.refused.join(QStringLiteral(", ")) << "\n";
    m_out << Qt::flush;
}

void ConsoleReport::keychainUnusable(const QString &why)
{
    m_out << "The keychain cannot be used: " << why << "\n" << Qt::flush;
}

void ConsoleReport::keyFileInUse()
{
    m_out << "Warning: no keychain is available, so the key of the encrypted secret files is "
             "kept in a file beside them. Anyone who can read your files can read the secrets.\n"
          << Qt::flush;
}

void ConsoleReport::storeSlow(const QString &why)
{
    m_out << "Still waiting for the secrets: " << why << "\n" << Qt::flush;
}

void ConsoleReport::remoteUnavailable(const QString &why)
{
    m_out << "Remote secrets cannot be fetched: " << why << "\n" << Qt::flush;
}

void ConsoleReport::secretsSettled(const Manifest &manifest, const SecretKeeper &keeper,
                                   bool prompting, bool reportGenerated)
{
    if (reportGenerated) {
        for (const QString &id : keeper.generatedThisRun())
            m_out << "Generated " << id << " (" << keeper.value(id)->size() << " characters)\n";
    }
    if (keeper.phase() == SecretKeeper::Phase::WaitingForSecrets) {
        const QStringList missing = keeper.missingRequired();
        m_out << "Waiting for " << missing.size()
              << (missing.size() == 1 ? " secret:" : " secrets:") << "\n";
        for (const QString &id : missing) {
            const SecretSpec *spec = manifest.secret(id);
            const QStringList consumers = manifest.consumersOf(id);
            m_out << "  " << id << " (" << spec->label() << ")";
            if (!consumers.isEmpty())
                m_out << ", needed by " << consumers.join(QStringLiteral(", "));
            m_out << "\n";
        }
        if (!prompting)
            m_out << "Services that need them wait; the others start now. Run with --prompt to "
                     "enter them here.\n";
        m_out << Qt::flush;
        return;
    }
    int configured = 0;
    for (const SecretSpec &s : manifest.secrets)
        configured += keeper.value(s.id) ? 1 : 0;
    m_out << "All required secrets are configured (" << configured << " stored in "
          << keeper.store().backendName() << ").\n"
          << Qt::flush;
}

void ConsoleReport::controlApi(int port, const QString &tokenPath)
{
    m_out << "Control API on http://127.0.0.1:" << port << " (admin token in " << tokenPath << ")\n"
          << Qt::flush;
}

void ConsoleReport::notRegistered(const QString &why)
{
    m_out << "Warning: stewardctl will need --app-data to find this app: " << why << "\n"
          << Qt::flush;
}

void ConsoleReport::follow(const Supervisor &supervisor, const QString &appName)
{
    const Supervisor *sup = &supervisor;
    connect(sup, &Supervisor::serviceStateChanged, this,
            [this, sup](const QString &id, ManagedService::State st) {
                const ManagedService *svc = sup->service(id);
                m_out << id << ": " << ManagedService::stateName(st);
                if (st == ManagedService::State::Ready) {
                    const QMap<QString, int> ports = sup->ports().value(id);
                    for (auto it = ports.cbegin(); it != ports.cend(); ++it)
                        m_out << " (" << it.key() << " on 127.0.0.1:" << it.value() << ")";
                } else if (!svc->message().isEmpty()) {
                    m_out << " - " << svc->message();
                }
                m_out << "\n" << Qt::flush;
            });
    connect(sup, &Supervisor::statusChanged, this, [this, sup, appName](Supervisor::AppStatus st) {
        if (st == Supervisor::AppStatus::Ready)
            m_out << appName << " is ready.\n" << Qt::flush;
        else if (st == Supervisor::AppStatus::Failed)
            m_out << appName << " has failed: " << sup->statusReason() << "\n" << Qt::flush;
    });
}

void ConsoleReport::stopping(const QString &appName)
{
    m_out << "Stopping " << appName << "...\n" << Qt::flush;
}

void ConsoleReport::stopped()
{
    m_out << "Stopped.\n" << Qt::flush;
}

} // namespace steward
