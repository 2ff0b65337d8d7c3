#pragma once

#include <QWizardPage>

class QLabel;
class QVBoxLayout;

namespace steward {

class StewardRuntime;

// Lists the per-install secrets, generated (or imported from an earlier install) before this
// page shows, with their length.
class GeneratedSecretsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit GeneratedSecretsPage(StewardRuntime &runtime, QWidget *parent = nullptr);
    void initializePage() override;

private:
    StewardRuntime &m_runtime;
    QLabel *m_imported = nullptr;
    QVBoxLayout *m_list = nullptr;
};

} // namespace steward
