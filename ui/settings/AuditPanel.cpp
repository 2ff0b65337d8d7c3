#include "AuditPanel.h"

#include "DisplayText.h"
#include "StatusTable.h"
#include "runtime/StewardRuntime.h"
#include "secrets/AuditTrail.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace steward {

AuditPanel::AuditPanel(StewardRuntime &runtime, QWidget *parent)
    : QWidget(parent)
    , m_runtime(runtime)
{
    auto *layout = new QVBoxLayout(this);
    m_table = new StatusTable(
        QStringLiteral("auditTable"), tr("Recent activity"),
        {tr("When"), tr("What"), tr("Secret"), tr("Service"), tr("By"), tr("Result")},
        StatusTable::Rows::Selectable, this);
    layout->addWidget(m_table);
    auto *row = new QHBoxLayout;
    m_verify = new QPushButton(tr("Check the &trail"), this);
    m_verify->setObjectName(QStringLiteral("verifyAudit"));
    m_verify->setToolTip(tr("Check that no entry was edited, removed or reordered"));
    row->addWidget(m_verify);
    m_verdict = new QLabel(this);
    m_verdict->setObjectName(QStringLiteral("auditVerdict"));
    m_verdict->setWordWrap(true);
    row->addWidget(m_verdict, 1);
    layout->addLayout(row);
    connect(m_verify, &QPushButton::clicked, this, &AuditPanel::verify);
    // The files are read once; each entry written later comes with its signal.
    if (AuditTrail *audit = runtime.audit())
        connect(audit, &AuditTrail::recorded, this, &AuditPanel::prepend);
    refresh();
}

QStringList AuditPanel::row(const AuditTrail::Entry &e) const
{
    const SecretSpec *spec = m_runtime.manifest().secret(e.event.secret);
    return {QLocale().toString(e.at.toLocalTime(), QLocale::ShortFormat),
            DisplayText::auditAction(e.event.action),
            spec ? spec->label() : e.event.secret,
            e.event.service,
            DisplayText::actor(e.event.actor),
            DisplayText::auditOutcome(e.event.outcome)};
}

void AuditPanel::prepend(const AuditTrail::Entry &entry)
{
    m_verify->setEnabled(true); // an entry was written, so the trail is open
    m_table->insertRow(0);
    m_table->setRow(0, row(entry));
    if (m_table->rowCount() > Shown)
        m_table->setRowCount(Shown);
}

void AuditPanel::refresh()
{
    m_table->setRowCount(0);
    const AuditTrail *audit = m_runtime.audit();
    m_verify->setEnabled(audit && audit->isOpen());
    if (!audit) {
        m_verdict->setText(tr("No audit trail is kept in this run."));
        return;
    }
    const QList<AuditTrail::Entry> entries = audit->entries({});
    for (qsizetype i = entries.size() - 1; i >= 0 && m_table->rowCount() < Shown; --i)
        m_table->setRow(m_table->rowCount(), row(entries.at(i)));
    m_table->resizeColumnsToContents();
}

void AuditPanel::verify()
{
    const AuditTrail *audit = m_runtime.audit();
    if (!audit)
        return;
    const AuditTrail::Verdict v = audit->check();
    if (v.ok)
        m_verdict->setText(tr("The trail is intact: %n entries, none edited, removed or reordered.",
                              nullptr, int(v.entries)));
    else if (v.line > 0)
        m_verdict->setText(tr("The trail was changed outside Steward: line %1 of %2: %3")
                               .arg(v.line)
                               .arg(QDir::toNativeSeparators(v.file), v.problem));
    else
        m_verdict->setText(tr("The trail cannot be trusted: %1").arg(v.problem));
}

} // namespace steward
