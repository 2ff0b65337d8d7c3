#pragma once

#include "StewardRuntime.h"

#include <QTextStream>

#include <variant>

class QCoreApplication;

namespace steward {

// `steward`'s command line, shared by its two executables: `steward` (headless, Qt Core and
// Network only) and `steward-desktop` (the wizard, tray and Settings), which `steward` hands a
// windowed launch to.
class CommandLine
{
public:
    // Whether these arguments want windows: no --headless, and none of --help, --version or
    // --dry-run, which print and exit.
    static bool wantsWindows(int argc, char *argv[]);

    // The options of this run, or the exit code to end with (usage errors are printed on
    // `err`). --help and --version print and exit here, as QCommandLineParser does.
    static std::variant<RuntimeOptions, int> parse(const QCoreApplication &app, bool headless,
                                                   QTextStream &err);

    // Names the application and its version (before parse()).
    static void nameApplication();
};

} // namespace steward
