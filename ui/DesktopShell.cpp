#include "DesktopShell.h"

#include "TrayIcon.h"
#include "process/Supervisor.h"
#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"
#include "settings/SettingsDialog.h"
#include "wizard/FirstRunWizard.h"

#include <QDesktopServices>
#include <QIcon>
#include <QMessageBox>

// The icons are a resource of this static library: they must be registered by name.
static void initIconResources()
{
    Q_INIT_RESOURCE(icons);
}

namespace steward {

DesktopShell::DesktopShell(StewardRuntime &runtime, QObject *parent)
    : QObject(parent)
    , m_runtime(runtime)
    , m_openUrl([](const QUrl &url) { QDesktopServices::openUrl(url); })
{
    initIconResources();
    connect(&runtime, &StewardRuntime::secretsSettled, this, &DesktopShell::onSecretsSettled);
    connect(&runtime, &StewardRuntime::storeSlow, this, &DesktopShell::showWaitingNote);
    connect(&runtime, &StewardRuntime::storeUnavailable, this, [this](const QString &reason) {
        closeWaitingNote();
        m_decided = true;
        showWizard();
        m_wizard->setStoreUnavailable(reason);
    });
    connect(&runtime, &StewardRuntime::supervisorStarted, this, [this] {
        if (!m_wizard)
            showTray();
    });
    connect(&runtime, &StewardRuntime::activationRequested, this, [this] {
        if (!m_wizard)
            return showSettings();
        m_wizard->raise();
        m_wizard->activateWindow();
    });
}

DesktopShell::~DesktopShell()
{
    delete m_wizard;
    delete m_settings;
    delete m_waiting;
}

FirstRunWizard *DesktopShell::wizard() const
{
    return m_wizard;
}

SettingsDialog *DesktopShell::settings() const
{
    return m_settings;
}

QMessageBox *DesktopShell::waitingNote() const
{
    return m_waiting;
}

void DesktopShell::showWaitingNote(const QString &why)
{
    if (m_waiting || m_decided)
        return;
    const QString app = m_runtime.manifest().app.name;
    m_waiting = new QMessageBox(QMessageBox::Information, tr("%1 is starting").arg(app),
                                tr("%1 is waiting for its secrets: %2.").arg(app, why),
                                QMessageBox::NoButton);
    m_waiting->setObjectName(QStringLiteral("waitingForKeychain"));
    m_waiting->setInformativeText(
        tr("This window closes by itself as soon as the keychain answers."));
    m_waiting->setWindowIcon(QIcon(QStringLiteral(":/icons/steward.svg")));
    m_waiting->setAttribute(Qt::WA_DeleteOnClose);
    m_waiting->setModal(false);
    m_waiting->show();
}

void DesktopShell::closeWaitingNote()
{
    if (m_waiting)
        m_waiting->close();
}

void DesktopShell::onSecretsSettled()
{
    closeWaitingNote();
    if (m_decided)
        return;
    m_decided = true;
    const Manifest &m = m_runtime.manifest();
    const QStringList missing = m_runtime.keeper()->missingRequired();
    const bool askPerson = std::any_of(missing.cbegin(), missing.cend(), [&m](const QString &id) {
        return m.secret(id)->secretClass == SecretClass::UserPrompt;
    });
    if (askPerson)
        showWizard();
    else
        showTray();
}

void DesktopShell::showWizard()
{
    if (m_wizard)
        return;
    m_wizard = new FirstRunWizard(m_runtime);
    m_wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_wizard, &FirstRunWizard::quitRequested, this, &DesktopShell::quit);
    connect(m_wizard, &FirstRunWizard::openAppRequested, this, [this] { m_openUrl(appUrl()); });
    connect(m_wizard, &QWizard::finished, this, &DesktopShell::onWizardClosed);
    m_wizard->show();
}

void DesktopShell::onWizardClosed()
{
    // Closed before anything started (the no-keychain page): there is nothing to stay for.
    if (!m_runtime.supervisor())
        return quit();
    showTray();
}

void DesktopShell::showTray()
{
    if (m_trayShown || !m_runtime.supervisor())
        return;
    m_trayShown = true;
    m_tray = new TrayIcon(m_runtime, this);
    connect(m_tray, &TrayIcon::settingsRequested, this, &DesktopShell::showSettings);
    connect(m_tray, &TrayIcon::openAppRequested, this, [this] { m_openUrl(appUrl()); });
    connect(m_tray, &TrayIcon::openLogsRequested, this,
            [this] { m_openUrl(QUrl::fromLocalFile(m_runtime.logsDir())); });
    connect(m_tray, &TrayIcon::restartRequested, this, &DesktopShell::restartServices);
    connect(m_tray, &TrayIcon::quitRequested, this, &DesktopShell::quit);
    // A desktop without a tray still needs a way in: the Settings window stands in for it.
    if (!m_tray->show())
        showSettings();
}

void DesktopShell::showSettings()
{
    if (!m_settings) {
        m_settings = new SettingsDialog(m_runtime);
        m_settings->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_settings, &SettingsDialog::quitRequested, this, &DesktopShell::quit);
    }
    m_settings->show();
    m_settings->raise();
    m_settings->activateWindow();
}

QUrl DesktopShell::appUrl() const
{
    const Supervisor *supervisor = m_runtime.supervisor();
    const ServiceSpec *ui = m_runtime.manifest().appUi();
    if (!supervisor || !ui)
        return {};
    const int port = supervisor->ports().value(ui->id).value(ui->servedPortName());
    if (port <= 0)
        return {};
    return QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port));
}

void DesktopShell::restartServices()
{
    if (Supervisor *supervisor = m_runtime.supervisor()) {
        for (const ManagedService *svc : supervisor->services())
            supervisor->restartService(svc->id());
    }
}

void DesktopShell::quit()
{
    if (m_wizard)
        m_wizard->close();
    if (m_settings)
        m_settings->close();
    m_runtime.requestShutdown();
}

} // namespace steward
