#include "ReviewPage.h"

#include "DisplayText.h"
#include "PromptedSecretsPage.h"
#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"

#include <QLabel>
#include <QVBoxLayout>

namespace steward {

ReviewPage::ReviewPage(StewardRuntime &runtime, const PromptedSecretsPage &prompted,
                       QWidget *parent)
    : QWizardPage(parent)
    , m_runtime(runtime)
    , m_prompted(prompted)
{
    setTitle(tr("Review"));
    setSubTitle(tr("Nothing is stored until you click Save and start."));
    setCommitPage(true);
    setButtonText(QWizard::CommitButton, tr("Save and start"));
    auto *layout = new QVBoxLayout(this);
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("reviewSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::RichText);
    layout->addWidget(m_summary);
    layout->addStretch();
}

void ReviewPage::initializePage()
{
    const SecretKeeper *keeper = m_runtime.keeper();
    const SecretStore *store = m_runtime.store();
    const QMap<QString, QString> entered = m_prompted.values();
    const QString ok
        = DisplayText::toned(DisplayText::Tone::Good, QStringLiteral("&#10003;"), palette())
        + QLatin1Char(' ');
    QString html = QStringLiteral("<p>") + ok + tr("All required secrets provided")
        + QStringLiteral("<br>") + ok + tr("Format validation passed") + QStringLiteral("</p>");
    html += QStringLiteral("<p>")
        + tr("Stored in: <b>%1</b>").arg(store->backendName().toHtmlEscaped())
        + QStringLiteral("</p>");
    if (store->protection() == SecretStore::Protection::PlainKeyFile)
        html += QStringLiteral("<p>")
            + DisplayText::toned(DisplayText::Tone::Warning,
                                 tr("Warning: no keychain is used. The secrets are encrypted, "
                                    "but their key is in a file beside them."),
                                 palette())
            + QStringLiteral("</p>");
    html += QStringLiteral("<ul>");
    const auto &earlier = m_runtime.referenceImport();
    for (const SecretSpec &spec : m_runtime.manifest().secrets) {
        QString what;
        if (spec.secretClass == SecretClass::Infrastructure)
            continue;
        if (earlier && earlier->imported.contains(spec.id) && !entered.contains(spec.id))
            what = tr("imported from the earlier installation");
        else if (spec.secretClass == SecretClass::PerInstallGenerated)
            what = keeper->value(spec.id) ? tr("generated") : tr("missing");
        else if (spec.secretClass == SecretClass::UserPrompt)
            what = entered.contains(spec.id) ? tr("entered now")
                : keeper->value(spec.id)     ? tr("already stored")
                                             : tr("skipped");
        else
            what = keeper->value(spec.id) ? tr("fetched") : tr("not available yet");
        html += QStringLiteral("<li>%1: %2</li>").arg(spec.label().toHtmlEscaped(), what);
    }
    html += QStringLiteral("</ul>");
    m_summary->setText(html);
}

} // namespace steward
