#include "ServicesPanel.h"

#include "DisplayText.h"
#include "StatusTable.h"
#include "process/ServiceLog.h"
#include "process/ServiceSandbox.h"
#include "process/Supervisor.h"
#include "runtime/StewardRuntime.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace steward {

namespace {
constexpr int LogLines = 200;
}

ServicesPanel::ServicesPanel(StewardRuntime &runtime, QWidget *parent)
    : QWidget(parent)
    , m_runtime(runtime)
{
    auto *layout = new QVBoxLayout(this);
    // Whether a compromised service could read its siblings' secrets, said plainly
    // (docs/security.md).
    const ServiceSandbox::Report isolation = ServiceSandbox::report(runtime.manifest());
    QString note = isolation.message;
    if (!note.isEmpty())
        note[0] = note[0].toUpper();
    auto *isolationNote = new QLabel(note, this);
    isolationNote->setObjectName(QStringLiteral("isolationNote"));
    isolationNote->setWordWrap(true);
    if (!isolation.isolated)
        isolationNote->setStyleSheet(QStringLiteral("font-weight: bold"));
    layout->addWidget(isolationNote);
    QStringList columns {tr("Service"), tr("State"), tr("Restarts"), tr("Ports")};
    // The limits column only for a bundle that sets any (the "limits" extension).
    for (const ServiceSpec &svc : runtime.manifest().services)
        m_showLimits = m_showLimits || !svc.limits.isEmpty();
    if (m_showLimits)
        columns << tr("Limits");
    columns << tr("Details");
    m_table = new StatusTable(QStringLiteral("servicesTable"), tr("Services"), columns,
                              StatusTable::Rows::Selectable, this);
    layout->addWidget(m_table, 2);
    if (m_showLimits && !runtime.limitsUnavailable().isEmpty()) {
        auto *limitsNote = new QLabel(
            tr("The limits are not applied: %1.").arg(runtime.limitsUnavailable()), this);
        limitsNote->setObjectName(QStringLiteral("limitsNote"));
        limitsNote->setWordWrap(true);
        layout->addWidget(limitsNote);
    }

    auto *row = new QHBoxLayout;
    m_restart = new QPushButton(tr("Restart"), this);
    m_restart->setObjectName(QStringLiteral("restartService"));
    row->addWidget(m_restart);
    row->addStretch();
    layout->addLayout(row);

    auto *logLabel = new QLabel(tr("Recent log lines:"), this);
    layout->addWidget(logLabel);
    m_log = new QPlainTextEdit(this);
    m_log->setObjectName(QStringLiteral("serviceLog"));
    m_log->setReadOnly(true);
    m_log->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_log->setAccessibleName(tr("Recent log lines of the selected service"));
    m_log->setFont(QFont(QStringLiteral("monospace")));
    logLabel->setBuddy(m_log);
    layout->addWidget(m_log, 3);

    // Logs have no change signal worth following line by line; a second is fresh enough
    // while the tab is visible, and nothing runs while it is not.
    m_logTimer = new QTimer(this);
    m_logTimer->setInterval(1000);
    connect(m_logTimer, &QTimer::timeout, this, &ServicesPanel::refreshLog);
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        m_restart->setEnabled(!selectedId().isEmpty());
        refreshLog();
    });
    connect(m_restart, &QPushButton::clicked, this, [this] {
        if (Supervisor *supervisor = m_runtime.supervisor(); supervisor && !selectedId().isEmpty())
            supervisor->restartService(selectedId());
    });
    connect(&runtime, &StewardRuntime::supervisorStarted, this, &ServicesPanel::attach);
    attach();
}

void ServicesPanel::attach()
{
    Supervisor *supervisor = m_runtime.supervisor();
    if (!supervisor || m_attached)
        return refresh();
    m_attached = true;
    connect(supervisor, &Supervisor::serviceStateChanged, this, &ServicesPanel::refresh);
    refresh();
}

void ServicesPanel::refresh()
{
    const QString selected = selectedId();
    const Supervisor *supervisor = m_runtime.supervisor();
    const QList<ManagedService *> services
        = supervisor ? supervisor->services() : QList<ManagedService *> {};
    m_ids.clear();
    m_table->setRowCount(int(services.size()));
    for (int row = 0; row < services.size(); ++row) {
        const ManagedService *svc = services.at(row);
        m_ids << svc->id();
        QStringList ports;
        const QMap<QString, int> named = supervisor->ports().value(svc->id());
        for (auto it = named.cbegin(); it != named.cend(); ++it)
            ports << QStringLiteral("%1 %2").arg(it.key()).arg(it.value());
        QStringList cells {svc->id(), DisplayText::serviceState(svc->state()),
                           QString::number(svc->restarts()), ports.join(QStringLiteral(", "))};
        if (m_showLimits)
            cells << limitsText(svc->spec().limits);
        cells << svc->message();
        m_table->setRow(row, cells);
    }
    m_table->resizeColumnsToContents();
    if (!selected.isEmpty())
        select(selected);
    else if (!m_ids.isEmpty())
        m_table->selectRow(0);
    m_restart->setEnabled(!selectedId().isEmpty());
    refreshLog();
}

QString ServicesPanel::limitsText(const ResourceLimits &limits) const
{
    QStringList parts;
    if (limits.memoryMb)
        parts << tr("%1 MB of memory").arg(*limits.memoryMb);
    if (limits.cpuPercent)
        parts << tr("%1% of a CPU core").arg(*limits.cpuPercent);
    if (limits.pids)
        parts << tr("%1 processes").arg(*limits.pids);
    if (parts.isEmpty())
        return tr("none");
    const QString text = parts.join(QStringLiteral(", "));
    return m_runtime.limitsUnavailable().isEmpty() ? text : tr("%1 (not applied)").arg(text);
}

void ServicesPanel::select(const QString &serviceId)
{
    const int row = int(m_ids.indexOf(serviceId));
    if (row >= 0)
        m_table->selectRow(row);
}

QString ServicesPanel::selectedId() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    return items.isEmpty() ? QString() : m_ids.value(items.first()->row());
}

void ServicesPanel::refreshLog()
{
    const Supervisor *supervisor = m_runtime.supervisor();
    const ManagedService *svc = supervisor ? supervisor->service(selectedId()) : nullptr;
    const QString text
        = svc && svc->log() ? svc->log()->tail(LogLines).join(QLatin1Char('\n')) : QString();
    if (text == m_log->toPlainText())
        return;
    QScrollBar *bar = m_log->verticalScrollBar();
    const bool atEnd = bar->value() == bar->maximum();
    m_log->setPlainText(text);
    if (atEnd)
        bar->setValue(bar->maximum());
}

void ServicesPanel::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
    m_logTimer->start();
}

void ServicesPanel::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_logTimer->stop();
}

} // namespace steward
