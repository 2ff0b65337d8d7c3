// Test helper: changes two prompted secrets of the example bundle in a loop through
// SecretKeeper and the real keychain, with an audit trail keyed by AUDIT_KEY, printing
// "ack <n> <version>" after each change is stored (version: api_token's, in its history).
// Usage: secret_churn MANIFEST APP_DATA FIRST_N AUDIT_KEY

#include "core/Redactor.h"
#include "manifest/ManifestLoader.h"
#include "secrets/AuditTrail.h"
#include "secrets/InstallState.h"
#include "secrets/KeychainStore.h"
#include "secrets/SecretKeeper.h"

#include <QCoreApplication>

#include <cstdio>

using namespace steward;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5)
        return 64;
    const ManifestLoadResult loaded = ManifestLoader::loadFile(args.at(1));
    if (!loaded.valid())
        return 1;
    Result<InstallState> state = InstallState::load(args.at(2));
    if (!state)
        return 2;
    InstallState st = std::move(state).value();
    KeychainStore store(loaded.manifest->app.name, st.installId());
    SecretKeeper keeper(*loaded.manifest, st, store, std::make_shared<Redactor>());
    AuditTrail audit(args.at(2));
    if (!audit.openWithKey(args.at(4).toLatin1()))
        return 5;
    keeper.setAuditTrail(&audit);
    int n = args.at(3).toInt();
    std::function<void()> next = [&] {
        const QString counter = QStringLiteral("%1").arg(n, 20, 10, QLatin1Char('0'));
        keeper.provide({{QStringLiteral("api_token"), QStringLiteral("wx_") + counter},
                        {QStringLiteral("greeting_name"), QStringLiteral("name-") + counter}},
                       &app, [&](const SecretKeeper::ChangeResult &r) {
                           if (!r.ok) {
                               std::fprintf(stderr, "change failed: %s\n", qPrintable(r.error));
                               return app.exit(3);
                           }
                           std::printf("ack %d %d\n", n,
                                       keeper.currentVersion(QStringLiteral("api_token")));
                           std::fflush(stdout);
                           ++n;
                           next();
                       });
    };
    bool looping = false;
    QObject::connect(&keeper, &SecretKeeper::phaseChanged, &app, [&](SecretKeeper::Phase p) {
        if (p == SecretKeeper::Phase::Failed)
            app.exit(4);
        else if (!looping
                 && (p == SecretKeeper::Phase::Ready
                     || p == SecretKeeper::Phase::WaitingForSecrets)) {
            looping = true; // the first change moves the phase to Ready: start one loop only
            std::printf("started\n");
            std::fflush(stdout);
            if (n > 0)
                next();
        }
    });
    keeper.start();
    return app.exec();
}
