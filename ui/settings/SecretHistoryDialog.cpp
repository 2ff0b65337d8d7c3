#include "SecretHistoryDialog.h"

#include "DisplayText.h"
#include "MessageBox.h"
#include "SettingsOrigin.h"
#include "StatusTable.h"
#include "runtime/StewardRuntime.h"
#include "secrets/RemoteSecretProvider.h"
#include "secrets/SecretKeeper.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace steward {

SecretHistoryDialog::SecretHistoryDialog(StewardRuntime &runtime, const QString &secretId,
                                         QWidget *parent)
    : QDialog(parent)
    , m_runtime(runtime)
    , m_id(secretId)
{
    const SecretSpec *spec = runtime.manifest().secret(secretId);
    m_remote = spec->secretClass == SecretClass::RemoteFetch;
    setWindowTitle(tr("%1: history of %2").arg(runtime.manifest().app.name, spec->label()));
    setObjectName(QStringLiteral("secretHistory"));
    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        m_remote ? tr("The versions of %1 that the remote secret store keeps. Values are never "
                      "shown; rolling back asks the store to make an earlier version current "
                      "again, as a new version.")
                       .arg(spec->label())
                 : tr("The last versions of %1 kept in the keychain. Values are never shown; "
                      "rolling back makes an earlier value current again.")
                       .arg(spec->label()),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    m_table = new StatusTable(
        QStringLiteral("historyTable"), tr("Versions"),
        m_remote ? QStringList {tr("Version"), tr("Saved"), tr("State")}
                 : QStringList {tr("Version"), tr("Saved"), tr("From"), tr("By"), tr("In use")},
        StatusTable::Rows::Selectable, this);
    layout->addWidget(m_table);
    m_outcome = new QLabel(this);
    m_outcome->setObjectName(QStringLiteral("historyOutcome"));
    m_outcome->setWordWrap(true);
    layout->addWidget(m_outcome);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    m_rollback
        = buttons->addButton(tr("&Roll back to this version..."), QDialogButtonBox::ActionRole);
    m_rollback->setObjectName(QStringLiteral("rollbackSecret"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_rollback, &QPushButton::clicked, this, &SecretHistoryDialog::rollback);
    connect(m_table, &QTableWidget::itemSelectionChanged, this,
            &SecretHistoryDialog::updateButtons);
    layout->addWidget(buttons);
    if (SecretKeeper *keeper = runtime.keeper())
        connect(keeper, &SecretKeeper::recordsChanged, this, &SecretHistoryDialog::refresh);
    resize(620, 360);
    refresh();
}

void SecretHistoryDialog::refresh()
{
    const int selected = selectedVersion();
    const SecretKeeper *keeper = m_runtime.keeper();
    if (m_remote)
        return refreshFromSource(selected);
    m_versions.clear();
    m_current = 0;
    m_table->setRowCount(0);
    if (!keeper)
        return updateButtons();
    m_current = keeper->currentVersion(m_id);
    const QList<InstallState::SecretVersion> versions = keeper->history(m_id);
    for (auto v = versions.crbegin(); v != versions.crend(); ++v) {
        const int row = m_table->rowCount();
        m_versions << v->number;
        m_table->setRow(row,
                        {tr("Version %1").arg(v->number),
                         QLocale().toString(v->createdAt.toLocalTime(), QLocale::ShortFormat),
                         DisplayText::versionSource(v->source), DisplayText::actor(v->actor),
                         v->number == m_current ? tr("Current") : QString()});
    }
    m_table->resizeColumnsToContents();
    if (m_versions.isEmpty())
        m_outcome->setText(tr("No versions are kept yet."));
    select(selected);
    updateButtons();
}

void SecretHistoryDialog::refreshFromSource(int selected)
{
    const SecretKeeper *keeper = m_runtime.keeper();
    const SecretSpec *spec = m_runtime.manifest().secret(m_id);
    RemoteSecretProvider *provider = keeper ? keeper->providerFor(*spec) : nullptr;
    if (!provider) {
        m_outcome->setText(tr("No remote secret store is configured for %1.").arg(spec->label()));
        return updateButtons();
    }
    provider->versions(
        *spec, this,
        [this, selected](const SecretStore::Error &e,
                         const QList<RemoteSecretProvider::SourceVersion> &kept, int current) {
            m_versions.clear();
            m_gone.clear();
            m_table->setRowCount(0);
            m_current = current;
            if (!e.ok()) {
                m_outcome->setText(
                    tr("The versions in the remote store could not be read: %1").arg(e.message));
                return updateButtons();
            }
            for (auto v = kept.crbegin(); v != kept.crend(); ++v) {
                m_versions << v->version;
                if (v->deleted || v->destroyed)
                    m_gone << v->version;
                m_table->setRow(
                    int(m_table->rowCount()),
                    {tr("Version %1").arg(v->version),
                     QLocale().toString(v->createdAt.toLocalTime(), QLocale::ShortFormat),
                     v->destroyed                ? tr("Destroyed")
                         : v->deleted            ? tr("Deleted")
                         : v->version == current ? tr("Current")
                                                 : QString()});
            }
            m_table->resizeColumnsToContents();
            select(selected);
            updateButtons();
        });
}

void SecretHistoryDialog::select(int version)
{
    const int row = int(m_versions.indexOf(version));
    if (row >= 0)
        m_table->selectRow(row);
}

QString SecretHistoryDialog::outcome() const
{
    return m_outcome->text();
}

int SecretHistoryDialog::selectedVersion() const
{
    const QList<QTableWidgetItem *> items = m_table->selectedItems();
    return items.isEmpty() ? 0 : m_versions.value(items.first()->row());
}

void SecretHistoryDialog::updateButtons()
{
    const int version = selectedVersion();
    m_rollback->setEnabled(m_runtime.keeper() && version > 0 && version != m_current
                           && !m_gone.contains(version));
}

void SecretHistoryDialog::rollback()
{
    const int version = selectedVersion();
    SecretKeeper *keeper = m_runtime.keeper();
    if (!keeper || version <= 0)
        return;
    const QString label = m_runtime.manifest().secret(m_id)->label();
    keeper->rollback(
        m_id, version, this,
        [this, version, label](const SecretKeeper::ChangeResult &preview) {
            if (!preview.ok)
                return m_outcome->setText(
                    tr("%1 was not rolled back: %2")
                        .arg(label, preview.allProblems().join(QStringLiteral("; "))));
            if (preview.changed.isEmpty())
                return m_outcome->setText(tr("%1 already has the value of version %2; nothing "
                                             "was changed.")
                                              .arg(label)
                                              .arg(version));
            // A remote rollback changes every secret kept in the same place at the source.
            const QStringList consumers = m_runtime.manifest().consumersOf(preview.changed);
            MessageBox::confirm(
                this, tr("%1: roll back %2").arg(m_runtime.manifest().app.name, label),
                tr("Make version %1 of %2 current again? These services restart to use it: %3.")
                    .arg(version)
                    .arg(label, DisplayText::serviceList(consumers)),
                tr("Roll back and restart"), this, [this, version, label](bool accepted) {
                    if (!accepted)
                        return m_outcome->setText(tr("Nothing was changed."));
                    m_runtime.keeper()->rollback(
                        m_id, version, this,
                        [this, version, label](const SecretKeeper::ChangeResult &r) {
                            QString text = r.ok
                                ? tr("%1 is back to the value of version %2.")
                                      .arg(label)
                                      .arg(version)
                                : tr("%1 was not rolled back: %2")
                                      .arg(label, r.allProblems().join(QStringLiteral("; ")));
                            if (!r.warning.isEmpty())
                                text += u' ' + tr("Note: %1").arg(r.warning);
                            m_outcome->setText(text);
                            if (m_remote)
                                refresh(); // the source has a new version now
                        },
                        settingsOrigin());
                });
        },
        settingsOrigin(true));
}

} // namespace steward
