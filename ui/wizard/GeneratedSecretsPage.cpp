#include "GeneratedSecretsPage.h"

#include "DisplayText.h"
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
    m_imported = new QLabel(this);
    m_imported->setObjectName(QStringLiteral("importedNote"));
    m_imported->setWordWrap(true);
    m_imported->hide();
    layout->addWidget(m_imported);
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
    const auto &earlier = m_runtime.referenceImport();
    const QStringList imported = earlier ? earlier->imported : QStringList();
    if (earlier) {
        // Ids and how many, never a value.
        QString note = tr("%n secret(s) were imported from the earlier installation in %1: %2.", "",
                          int(imported.size()))
                           .arg(earlier->sourceDir, imported.join(QStringLiteral(", ")));
        if (imported.isEmpty())
            note = tr("The migrations of the earlier installation in %1 were taken over.")
                       .arg(earlier->sourceDir);
        if (earlier->plaintextRemoved)
            note
                += QLatin1Char(' ') + tr("Its plaintext secrets file was overwritten and removed.");
        m_imported->setText(note);
        m_imported->show();
    }
    int count = 0;
    for (const SecretSpec &spec : m_runtime.manifest().secrets) {
        if (spec.secretClass != SecretClass::PerInstallGenerated)
            continue;
        ++count;
        const auto value = keeper->value(spec.id);
        QString plain;
        if (!value)
            plain = tr("%1 could not be generated").arg(spec.id);
        else if (imported.contains(spec.id))
            plain
                = tr("%1 imported from the earlier installation (%n chars)", "", int(value->size()))
                      .arg(spec.id);
        else if (fresh.contains(spec.id))
            plain = tr("%1 generated (%n chars)", "", int(value->size())).arg(spec.id);
        else
            plain = tr("%1 already stored (%n chars)", "", int(value->size())).arg(spec.id);
        const QString mark = value
            ? DisplayText::toned(DisplayText::Tone::Good, QStringLiteral("&#10003;"), palette())
            : DisplayText::toned(DisplayText::Tone::Bad, QStringLiteral("&#10007;"), palette());
        auto *line = new QLabel(mark + QLatin1Char(' ') + plain.toHtmlEscaped(), this);
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
