#include "SettingsDialog.h"

#include "AuditPanel.h"
#include "SecretsPanel.h"
#include "ServicesPanel.h"
#include "runtime/StewardRuntime.h"

#include <QDialogButtonBox>
#include <QIcon>
#include <QPushButton>
#include <QTabWidget>
#include <QVBoxLayout>

namespace steward {

SettingsDialog::SettingsDialog(StewardRuntime &runtime, QWidget *parent)
    : QDialog(parent)
{
    const QString app = runtime.manifest().app.name;
    setWindowTitle(tr("%1 Settings").arg(app));
    setWindowIcon(QIcon(QStringLiteral(":/icons/steward.svg")));
    auto *layout = new QVBoxLayout(this);
    m_tabs = new QTabWidget(this);
    m_secrets = new SecretsPanel(runtime, m_tabs);
    m_services = new ServicesPanel(runtime, m_tabs);
    m_tabs->addTab(m_secrets, tr("&Secrets"));
    m_tabs->addTab(m_services, tr("Se&rvices"));
    m_audit = new AuditPanel(runtime, m_tabs);
    m_tabs->addTab(m_audit, tr("&Activity"));
    layout->addWidget(m_tabs);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    QPushButton *quit = buttons->addButton(tr("&Quit %1").arg(app), QDialogButtonBox::ResetRole);
    quit->setObjectName(QStringLiteral("quitApp"));
    quit->setToolTip(tr("Stop every service of %1 and exit").arg(app));
    connect(quit, &QPushButton::clicked, this, &SettingsDialog::quitRequested);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(760, 520);
}

void SettingsDialog::showServices()
{
    m_tabs->setCurrentWidget(m_services);
}

} // namespace steward
