#include "FirstRunWizard.h"

#include "GeneratedSecretsPage.h"
#include "NoKeychainPage.h"
#include "PromptedSecretsPage.h"
#include "RemoteSecretsPage.h"
#include "ReviewPage.h"
#include "StartingPage.h"
#include "WelcomePage.h"
#include "runtime/StewardRuntime.h"
#include "secrets/SecretKeeper.h"

#include <QIcon>

#include <algorithm>

namespace steward {

FirstRunWizard::FirstRunWizard(StewardRuntime &runtime, QWidget *parent)
    : QWizard(parent)
    , m_runtime(runtime)
{
    const Manifest &m = runtime.manifest();
    setWindowTitle(tr("Set up %1").arg(m.app.name));
    setWindowIcon(QIcon(QStringLiteral(":/icons/steward.svg")));
    setWizardStyle(QWizard::ModernStyle);
    setPixmap(QWizard::LogoPixmap, QIcon(QStringLiteral(":/icons/steward.svg")).pixmap(48, 48));

    setOption(QWizard::NoBackButtonOnStartPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setMinimumSize(640, 520);

    auto *noKeychain = new NoKeychainPage(runtime, this);
    connect(noKeychain, &NoKeychainPage::quitRequested, this, &FirstRunWizard::quitRequested);
    m_prompted = new PromptedSecretsPage(runtime, this);
    m_starting = new StartingPage(runtime, this);
    connect(m_starting, &StartingPage::openAppRequested, this, &FirstRunWizard::openAppRequested);
    setPage(Welcome, new WelcomePage(m, this));
    setPage(NoKeychain, noKeychain);
    setPage(Generated, new GeneratedSecretsPage(runtime, this));
    setPage(Prompted, m_prompted);
    setPage(Remote, new RemoteSecretsPage(runtime, this));
    setPage(Review, new ReviewPage(runtime, *m_prompted, this));
    setPage(Starting, m_starting);
    setStartId(Welcome);
    connect(m_starting, &StartingPage::retryRequested, this, &FirstRunWizard::saveSecrets);
    connect(this, &QWizard::currentIdChanged, this, [this](int id) {
        if (id == Starting)
            saveSecrets();
    });
}

FirstRunWizard::~FirstRunWizard() = default;

void FirstRunWizard::setStoreUnavailable(const QString &reason)
{
    m_storeUnavailable = true;
    static_cast<NoKeychainPage *>(page(NoKeychain))->setReason(reason);
}

int FirstRunWizard::nextId() const
{
    const Manifest &m = m_runtime.manifest();
    auto has = [&m](SecretClass c) {
        return !m.secretsOf(c).isEmpty();
    };
    switch (currentId()) {
    case Welcome:
        return m_storeUnavailable ? NoKeychain : Generated;
    case NoKeychain:
        return Generated;
    case Generated:
        return has(SecretClass::UserPrompt) ? Prompted
            : has(SecretClass::RemoteFetch) ? Remote
                                            : Review;
    case Prompted:
        return has(SecretClass::RemoteFetch) ? Remote : Review;
    case Remote:
        return Review;
    case Review:
        return Starting;
    default:
        return -1;
    }
}

void FirstRunWizard::saveSecrets()
{
    const QMap<QString, QString> values = m_prompted->values();
    if (values.isEmpty())
        return m_starting->secretsSaved({});
    m_starting->savingSecrets();
    m_runtime.keeper()->provide(values, this,
                                [this](const SecretKeeper::ChangeResult &r) {
                                    if (r.ok)
                                        m_prompted->wipe();
                                    m_starting->secretsSaved(r.allProblems());
                                },
                                {QStringLiteral("wizard"), QStringLiteral("ui")});
}

void FirstRunWizard::done(int result)
{
    // Whatever way the wizard closes, no entered value stays in a widget.
    m_prompted->wipe();
    QWizard::done(result);
}

} // namespace steward
