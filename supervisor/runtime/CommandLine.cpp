#include "CommandLine.h"

#include "logging/Logging.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace steward {

bool CommandLine::wantsWindows(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        for (const char *flag :
             {"--headless", "--help", "-h", "--help-all", "--version", "-v", "--dry-run"}) {
            if (qstrcmp(argv[i], flag) == 0)
                return false;
        }
    }
    return true;
}

void CommandLine::nameApplication()
{
    QCoreApplication::setApplicationName(QStringLiteral("steward"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STEWARD_VERSION));
}

std::variant<RuntimeOptions, int> CommandLine::parse(const QCoreApplication &app, bool headless,
                                                     QTextStream &err)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Steward runs a bundled desktop app: it prepares the app's secrets and "
        "supervises its services.\n"
        "Exit codes: 0 stopped cleanly, 1 invalid manifest, 2 unreadable manifest, 4 secret store "
        "unavailable, 5 no free port for a service, 6 the control API cannot listen, 7 already "
        "running (a desktop launch shows the running one's Settings instead), 8 the bundle's "
        "signature or lock does not match, 9 the app data dir or a directory or log file in it "
        "cannot be used (the message names it), 64 wrong usage."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption manifestOpt(QStringLiteral("manifest"),
                                         QStringLiteral("The bundle manifest (bundle.json)."),
                                         QStringLiteral("PATH"));
    const QCommandLineOption headlessOpt(QStringLiteral("headless"),
                                         QStringLiteral("Run without any window."));
    const QCommandLineOption promptOpt(
        QStringLiteral("prompt"),
        QStringLiteral("Ask for missing secrets on the terminal (no echo)."));
    const QCommandLineOption appDataOpt(
        QStringLiteral("app-data"), QStringLiteral("Where the app's data, logs and state live."),
        QStringLiteral("DIR"));
    const QCommandLineOption storeOpt(
        QStringLiteral("secret-store"),
        QStringLiteral("keychain (default) or file: an encrypted file whose key is kept "
                       "in the keychain if there is one."),
        QStringLiteral("KIND"), QStringLiteral("keychain"));
    const QCommandLineOption verboseOpt(
        QStringLiteral("verbose"), QStringLiteral("Also print informational log lines on stderr."));
    const QCommandLineOption bundleRootOpt(
        QStringLiteral("bundle-root"),
        QStringLiteral("Where the bundle's binaries and assets are (default: the manifest's "
                       "directory)."),
        QStringLiteral("DIR"));
    const QCommandLineOption dryRunOpt(
        QStringLiteral("dry-run"),
        QStringLiteral("Validate the manifest, print the plan and what would start (services in "
                       "start order with their programs, arguments and ports), then exit: 0 if "
                       "the manifest is valid, 1 if not. Starts nothing and reads no secret."));
    const QCommandLineOption noImportOpt(
        QStringLiteral("no-import"),
        QStringLiteral("Do not import the secrets and migrations an earlier install of the app by "
                       "the Vrooli runtime left in <config dir>/<app name>."));
    // The package installs the key its bundle was signed with beside Steward (share/steward).
    const QString installedKey = QCoreApplication::applicationDirPath()
        + QStringLiteral("/../share/steward/bundle-signing.pub");
    const QCommandLineOption trustedKeyOpt(
        QStringLiteral("trusted-key"),
        QStringLiteral("The Ed25519 public key (PEM) the bundle's lock must be signed with "
                       "(bundle.lock.sig); default: share/steward/bundle-signing.pub beside "
                       "Steward's bin/, when installed. Without a key, a bundle.lock is still "
                       "checked."),
        QStringLiteral("FILE"));
    parser.addOptions({manifestOpt, headlessOpt, promptOpt, appDataOpt, storeOpt, verboseOpt,
                       bundleRootOpt, dryRunOpt, noImportOpt, trustedKeyOpt});
    parser.process(app);

    if (!parser.isSet(manifestOpt)) {
        err << "steward: --manifest PATH is required (see steward --help)\n";
        return int(StewardRuntime::Usage);
    }
    if (parser.isSet(verboseOpt))
        Logging::setConsoleLevel(spdlog::level::info);
    RuntimeOptions options;
    options.manifestPath = parser.value(manifestOpt);
    options.appDataDir = parser.value(appDataOpt);
    options.prompt = parser.isSet(promptOpt);
    options.interactive = !headless;
    options.bundleRoot = parser.value(bundleRootOpt);
    options.dryRun = parser.isSet(dryRunOpt);
    options.importReference = !parser.isSet(noImportOpt);
    if (parser.isSet(trustedKeyOpt))
        options.trustedKey = parser.value(trustedKeyOpt);
    else if (QFileInfo::exists(installedKey))
        options.trustedKey = QDir::cleanPath(installedKey);
    const QString store = parser.value(storeOpt);
    if (store == QLatin1String("file")) {
        options.store = RuntimeOptions::Store::File;
    } else if (store != QLatin1String("keychain")) {
        err << "steward: --secret-store must be keychain or file (got \"" << store << "\")\n";
        return int(StewardRuntime::Usage);
    }
    return options;
}

} // namespace steward
