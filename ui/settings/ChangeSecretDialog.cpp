#include "ChangeSecretDialog.h"

#include "SecretField.h"

#include <QDialogButtonBox>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace steward {

ChangeSecretDialog::ChangeSecretDialog(const SecretSpec &spec, const QString &appName,
                                       QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("%1: change %2").arg(appName, spec.label()));
    auto *layout = new QVBoxLayout(this);
    SecretSpec required = spec;
    required.required = true; // an empty value here means nothing; Clear removes a value
    m_field = new SecretField(required, this);
    layout->addWidget(m_field);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    m_save = buttons->button(QDialogButtonBox::Save);
    m_save->setEnabled(false);
    connect(m_field, &SecretField::acceptableChanged, m_save, &QPushButton::setEnabled);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    m_field->lineEdit()->setFocus();
    setMinimumWidth(460);
}

ChangeSecretDialog::~ChangeSecretDialog() = default;

QString ChangeSecretDialog::value() const
{
    return m_field->value();
}

void ChangeSecretDialog::done(int result)
{
    QDialog::done(result);
    // The finished() handlers have read value(); nothing stays in the widget.
    m_field->wipe();
}

} // namespace steward
