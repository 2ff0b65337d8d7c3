#pragma once

#include <QWizardPage>

namespace steward {

class StatusTable;
class StewardRuntime;

// The remote_fetch secrets: where each comes from and how its fetch went, with a retry.
class RemoteSecretsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit RemoteSecretsPage(StewardRuntime &runtime, QWidget *parent = nullptr);
    void initializePage() override;

private:
    void refresh();

    StewardRuntime &m_runtime;
    StatusTable *m_table = nullptr;
};

} // namespace steward
