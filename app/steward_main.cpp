#include "core/Platform.h"
#include "manifest/ManifestLoader.h"
#include "manifest/PlanReport.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>

#include <memory>

int main(int argc, char *argv[])
{
    // Headless runs must not need a display, so pick the application class before creating it.
    bool headless = false;
    for (int i = 1; i < argc; ++i)
        headless = headless || qstrcmp(argv[i], "--headless") == 0;
    std::unique_ptr<QCoreApplication> app = headless
        ? std::make_unique<QCoreApplication>(argc, argv)
        : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("steward"));
    QCoreApplication::setApplicationVersion(QStringLiteral(STEWARD_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Steward runs a bundled desktop app: it prepares the app's secrets and "
                       "supervises its services."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption manifestOpt(QStringLiteral("manifest"),
                                         QStringLiteral("The bundle manifest (bundle.json)."),
                                         QStringLiteral("PATH"));
    const QCommandLineOption headlessOpt(QStringLiteral("headless"),
                                         QStringLiteral("Run without any window."));
    const QCommandLineOption appDataOpt(
        QStringLiteral("app-data"), QStringLiteral("Where the app's data, logs and state live."),
        QStringLiteral("DIR"));
    parser.addOption(manifestOpt);
    parser.addOption(headlessOpt);
    parser.addOption(appDataOpt);
    parser.process(*app);

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!parser.isSet(manifestOpt)) {
        err << "steward: --manifest PATH is required (see steward --help)\n";
        return 64;
    }
    const QString path = parser.value(manifestOpt);
    const steward::ManifestLoadResult result = steward::ManifestLoader::loadFile(path);
    if (result.unreadable) {
        err << "steward: " << result.readError << "\n";
        return 2;
    }
    for (const steward::Diagnostic &d : result.diagnostics)
        (d.isError() ? err : out) << path << ": " << d.toString() << "\n";
    if (!result.valid()) {
        err << "steward: the manifest has errors; nothing was started\n";
        return 1;
    }
    // Service supervision lands with the supervision issue; until then Steward shows what
    // the first run will do.
    out << steward::PlanReport::toText(*result.manifest, steward::Platform::current());
    return 0;
}
