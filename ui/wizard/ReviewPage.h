#pragma once

#include <QWizardPage>

class QLabel;

namespace steward {

class PromptedSecretsPage;
class StewardRuntime;

// What will be stored where, before anything is: the commit point of the wizard.
class ReviewPage : public QWizardPage
{
    Q_OBJECT
public:
    ReviewPage(StewardRuntime &runtime, const PromptedSecretsPage &prompted,
               QWidget *parent = nullptr);
    void initializePage() override;

private:
    StewardRuntime &m_runtime;
    const PromptedSecretsPage &m_prompted;
    QLabel *m_summary = nullptr;
};

} // namespace steward
