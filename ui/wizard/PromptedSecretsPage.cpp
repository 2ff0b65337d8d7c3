#include "PromptedSecretsPage.h"

#include "SecretField.h"
#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"

#include <QLabel>
#include <QLineEdit>
#include <QScrollArea>
#include <QTimer>
#include <QVBoxLayout>

namespace steward {

PromptedSecretsPage::PromptedSecretsPage(StewardRuntime &runtime, QWidget *parent)
    : QWizardPage(parent)
    , m_runtime(runtime)
{
    setTitle(tr("Your secrets"));
    setSubTitle(tr("%1 needs these from you. Fields marked * are required.")
                    .arg(runtime.manifest().app.name));
    auto *outer = new QVBoxLayout(this);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // Tab goes from field to field, not to the frame

    auto *inner = new QWidget(scroll);
    m_layout = new QVBoxLayout(inner);
    scroll->setWidget(inner);
    outer->addWidget(scroll);
}

void PromptedSecretsPage::initializePage()
{
    // Built once: going back and forth keeps what was typed.
    if (m_built)
        return;
    m_built = true;
    const SecretKeeper *keeper = m_runtime.keeper();
    QWidget *previous = nullptr;
    for (const SecretSpec &spec : m_runtime.manifest().secrets) {
        if (spec.secretClass != SecretClass::UserPrompt)
            continue;
        if (keeper->value(spec.id)) {
            auto *stored = new QLabel(
                tr("%1: already stored; change it later in Settings.").arg(spec.label()), this);
            m_layout->addWidget(stored);
            continue;
        }
        auto *field = new SecretField(spec, this);
        field->setObjectName(QStringLiteral("field_") + spec.id);
        connect(field, &SecretField::acceptableChanged, this,
                &PromptedSecretsPage::completeChanged);
        m_layout->addWidget(field);
        m_fields.insert(spec.id, field);
        if (previous)
            setTabOrder(previous, field);
        previous = field;
    }
    m_layout->addStretch();
    if (!m_fields.isEmpty()) {
        // Focus the first field so typing can start at once.
        for (const SecretSpec &spec : m_runtime.manifest().secrets) {
            if (SecretField *f = m_fields.value(spec.id)) {
                // After QWizard has focused the page's first focusable widget (a link).
                QTimer::singleShot(0, f->lineEdit(), [f] { f->lineEdit()->setFocus(); });
                break;
            }
        }
    }
}

bool PromptedSecretsPage::isComplete() const
{
    return std::all_of(m_fields.cbegin(), m_fields.cend(),
                       [](const SecretField *f) { return f->isAcceptable(); });
}

QMap<QString, QString> PromptedSecretsPage::values() const
{
    QMap<QString, QString> values;
    for (auto it = m_fields.cbegin(); it != m_fields.cend(); ++it) {
        if (!it.value()->value().isEmpty())
            values.insert(it.key(), it.value()->value());
    }
    return values;
}

void PromptedSecretsPage::wipe()
{
    for (SecretField *f : std::as_const(m_fields))
        f->wipe();
}

} // namespace steward
