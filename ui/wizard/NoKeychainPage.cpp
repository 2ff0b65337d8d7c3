#include "NoKeychainPage.h"

#include "runtime/StewardRuntime.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace steward {

NoKeychainPage::NoKeychainPage(StewardRuntime &runtime, QWidget *parent)
    : QWizardPage(parent)
    , m_runtime(runtime)
{
    setTitle(tr("No keychain available"));
    setSubTitle(tr("%1 keeps its secrets in your system's keychain, and none can be used.")
                    .arg(runtime.manifest().app.name));
    auto *layout = new QVBoxLayout(this);
    m_reason = new QLabel(this);
    m_reason->setWordWrap(true);
    m_reason->setObjectName(QStringLiteral("keychainError"));
    layout->addWidget(m_reason);
    auto *warning = new QLabel(
        tr("<b>You can keep the secrets in an encrypted file instead.</b> Its key is then stored "
           "in a file next to it that only you can read, so anyone who can read your files "
           "(another program you run, a backup) can read the secrets too. Start a keychain "
           "service (GNOME Keyring, KWallet) and run %1 again to keep them in the keychain.")
            .arg(runtime.manifest().app.name),
        this);
    warning->setWordWrap(true);
    layout->addWidget(warning);

    auto *buttons = new QHBoxLayout;
    m_useFile = new QPushButton(tr("Use an encrypted file"), this);
    m_useFile->setObjectName(QStringLiteral("useFileStore"));
    auto *quit = new QPushButton(tr("Quit %1").arg(runtime.manifest().app.name), this);
    quit->setObjectName(QStringLiteral("quit"));
    buttons->addWidget(m_useFile);
    buttons->addWidget(quit);
    buttons->addStretch();
    layout->addLayout(buttons);
    m_progress = new QLabel(this);
    m_progress->setWordWrap(true);
    layout->addWidget(m_progress);
    layout->addStretch();

    connect(quit, &QPushButton::clicked, this, &NoKeychainPage::quitRequested);
    connect(m_useFile, &QPushButton::clicked, this, [this] {
        m_useFile->setEnabled(false);
        m_progress->setText(tr("Opening the encrypted file store..."));
        m_runtime.useEncryptedFileStore();
    });
    connect(&runtime, &StewardRuntime::secretsSettled, this, [this] {
        if (m_ready || m_useFile->isEnabled())
            return;
        m_ready = true;
        m_progress->setText(tr("The secrets will be kept in an encrypted file. Click Next."));
        Q_EMIT completeChanged();
    });
}

void NoKeychainPage::setReason(const QString &reason)
{
    m_reason->setText(tr("The keychain said: %1").arg(reason));
}

} // namespace steward
