#include "WelcomePage.h"

#include <QLabel>
#include <QVBoxLayout>

namespace steward {

WelcomePage::WelcomePage(const Manifest &manifest, QWidget *parent)
    : QWizardPage(parent)
{
    setTitle(tr("Welcome to %1").arg(manifest.app.name));
    setSubTitle(tr("Version %1").arg(manifest.app.version));
    auto *layout = new QVBoxLayout(this);
    if (!manifest.app.description.isEmpty()) {
        auto *description = new QLabel(manifest.app.description, this);
        description->setWordWrap(true);
        description->setObjectName(QStringLiteral("appDescription"));
        layout->addWidget(description);
    }
    auto *next = new QLabel(
        tr("Before %1 starts for the first time, it needs a few secrets: some are generated on "
           "this computer, some you enter on the next pages. They are kept in your system's "
           "keychain, never in a plain file.")
            .arg(manifest.app.name),
        this);
    next->setWordWrap(true);
    layout->addWidget(next);
    layout->addStretch();
}

} // namespace steward
