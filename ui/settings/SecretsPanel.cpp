#include "SecretsPanel.h"

#include "ChangeSecretDialog.h"
#include "DisplayText.h"
#include "MessageBox.h"
#include "SecretHistoryDialog.h"
#include "SettingsOrigin.h"
#include "StatusTable.h"
#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace steward {

SecretsPanel::SecretsPanel(StewardRuntime &runtime, QWidget *parent)
    : QWidget(parent)
    , m_runtime(runtime)
{
    auto *layout = new QVBoxLayout(this);
    m_table = new StatusTable(
        QStringLiteral("secretsTable"), tr("Secrets"),
        {tr("Secret"), tr("Kind"), tr("Status"), tr("Source"), tr("Last updated")},
        StatusTable::Rows::Selectable, this);
    layout->addWidget(m_table);

    auto *buttons = new QHBoxLayout;
    auto button = [this, buttons](const QString &text, const char *name) {
        auto *b = new QPushButton(text, this);
        b->setObjectName(QString::fromLatin1(name));
        buttons->addWidget(b);
        return b;
    };
    m_change = button(tr("Change..."), "changeSecret");
    m_regenerate = button(tr("Regenerate..."), "regenerateSecret");
    m_clear = button(tr("Clear..."), "clearSecret");
    m_refresh = button(tr("Refresh now"), "refreshSecret");
    m_history = button(tr("&History..."), "secretHistory");
    buttons->addStretch();
    layout->addLayout(buttons);
    m_outcome = new QLabel(this);
    m_outcome->setObjectName(QStringLiteral("secretOutcome"));
    m_outcome->setWordWrap(true);
    layout->addWidget(m_outcome);

    connect(m_table, &QTableWidget::itemSelectionChanged, this, &SecretsPanel::updateButtons);
    connect(m_change, &QPushButton::clicked, this, &SecretsPanel::change);
    connect(m_regenerate, &QPushButton::clicked, this, &SecretsPanel::regenerate);
    connect(m_clear, &QPushButton::clicked, this, &SecretsPanel::clear);
    connect(m_history, &QPushButton::clicked, this, &SecretsPanel::showHistory);
    connect(m_refresh, &QPushButton::clicked, this, [this] {
        m_runtime.keeper()->refreshRemote();
        m_outcome->setText(tr("Fetching the remote secrets again..."));
    });
    if (SecretKeeper *keeper = runtime.keeper())
        connect(keeper, &SecretKeeper::recordsChanged, this, &SecretsPanel::refresh);
    refresh();
}

void SecretsPanel::refresh()
{
    const QString selected = selectedId();
    const SecretKeeper *keeper = m_runtime.keeper();
    m_ids.clear();
    m_table->setRowCount(0);
    for (const SecretSpec &spec : m_runtime.manifest().secrets) {
        if (spec.secretClass == SecretClass::Infrastructure)
            continue;
        const int row = m_table->rowCount();
        m_ids << spec.id;
        const InstallState::SecretRecord *rec = keeper ? keeper->record(spec.id) : nullptr;
        QString status = DisplayText::secretState(keeper, spec, tr("Unknown"));
        if (!spec.required && rec && rec->status == InstallState::SecretStatus::Missing)
            status = tr("Not set (optional)");
        m_table->setRow(row,
                        {spec.label(), DisplayText::secretClass(spec.secretClass), status,
                         rec ? DisplayText::secretSource(rec->source) : QString(),
                         rec && rec->updatedAt.isValid() ? QLocale().toString(
                             rec->updatedAt.toLocalTime(), QLocale::ShortFormat)
                                                         : tr("Never")});
        m_table->item(row, 0)->setToolTip(spec.description);
    }
    m_table->resizeColumnsToContents();
    select(selected.isEmpty() ? m_ids.value(0) : selected);
    updateButtons();
}

ChangeSecretDialog *SecretsPanel::changeDialog() const
{
    return m_changeDialog;
}

void SecretsPanel::select(const QString &secretId)
{
    const int row = int(m_ids.indexOf(secretId));
    if (row >= 0)
        m_table->selectRow(row);
}

QString SecretsPanel::selectedId() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    return items.isEmpty() ? QString() : m_ids.value(items.first()->row());
}

void SecretsPanel::updateButtons()
{
    const SecretSpec *spec = m_runtime.manifest().secret(selectedId());
    const bool ready = m_runtime.keeper() != nullptr;
    const bool has = ready && spec && m_runtime.keeper()->value(spec->id).has_value();
    m_change->setEnabled(ready && spec && spec->secretClass == SecretClass::UserPrompt);
    m_regenerate->setEnabled(ready && spec
                             && spec->secretClass == SecretClass::PerInstallGenerated);
    m_clear->setEnabled(has && spec->secretClass == SecretClass::UserPrompt && !spec->required);
    m_refresh->setEnabled(ready && spec && spec->secretClass == SecretClass::RemoteFetch);
    m_history->setEnabled(ready && spec);
}

