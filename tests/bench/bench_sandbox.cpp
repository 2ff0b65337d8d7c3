// What the service sandbox costs at each start: building a service's Landlock ruleset (what
// Steward does before every start of a service, migration and command probe), and a start of
// /bin/true through QProcess with the whole child guard, with and without entering the sandbox.
// Prints one Markdown table row per measurement: | benchmark | result | target |

#include "process/ChildProcessGuard.h"
#include "process/Sandbox.h"
#include "process/ServiceSandbox.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QProcess>
#include <QTemporaryDir>

#include <cstdio>

using namespace steward;

namespace {

void row(const char *name, const QString &result, const char *target)
{
    std::printf("| %s | %s | %s |\n", name, qPrintable(result), target);
    std::fflush(stdout);
}

// The wall time in ms of one start of /bin/true to its end, entering `sandbox` (null: none).
double start(const std::shared_ptr<Sandbox> &sandbox)
{
    QElapsedTimer t;
    t.start();
    QProcess p;
    p.setProgram(QStringLiteral("/bin/true"));
    ChildProcessGuard::prepare(p, ChildProcessGuard::Tree::Group, sandbox);
    p.start();
    p.waitForFinished(5000);
    return p.exitCode() == 0 ? double(t.nsecsElapsed()) / 1e6 : -1e9;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (Sandbox::abi() < 1) {
        row("service sandbox per start", QStringLiteral("no Landlock on this kernel"), "< 2 ms");
        return 0;
    }
    QTemporaryDir bundle, data;
    ServiceSpec spec;
    spec.id = QStringLiteral("api");
    ServiceSandbox::Paths paths = ServiceSandbox::userPaths(QStringLiteral("bench-sandbox"));
    paths.bundleRoot = bundle.path();
    paths.appData = data.path();
    paths.secretDir = data.filePath(QStringLiteral("secrets"));
    paths.ports = {47100, 47101};
    auto build = [&] {
        return ServiceSandbox::build(spec, paths).value();
    };

    constexpr int Builds = 2000;
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < Builds; ++i)
        (void)build();
    const double buildUs = double(t.nsecsElapsed()) / 1e3 / Builds;
    row("sandbox ruleset per start (build)", QStringLiteral("%1 µs").arg(buildUs, 0, 'f', 0),
        "< 2 ms");

    // Alternating, so that a busy machine slows both alike.
    constexpr int Starts = 300;
    double plain = 0, sandboxed = 0;
    for (int i = 0; i < Starts + 20; ++i) {
        const double without = start(nullptr);
        const double with = start(build()); // built per start, as Steward does
        if (i >= 20) { // the first ones warm the page cache and the allocator
            plain += without / Starts;
            sandboxed += with / Starts;
        }
    }
    row("start of /bin/true, without / with the sandbox",
        QStringLiteral("%1 ms / %2 ms (the sandbox adds %3 ms, Landlock ABI %4)")
            .arg(plain, 0, 'f', 2)
            .arg(sandboxed, 0, 'f', 2)
            .arg(sandboxed - plain, 0, 'f', 2)
            .arg(Sandbox::abi()),
        "< 2 ms added");
    return plain > 0 && sandboxed > 0 ? 0 : 1;
}
