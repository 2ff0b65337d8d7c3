#include "SecretField.h"

#include "DisplayText.h"
#include "manifest/SecretValidator.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QToolButton>
#include <QVBoxLayout>

namespace steward {

SecretField::SecretField(const SecretSpec &spec, QWidget *parent)
    : QWidget(parent)
    , m_spec(spec)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *label = new QLabel(
        spec.required
            ? tr("%1 %2", "a required secret's label and its mark")
                  .arg(spec.label().toHtmlEscaped(),
                       DisplayText::toned(DisplayText::Tone::Bad, QStringLiteral("*"), palette()))
            : tr("%1 (optional)").arg(spec.label().toHtmlEscaped()),
        this);
    label->setTextFormat(Qt::RichText);
    layout->addWidget(label);

    const QString help = spec.prompt && !spec.prompt->description.isEmpty()
        ? spec.prompt->description
        : spec.description;
    if (!help.isEmpty()) {
        auto *description = new QLabel(help, this);
        description->setWordWrap(true);
        // Links open in the browser and can be reached with Tab; plain text takes no focus.
        if (help.contains(QLatin1String("<a "), Qt::CaseInsensitive)) {
            description->setOpenExternalLinks(true);
            description->setTextInteractionFlags(Qt::TextBrowserInteraction);
        }

        layout->addWidget(description);
    }

    auto *row = new QHBoxLayout;
    m_edit = new QLineEdit(this);
    m_edit->setEchoMode(QLineEdit::Password);
    m_edit->setAccessibleName(spec.label());
    m_edit->setAccessibleDescription(help);
    if (spec.prompt && !spec.prompt->hint.isEmpty())
        m_edit->setPlaceholderText(spec.prompt->hint);
    label->setBuddy(m_edit);
    row->addWidget(m_edit, 1);

    m_reveal = new QToolButton(this);
    m_reveal->setCheckable(true);
    m_reveal->setText(tr("Show"));
    m_reveal->setAccessibleName(tr("Show %1").arg(spec.label()));
    connect(m_reveal, &QToolButton::toggled, this, [this](bool shown) {
        m_edit->setEchoMode(shown ? QLineEdit::Normal : QLineEdit::Password);
        m_reveal->setText(shown ? tr("Hide") : tr("Show"));
    });
    row->addWidget(m_reveal);
    if (!spec.required) {
        m_skip = new QToolButton(this);
        m_skip->setCheckable(true);
        m_skip->setText(tr("Skip"));
        m_skip->setAccessibleName(tr("Skip %1").arg(spec.label()));
        connect(m_skip, &QToolButton::toggled, this, [this](bool skipped) {
            if (skipped)
                wipe();
            m_edit->setEnabled(!skipped);
            m_reveal->setEnabled(!skipped);
            m_skip->setText(skipped ? tr("Enter a value") : tr("Skip"));
            revalidate();
        });
        row->addWidget(m_skip);
    }
    layout->addLayout(row);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    connect(m_edit, &QLineEdit::textChanged, this, &SecretField::revalidate);
    revalidate();
}

SecretField::~SecretField()
{
    // The parent may be half destroyed already: tell nobody.
    const QSignalBlocker quiet(this);
    wipe();
}

QString SecretField::value() const
{
    return isSkipped() ? QString() : m_edit->text();
}

bool SecretField::isSkipped() const
{
    return m_skip && m_skip->isChecked();
}

void SecretField::wipe()
{
    if (!m_edit)
        return;
    m_edit->setText(QString(m_edit->text().size(), QLatin1Char(' ')));
    m_edit->clear();
}

void SecretField::revalidate()
{
    const QString text = m_edit->text();
    const QStringList problems = SecretValidator::problems(m_spec, text);
    bool acceptable = problems.isEmpty();
    if (isSkipped()) {
        acceptable = true;
        m_message->setText(tr("Skipped: you can set it later in Settings."));
    } else if (text.isEmpty()) {
        m_message->setText(m_spec.required
                               ? tr("Required. %1").arg(SecretValidator::expectation(m_spec))
                               : tr("Optional: leave empty to skip."));
    } else if (acceptable) {
        m_message->setText(tr("Looks good."));
    } else {
        // Drop the "<id>: " prefix the validator adds for logs; the field already says which.
        QString first = problems.first();
        first = first.mid(m_spec.id.size() + 2);
        m_message->setText(first.left(1).toUpper() + first.mid(1) + QLatin1Char('.'));
    }
    if (acceptable != m_acceptable) {
        m_acceptable = acceptable;
        Q_EMIT acceptableChanged(acceptable);
    }
}

} // namespace steward
