#pragma once

#include <QMap>
#include <QWizardPage>

class QVBoxLayout;

namespace steward {

class SecretField;
class StewardRuntime;

// One validated, masked field per user_prompt secret that has no value yet; Next stays
// disabled until every required field is acceptable.
class PromptedSecretsPage : public QWizardPage
{
    Q_OBJECT
public:
    explicit PromptedSecretsPage(StewardRuntime &runtime, QWidget *parent = nullptr);

    void initializePage() override;
    bool isComplete() const override;
    // Entered values by secret id; skipped and empty optional fields are left out.
    QMap<QString, QString> values() const;
    SecretField *field(const QString &secretId) const { return m_fields.value(secretId); }
    void wipe();

private:
    StewardRuntime &m_runtime;
    QVBoxLayout *m_layout = nullptr;
    QMap<QString, SecretField *> m_fields;
    bool m_built = false;
};

} // namespace steward
