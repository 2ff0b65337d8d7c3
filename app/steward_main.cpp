#include "DesktopShell.h"
#include "core/ProcessHardening.h"
#include "logging/Logging.h"
#include "runtime/StewardRuntime.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QSocketNotifier>
#include <QTextStream>
#include <QTranslator>

#include <csignal>
#include <cstdio>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int signalPipe[2] = {-1, -1};

void onSignal(int sig)
{
    const char c = char(sig);
    [[maybe_unused]] const auto n = ::write(signalPipe[1], &c, 1);
}

} // namespace

int main(int argc, char *argv[])
{
    // Before anything holds a secret: no other process of the user reads Steward's memory.
    if (const steward::Status st = steward::ProcessHardening::protectSelf(); !st)
        std::fprintf(stderr, "steward: warning: %s\n", qPrintable(st.error()));
    // Headless runs (and --help, --version, --dry-run) must not need a display, so pick the
    // application class before creating it.
    bool headless = false;
    bool windowless = false;
    for (int i = 1; i < argc; ++i) {
        headless = headless || qstrcmp(argv[i], "--headless") == 0;
        for (const char *flag : {"--help", "-h", "--help-all", "--version", "-v", "--dry-run"})
            windowless = windowless || qstrcmp(argv[i], flag) == 0;
    }
#if defined(Q_OS_LINUX)
    if (!headless && !windowless && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fputs("steward: there is no display to show the setup window on; run with "
                   "--headless (add --prompt to enter secrets here)\n",
                   stderr);
        return steward::StewardRuntime::Usage;
    }
#endif
    headless = headless || windowless;
    std::unique_ptr<QCoreApplication> app = headless
        ? std::make_unique<QCoreApplication>(argc, argv)
        : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("steward"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STEWARD_VERSION));

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
    parser.process(*app);

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!parser.isSet(manifestOpt)) {
        err << "steward: --manifest PATH is required (see steward --help)\n";
        return steward::StewardRuntime::Usage;
    }
    if (parser.isSet(verboseOpt))
        steward::Logging::setConsoleLevel(spdlog::level::info);
    steward::RuntimeOptions options;
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
        options.store = steward::RuntimeOptions::Store::File;
    } else if (store != QLatin1String("keychain")) {
        err << "steward: --secret-store must be keychain or file (got \"" << store << "\")\n";
        return steward::StewardRuntime::Usage;
    }

    steward::StewardRuntime runtime(options, out, err);
    if (options.dryRun)
        return runtime.start();
    std::unique_ptr<steward::DesktopShell> shell;
    QTranslator translator;
    if (!headless) {
        if (translator.load(QLocale(), QStringLiteral("steward"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")))
            QCoreApplication::installTranslator(&translator);
        QApplication::setQuitOnLastWindowClosed(false); // the app lives on in the tray
        shell = std::make_unique<steward::DesktopShell>(runtime);
    }
    // SIGINT and SIGTERM stop the services and end the run through the event loop (self-pipe),
    // never in the middle of an operation.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, app.get());
        QObject::connect(notifier, &QSocketNotifier::activated, &runtime, [&runtime] {
            char c = 0;
            [[maybe_unused]] const auto n = ::read(signalPipe[0], &c, 1);
            runtime.requestShutdown();
        });
        std::signal(SIGINT, onSignal);
        std::signal(SIGTERM, onSignal);
    }
    QObject::connect(&runtime, &steward::StewardRuntime::exitRequested, app.get(),
                     [&app](int code) { app->exit(code); });
    if (const int rc = runtime.start(); rc != 0) {
        if (rc != steward::StewardRuntime::AlreadyRunning || headless)
            return rc;
        // A second launch from the desktop: bring up the running one's window instead.
        int code = rc;
        runtime.activateRunningInstance([&](bool shown, const QString &why) {
            if (shown)
                out << "Showed the running " << runtime.manifest().app.name << ".\n";
            else
                err << "steward: cannot show the running " << runtime.manifest().app.name << ": "
                    << why << "\n";
            code = shown ? 0 : rc;
            app->quit();
        });
        app->exec();
        return code;
    }
    return app->exec();
}
