// `steward-desktop`: Steward with its windows (the first-run wizard, the tray, Settings). A
// person launches `steward`, which hands a windowed launch to this executable.
#include "DesktopShell.h"
#include "core/ProcessHardening.h"
#include "logging/Logging.h"
#include "runtime/CommandLine.h"
#include "runtime/ShutdownSignals.h"
#include "runtime/StewardRuntime.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <cstdio>
#include <memory>

int main(int argc, char *argv[])
{
    // Before anything holds a secret: no other process of the user reads Steward's memory.
    if (const steward::Status st = steward::ProcessHardening::protectSelf(); !st)
        std::fprintf(stderr, "steward: warning: %s\n", qPrintable(st.error()));
    steward::Logging::captureQtMessages();
    // Headless runs (and --help, --version, --dry-run) must not need a display, so pick the
    // application class before creating it.
    const bool headless = !steward::CommandLine::wantsWindows(argc, argv);
#if defined(Q_OS_LINUX)
    if (!headless && qEnvironmentVariableIsEmpty("DISPLAY")
        && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY")
        && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
        std::fputs("steward: there is no display to show the setup window on; run with "
                   "--headless (add --prompt to enter secrets here)\n",
                   stderr);
        return steward::StewardRuntime::Usage;
    }
#endif
    std::unique_ptr<QCoreApplication> app = headless
        ? std::make_unique<QCoreApplication>(argc, argv)
        : std::make_unique<QApplication>(argc, argv);
    steward::CommandLine::nameApplication();
    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto parsed = steward::CommandLine::parse(*app, headless, err);
    if (const int *code = std::get_if<int>(&parsed))
        return *code;

    const steward::RuntimeOptions options = std::get<steward::RuntimeOptions>(parsed);
    steward::StewardRuntime runtime(options, out, err);
    if (options.dryRun)
        return runtime.start();
    std::unique_ptr<steward::DesktopShell> shell;
    QTranslator translator;
    QTranslator qtTranslator; // Qt's own words: the wizard's Next, Back, Cancel
    if (!headless) {
        if (translator.load(QLocale(), QStringLiteral("steward"), QStringLiteral("_"),
                            QStringLiteral(":/i18n")))
            QCoreApplication::installTranslator(&translator);
        if (qtTranslator.load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                              QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(&qtTranslator);
        QApplication::setQuitOnLastWindowClosed(false); // the app lives on in the tray
        shell = std::make_unique<steward::DesktopShell>(runtime);
    }
    steward::ShutdownSignals shutdownSignals(runtime);
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
