#include "GeneratedSecretsPage.h"

#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"

#include <QLabel>
#include <QVBoxLayout>

namespace steward {

GeneratedSecretsPage::GeneratedSecretsPage(StewardRuntime &runtime, QWidget *parent)
    : QWizardPage(parent)
    , m_runtime(runtime)
{
    setTitle(tr("Generated secrets"));
    setSubTitle(tr("These keys were created for this installation with a secure random number "
                   "generator. You never need to type them."));
    auto *layout = new QVBoxLayout(this);
    m_list = new QVBoxLayout;
    layout->addLayout(m_list);
    layout->addStretch();
}

void GeneratedSecretsPage::initializePage()
{
    while (QLayoutItem *item = m_list->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    const SecretKeeper *keeper = m_runtime.keeper();
    const QStringList fresh = keeper->generatedThisRun();
    int count = 0;
    for (const SecretSpec &spec : m_runtime.manifest().secrets) {
        if (spec.secretClass != SecretClass::PerInstallGenerated)
            continue;
        ++count;
        const auto value = keeper->value(spec.id);
        QString plain;
        if (!value)
            plain = tr("%1 could not be generated").arg(spec.id);
        else if (fresh.contains(spec.id))
            plain = tr("%1 generated (%n chars)", "", int(value->size())).arg(spec.id);
        else
            plain = tr("%1 already stored (%n chars)", "", int(value->size())).arg(spec.id);
        const QString mark = value ? QStringLiteral("<span style='color:#2e9e4f'>&#10003;</span> ")
                                   : QStringLiteral("<span style='color:#c62828'>&#10007;</span> ");
        auto *line = new QLabel(mark + plain.toHtmlEscaped(), this);
        line->setTextFormat(Qt::RichText);
        line->setToolTip(spec.description);
        line->setAccessibleName(plain);
        line->setObjectName(QStringLiteral("generated_") + spec.id);
        m_list->addWidget(line);
    }
    if (count == 0)
        m_list->addWidget(new QLabel(tr("This app needs no generated secrets."), this));
}

} // namespace steward
