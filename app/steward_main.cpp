// `steward`: the headless core. It links Qt Core and Network only, so a headless run maps no GUI
// library; a launch that wants windows is handed to `steward-desktop` beside it.
#include "core/ProcessHardening.h"
#include "logging/Logging.h"
#include "runtime/CommandLine.h"
#include "runtime/ShutdownSignals.h"
#include "runtime/StewardRuntime.h"

#include <QCoreApplication>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

// Replaces this process with steward-desktop from the same directory, same arguments. Returns
// only when that is impossible.
int handToDesktop(char *argv[])
{
    char self[PATH_MAX] = {};
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    std::string desktop = n > 0 ? std::string(self, std::size_t(n)) : std::string(argv[0]);
    desktop = desktop.substr(0, desktop.rfind('/') + 1) + "steward-desktop";
    if (::access(desktop.c_str(), X_OK) != 0) {
        std::fprintf(stderr,
                     "steward: this installation has no desktop window (%s is missing); run "
                     "with --headless (add --prompt to enter secrets here)\n",
                     desktop.c_str());
        return steward::StewardRuntime::Usage;
    }
    argv[0] = desktop.data();
    ::execv(desktop.c_str(), argv);
    std::fprintf(stderr, "steward: cannot start %s: %s\n", desktop.c_str(), std::strerror(errno));
    return steward::StewardRuntime::Usage;
}

} // namespace

int main(int argc, char *argv[])
{
    if (steward::CommandLine::wantsWindows(argc, argv))
        return handToDesktop(argv);
    // Before anything holds a secret: no other process of the user reads Steward's memory.
    if (const steward::Status st = steward::ProcessHardening::protectSelf(); !st)
        std::fprintf(stderr, "steward: warning: %s\n", qPrintable(st.error()));
    steward::Logging::captureQtMessages();

    QCoreApplication app(argc, argv);
    steward::CommandLine::nameApplication();
    QTextStream out(stdout);
    QTextStream err(stderr);
    const auto parsed = steward::CommandLine::parse(app, true, err);
    if (const int *code = std::get_if<int>(&parsed))
        return *code;

    const steward::RuntimeOptions options = std::get<steward::RuntimeOptions>(parsed);
    steward::StewardRuntime runtime(options, out, err);
    if (options.dryRun)
        return runtime.start();
    steward::ShutdownSignals shutdownSignals(runtime);
    QObject::connect(&runtime, &steward::StewardRuntime::exitRequested, &app,
                     [&app](int code) { app.exit(code); });
    if (const int rc = runtime.start(); rc != 0)
        return rc;
    return app.exec();
}