SecretHistoryDialog *SecretsPanel::historyDialog() const
{
    return m_historyDialog;
}

void SecretsPanel::showHistory()
{
    const SecretSpec *spec = m_runtime.manifest().secret(selectedId());
    if (!spec)
        return;
    if (m_historyDialog)
        m_historyDialog->close();
    m_historyDialog = new SecretHistoryDialog(m_runtime, spec->id, this);
    m_historyDialog->setAttribute(Qt::WA_DeleteOnClose);
    m_historyDialog->open();
}

void SecretsPanel::report(const QString &secretId, const QString &done, const QStringList &problems)
{
    const SecretSpec *spec = m_runtime.manifest().secret(secretId);
    m_outcome->setText(
        problems.isEmpty()
            ? done
            : tr("%1 was not changed: %2").arg(spec->label(), problems.join(QStringLiteral("; "))));
}

void SecretsPanel::change()
{
    const SecretSpec *spec = m_runtime.manifest().secret(selectedId());
    if (!spec || m_changeDialog)
        return;
    const QString id = spec->id;
    m_changeDialog = new ChangeSecretDialog(*spec, m_runtime.manifest().app.name, this);
    m_changeDialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_changeDialog, &QDialog::finished, this, [this, id](int result) {
        if (result != QDialog::Accepted)
            return;
        // Held only until the keeper has it; the dialog wipes its field when this returns.
        const QString value = m_changeDialog->value();
        // A dry run first: a value the keeper would refuse, or the one already stored, is said
        // so at once instead of after a confirmation.
        m_runtime.keeper()->provide(
            {{id, value}}, this,
            [this, id, value](const SecretKeeper::ChangeResult &preview) {
                const SecretSpec *spec = m_runtime.manifest().secret(id);
                if (!preview.ok)
                    return report(id, QString(), preview.allProblems());
                if (preview.changed.isEmpty())
                    return m_outcome->setText(
                        tr("%1 already had this value; nothing restarted.").arg(spec->label()));
                const QString question
                    = tr("Save the new %1? These services restart to use it: %2.")
                          .arg(spec->label(),
                               DisplayText::serviceList(m_runtime.manifest().consumersOf(id)));
                MessageBox::confirm(
                    this, tr("%1: change %2").arg(m_runtime.manifest().app.name, spec->label()),
                    question, tr("Save and restart"), this, [this, id, value](bool accepted) {
                        if (!accepted)
                            return m_outcome->setText(tr("Nothing was changed."));
                        m_runtime.keeper()->provide(
                            {{id, value}}, this,
                            [this, id](const SecretKeeper::ChangeResult &r) {
                                report(id,
                                       r.unchanged.contains(id)
                                           ? tr("%1 already had this value; nothing restarted.")
                                                 .arg(m_runtime.manifest().secret(id)->label())
                                           : tr("%1 was changed.")
                                                 .arg(m_runtime.manifest().secret(id)->label()),
                                       r.allProblems());
                            },
                            settingsOrigin());
                    });
            },
            settingsOrigin(true));
    });
    m_changeDialog->open();
}

void SecretsPanel::regenerate()
{
    const SecretSpec *spec = m_runtime.manifest().secret(selectedId());
    if (!spec)
        return;
    const QString id = spec->id;
    MessageBox::confirm(
        this, tr("%1: regenerate %2").arg(m_runtime.manifest().app.name, id),
        tr("Draw a new value for %1? The old one stops working. These services restart: %2.")
            .arg(id, DisplayText::serviceList(m_runtime.manifest().consumersOf(id))),
        tr("Regenerate and restart"), this, [this, id](bool accepted) {
            if (!accepted)
                return m_outcome->setText(tr("Nothing was changed."));
            m_runtime.keeper()->regenerate(
                id, this,
                [this, id](const SecretKeeper::ChangeResult &r) {
                    report(id, tr("%1 was regenerated.").arg(id), r.allProblems());
                },
                settingsOrigin());
        });
}

void SecretsPanel::clear()
{
    const SecretSpec *spec = m_runtime.manifest().secret(selectedId());
    if (!spec)
        return;
    const QString id = spec->id;
    MessageBox::confirm(
        this, tr("%1: clear %2").arg(m_runtime.manifest().app.name, spec->label()),
        tr("Remove the value of %1? These services restart without it: %2.")
            .arg(spec->label(), DisplayText::serviceList(m_runtime.manifest().consumersOf(id))),
        tr("Clear and restart"), this, [this, id](bool accepted) {
            if (!accepted)
                return m_outcome->setText(tr("Nothing was changed."));
            m_runtime.keeper()->clear(
                id, this,
                [this, id](const SecretKeeper::ChangeResult &r) {
                    report(id, tr("%1 was cleared.").arg(m_runtime.manifest().secret(id)->label()),
                           r.allProblems());
                },
                settingsOrigin());
        });
}

} // namespace steward
