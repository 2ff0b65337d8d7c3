#include "TrayIcon.h"

#include "DisplayText.h"
#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"

#include <QMenu>
#include <QSystemTrayIcon>

namespace steward {

TrayIcon::TrayIcon(StewardRuntime &runtime, QObject *parent)
    : QObject(parent)
    , m_runtime(runtime)
    , m_menu(std::make_unique<QMenu>())
{
    const QString app = runtime.manifest().app.name;
    m_statusLine = m_menu->addAction(QString());
    m_statusLine->setEnabled(false);
    m_menu->addSeparator();
    m_openApp = m_menu->addAction(tr("&Open %1").arg(app), this, &TrayIcon::openAppRequested);
    m_openApp->setVisible(runtime.manifest().appUi() != nullptr);
    m_menu->addAction(tr("&Settings..."), this, &TrayIcon::settingsRequested);
    m_menu->addAction(tr("Open &logs folder"), this, &TrayIcon::openLogsRequested);
    m_menu->addAction(tr("&Restart services"), this, &TrayIcon::restartRequested);
    m_menu->addSeparator();
    m_menu->addAction(tr("&Quit %1").arg(app), this, &TrayIcon::quitRequested);

    m_tray = new QSystemTrayIcon(this);
    m_tray->setContextMenu(m_menu.get());
    connect(m_tray, &QSystemTrayIcon::activated, this,
            [this](QSystemTrayIcon::ActivationReason reason) {
                if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                    Q_EMIT settingsRequested();
            });
    if (Supervisor *supervisor = runtime.supervisor()) {
        connect(supervisor, &Supervisor::statusChanged, this, &TrayIcon::update);
        connect(supervisor, &Supervisor::serviceStateChanged, this, &TrayIcon::update);
    }
    update();
}

TrayIcon::~TrayIcon() = default;

bool TrayIcon::show()
{
    if (!QSystemTrayIcon::isSystemTrayAvailable())
        return false;
    m_tray->show();
    return true;
}

QString TrayIcon::iconName() const
{
    switch (m_status) {
    case Supervisor::AppStatus::Ready:
        return QStringLiteral(":/icons/status/ready.svg");
    case Supervisor::AppStatus::Degraded:
        return QStringLiteral(":/icons/status/degraded.svg");
    case Supervisor::AppStatus::WaitingForSecrets:
        return QStringLiteral(":/icons/status/waiting.svg");
    case Supervisor::AppStatus::Failed:
        return QStringLiteral(":/icons/status/failed.svg");
    case Supervisor::AppStatus::Stopping:
    case Supervisor::AppStatus::Stopped:
        return QStringLiteral(":/icons/status/stopped.svg");
    case Supervisor::AppStatus::Starting:
        break;
    }
    return QStringLiteral(":/icons/status/starting.svg");
}

QString TrayIcon::toolTip() const
{
    const Supervisor *supervisor = m_runtime.supervisor();
    QString text
        = tr("%1: %2").arg(m_runtime.manifest().app.name, DisplayText::appStatus(m_status));
    if (m_status == Supervisor::AppStatus::WaitingForSecrets && m_runtime.keeper()) {
        QStringList labels;
        for (const QString &id : m_runtime.keeper()->missingRequired())
            labels << m_runtime.manifest().secret(id)->label();
        text += QStringLiteral(" (") + labels.join(QStringLiteral(", ")) + QLatin1Char(')');
    } else if (supervisor && !supervisor->statusReason().isEmpty()
               && m_status != Supervisor::AppStatus::Ready) {
        text += QStringLiteral(" - ") + supervisor->statusReason();
    }
    return text;
}

void TrayIcon::update()
{
    if (const Supervisor *supervisor = m_runtime.supervisor())
        m_status = supervisor->status();
    m_tray->setIcon(QIcon(iconName()));
    m_tray->setToolTip(toolTip());
    m_statusLine->setText(toolTip());
    const Supervisor *supervisor = m_runtime.supervisor();
    const ServiceSpec *uiSpec = m_runtime.manifest().appUi();
    const ManagedService *ui = supervisor && uiSpec ? supervisor->service(uiSpec->id) : nullptr;
    m_openApp->setEnabled(ui && ui->state() == ManagedService::State::Ready);
}

} // namespace steward
