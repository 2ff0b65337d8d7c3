// Bundle integrity benchmarks: locking and verifying a small and a 200 MB bundle (the files are
// freshly written, so they come from the page cache: the hash, not the disk, is measured), and
// the per-start check of a program once it was hashed (the stat fast path).
// Prints one Markdown table row per measurement: | benchmark | result | target |

#include "trust/BundleLock.h"
#include "trust/ExecGuard.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QTemporaryDir>

#include <cstdio>

using namespace steward;

namespace {

void row(const char *name, const QString &result, const char *target)
{
    std::printf("| %s | %s | %s |\n", name, qPrintable(result), target);
    std::fflush(stdout);
}

bool writeRandom(const QString &path, qint64 bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly))
        return false;
    QByteArray chunk(1 << 20, '\0');
    QRandomGenerator rng(7);
    for (qint64 done = 0; done < bytes; done += chunk.size()) {
        rng.fillRange(reinterpret_cast<quint32 *>(chunk.data()), chunk.size() / 4);
        f.write(chunk.constData(), qMin<qint64>(chunk.size(), bytes - done));
    }
    return f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
}

// Locks `root` and verifies it again; the verification's wall time in ms.
double lockAndVerify(const QString &root, const char *name, const char *target)
{
    const QString manifest = root + QStringLiteral("/bundle.json");
    QElapsedTimer t;
    t.start();
    const Result<BundleLock> lock = BundleLock::create(root, manifest);
    const double lockMs = double(t.nsecsElapsed()) / 1e6;
    if (!lock) {
        row(name, QStringLiteral("failed: %1").arg(lock.error()), target);
        return -1;
    }
    t.restart();
    const QStringList diff = lock->differences(root, manifest);
    const double verifyMs = double(t.nsecsElapsed()) / 1e6;
    row(name,
        QStringLiteral("lock %1 ms, verify %2 ms (%3 files%4)")
            .arg(lockMs, 0, 'f', 1)
            .arg(verifyMs, 0, 'f', 1)
            .arg(lock->files().size())
            .arg(diff.isEmpty() ? QString() : QStringLiteral(", MISMATCH")),
        target);
    return verifyMs;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    // The example bundle as built (bundle.json and bin/hello-service), when given.
    if (args.size() > 1)
        lockAndVerify(args.at(1), "verify the example bundle", "—");

    QTemporaryDir big;
    QFile m(big.filePath(QStringLiteral("bundle.json")));
    if (m.open(QIODevice::WriteOnly))
        m.write("{}");
    m.close();
    for (int i = 0; i < 4; ++i)
        writeRandom(big.filePath(QStringLiteral("assets/part%1.bin").arg(i)), 50LL << 20);
    writeRandom(big.filePath(QStringLiteral("bin/app")), 1 << 20);
    lockAndVerify(big.path(), "verify a 200 MB bundle", "—");

    const Result<BundleLock> lock = BundleLock::create(big.path(), m.fileName());
    ExecGuard guard(big.path(), lock.value());
    const QString program = big.filePath(QStringLiteral("bin/app"));
    QElapsedTimer t;
    t.start();
    const Status first = guard.admit(QStringLiteral("bin/app"), program);
    const double firstMs = double(t.nsecsElapsed()) / 1e6;
    constexpr int Starts = 10000;
    t.restart();
    bool ok = first.ok();
    for (int i = 0; i < Starts; ++i)
        ok = guard.admit(QStringLiteral("bin/app"), program).ok() && ok;
    const double warmUs = double(t.nsecsElapsed()) / 1e3 / Starts;
    row("exec check of a 1 MB program, first start (hash)",
        QStringLiteral("%1 ms").arg(firstMs, 0, 'f', 2), "—");
    row("exec check per start, warm (stat)",
        QStringLiteral("%1 µs%2")
            .arg(warmUs, 0, 'f', 1)
            .arg(ok ? QString() : QStringLiteral(" (REFUSED)")),
        "< 1 ms");
    return ok && guard.hashes() == 1 ? 0 : 1;
}
