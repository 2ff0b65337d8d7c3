#include "RemoteSecretsPage.h"

#include "DisplayText.h"
#include "StatusTable.h"
#include "runtime/StewardRuntime.h"
#include "secrets/RemoteSecretProvider.h"
#include "secrets/SecretKeeper.h"

#include <QHeaderView>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace steward {

RemoteSecretsPage::RemoteSecretsPage(StewardRuntime &runtime, QWidget *parent)
    : QWizardPage(parent)
    , m_runtime(runtime)
{
    setTitle(tr("Remote secrets"));
    setSubTitle(tr("These secrets come from your organisation's secret store. Services that "
                   "need a missing one wait until it can be fetched."));
    auto *layout = new QVBoxLayout(this);
    m_table = new StatusTable(QStringLiteral("remoteTable"), tr("Remote secrets"),
                              {tr("Secret"), tr("Source"), tr("Status")}, StatusTable::Rows::Fixed,
                              this);
    layout->addWidget(m_table);
    auto *retry = new QPushButton(tr("Retry"), this);
    retry->setObjectName(QStringLiteral("retryRemote"));
    connect(retry, &QPushButton::clicked, this, [this] { m_runtime.keeper()->refreshRemote(); });
    layout->addWidget(retry, 0, Qt::AlignLeft);
}

void RemoteSecretsPage::initializePage()
{
    connect(m_runtime.keeper(), &SecretKeeper::recordsChanged, this, &RemoteSecretsPage::refresh,
            Qt::UniqueConnection);
    refresh();
}

void RemoteSecretsPage::refresh()
{
    const SecretKeeper *keeper = m_runtime.keeper();
    m_table->setRowCount(0);
    // Where each is fetched from, with the path's placeholders filled in.
    for (const SecretSpec *secret : m_runtime.manifest().secretsOf(SecretClass::RemoteFetch)) {
        const SecretSpec &spec = *secret;
        const int row = m_table->rowCount();
        const RemoteSecretProvider *remote = keeper->providerFor(spec);
        const QString source = remote ? remote->describe(spec) : tr("not configured");
        m_table->setRow(
            row,
            {spec.label(), source, DisplayText::secretState(keeper, spec, tr("Not fetched yet"))});
    }
    m_table->resizeColumnsToContents();
}

} // namespace steward
