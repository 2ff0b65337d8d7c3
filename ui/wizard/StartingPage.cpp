#include "StartingPage.h"

#include "DisplayText.h"
#include "StatusTable.h"
#include "process/Supervisor.h"
#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"
#include "secrets/SecretStore.h"

#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace steward {

StartingPage::StartingPage(StewardRuntime &runtime, QWidget *parent)
    : QWizardPage(parent)
    , m_runtime(runtime)
{
    setTitle(tr("Starting %1").arg(runtime.manifest().app.name));
    setFinalPage(true);
    auto *layout = new QVBoxLayout(this);
    m_secrets = new QLabel(this);
    m_secrets->setObjectName(QStringLiteral("secretsOutcome"));
    m_secrets->setWordWrap(true);
    layout->addWidget(m_secrets);
    m_retry = new QPushButton(tr("Try again"), this);
    m_retry->setObjectName(QStringLiteral("retrySave"));
    m_retry->hide();
    connect(m_retry, &QPushButton::clicked, this, &StartingPage::retryRequested);
    layout->addWidget(m_retry, 0, Qt::AlignLeft);

    m_table = new StatusTable(QStringLiteral("serviceProgress"), tr("Service progress"),
                              {tr("Service"), tr("State"), tr("Details")}, StatusTable::Rows::Fixed,
                              this);
    layout->addWidget(m_table);

    m_progress = new QProgressBar(this);
    m_progress->setAccessibleName(tr("Overall progress"));
    layout->addWidget(m_progress);
    m_overall = new QLabel(this);
    m_overall->setObjectName(QStringLiteral("overallStatus"));
    m_overall->setWordWrap(true);
    layout->addWidget(m_overall);

    m_openApp = new QPushButton(tr("Open %1").arg(runtime.manifest().app.name), this);
    m_openApp->setObjectName(QStringLiteral("openApp"));
    m_openApp->setVisible(runtime.manifest().appUi() != nullptr);
    m_openApp->setEnabled(false);
    connect(m_openApp, &QPushButton::clicked, this, &StartingPage::openAppRequested);
    layout->addWidget(m_openApp, 0, Qt::AlignLeft);
}

void StartingPage::initializePage()
{
    Supervisor *supervisor = m_runtime.supervisor();
    connect(supervisor, &Supervisor::serviceStateChanged, this, &StartingPage::refresh,
            Qt::UniqueConnection);
    connect(supervisor, &Supervisor::statusChanged, this, &StartingPage::refresh,
            Qt::UniqueConnection);
    refresh();
}

bool StartingPage::isComplete() const
{
    const Supervisor *supervisor = m_runtime.supervisor();
    if (!m_saved || !supervisor)
        return false;
    const Supervisor::AppStatus st = supervisor->status();
    return st == Supervisor::AppStatus::Ready || st == Supervisor::AppStatus::Degraded
        || st == Supervisor::AppStatus::Failed;
}

void StartingPage::savingSecrets()
{
    m_retry->hide();
    m_secrets->setText(tr("Saving your secrets in %1...").arg(m_runtime.store()->backendName()));
}

void StartingPage::secretsSaved(const QStringList &problems)
{
    m_saved = problems.isEmpty();
    m_retry->setVisible(!m_saved);
    if (m_saved)
        m_secrets->setText(
            tr("Your secrets are saved in %1.").arg(m_runtime.store()->backendName()));
    else
        m_secrets->setText(tr("Nothing was saved: %1").arg(problems.join(QStringLiteral("; "))));
    refresh();
}

void StartingPage::refresh()
{
    const Supervisor *supervisor = m_runtime.supervisor();
    if (!supervisor)
        return;
    const QList<ManagedService *> services = supervisor->services();
    m_table->setRowCount(int(services.size()));
    int ready = 0;
    for (int row = 0; row < services.size(); ++row) {
        const ManagedService *svc = services.at(row);
        ready += svc->state() == ManagedService::State::Ready ? 1 : 0;
        m_table->setRow(row, {svc->id(), DisplayText::serviceState(svc->state()), svc->message()});
    }
    m_table->resizeColumnsToContents();
    m_progress->setRange(0, int(services.size()));
    m_progress->setValue(ready);
    const Supervisor::AppStatus st = supervisor->status();
    QString overall = DisplayText::appStatus(st);
    if (st == Supervisor::AppStatus::WaitingForSecrets && m_runtime.keeper()) {
        // The supervisor's reason says "waiting for secrets" too: name the secrets by label
        // once, as the tray does.
        QStringList labels;
        for (const QString &id : m_runtime.keeper()->missingRequired())
            labels << m_runtime.manifest().secret(id)->label();
        overall = tr("Waiting for secrets: %1").arg(labels.join(QStringLiteral(", ")));
    } else if (!supervisor->statusReason().isEmpty()) {
        overall += QStringLiteral(": ") + supervisor->statusReason();
    }
    if (st == Supervisor::AppStatus::Ready)
        overall = tr("%1 is ready. Click Finish; it keeps running in the background.")
                      .arg(m_runtime.manifest().app.name);
    m_overall->setText(overall);
    if (const ServiceSpec *ui = m_runtime.manifest().appUi())
        m_openApp->setEnabled(supervisor->service(ui->id)->state() == ManagedService::State::Ready);
    Q_EMIT completeChanged();
}

} // namespace steward
