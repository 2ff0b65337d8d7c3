// Bundle integrity end to end: stewardctl keygen, lock, sign and verify on a real bundle, and the
// real steward running it. An untouched signed bundle runs; a program swapped after the lock is
// refused (that service only, with its reason in the console, /readyz and telemetry); a
// tampered lock fails the signature and nothing starts.

#include "StewardProcess.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <nlohmann/json.hpp>

using namespace steward;
using json = nlohmann::json;
using test::runStewardctl;
using test::StewardProcess;

namespace {

// A bundle of two workers, each a shell script that says "up" and stays.
class TwoServiceBundle
{
public:
    TwoServiceBundle()
    {
        QDir(root()).mkpath(QStringLiteral("bin"));
        writeScript(QStringLiteral("bin/good.sh"), "good");
        writeScript(QStringLiteral("bin/other.sh"), "other");
        json services = json::array();
        for (const char *id : {"good", "other"}) {
            const json binary {{"path", std::string("bin/") + id + ".sh"}};
            services.push_back(
                {{"id", id},
                 {"type", "worker"},
                 {"critical", false},
                 {"binaries", {{"linux-x64", binary}, {"linux-arm64", binary}}},
                 {"health", {{"type", "command"}, {"command", {"true"}}}},
                 {"readiness", {{"type", "log_match"}, {"pattern", "up"}, {"timeout_ms", 20000}}}});
        }
        const json doc {{"schema_version", "v0.1"},
                        {"target", "desktop"},
                        {"app", {{"name", "trusted"}, {"version", "1.0.0"}}},
                        {"ipc",
                         {{"mode", "loopback-http"},
                          {"host", "127.0.0.1"},
                          {"port", 47993},
                          {"auth_token_path", "runtime/auth-token"}}},
                        {"telemetry", {{"file", "telemetry/events.jsonl"}}},
                        {"secrets", json::array()},
                        {"services", services}};
        QFile f(manifest());
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray::fromStdString(doc.dump(2)));
    }
    QString root() const { return m_dir.path() + QStringLiteral("/bundle"); }
    QString manifest() const { return root() + QStringLiteral("/bundle.json"); }
    QString key() const { return m_dir.path() + QStringLiteral("/signing.key"); }
    QString appData() const { return m_dir.path() + QStringLiteral("/data"); }
    bool writeScript(const QString &relative, const char *name) const
    {
        QFile f(QDir(root()).filePath(relative));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return false;
        f.write(QByteArray("#!/bin/sh\necho \"") + name + " up\"\nexec tail -f /dev/null\n");
        f.close();
        return f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
    }
    // stewardctl keygen, lock and sign.
    bool lockAndSign() const
    {
        return runStewardctl({QStringLiteral("keygen"), key()}).code == 0
            && runStewardctl({QStringLiteral("lock"), root()}).code == 0
            && runStewardctl({QStringLiteral("sign"), root(), QStringLiteral("--key"), key()}).code
            == 0;
    }
    QStringList stewardArgs() const
    {
        return {QStringLiteral("--app-data"), appData(), QStringLiteral("--trusted-key"),
                key() + QStringLiteral(".pub")};
    }

private:
    QTemporaryDir m_dir;
};

QString readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

} // namespace

class tst_BundleTrust : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void untouchedSignedBundleRuns();
    void swappedProgramIsRefusedAndTheOthersStart();
    void tamperedLockFailsTheSignature();
    void keygenNeverOverwrites();
    void stewardctlFindsTheRunningApp();
};

void tst_BundleTrust::untouchedSignedBundleRuns()
{
    TwoServiceBundle b;
    QVERIFY(b.lockAndSign());
    const test::CommandOutcome verified
        = runStewardctl({QStringLiteral("verify"), b.root(), QStringLiteral("--key"),
                         b.key() + QStringLiteral(".pub")});
    QVERIFY2(verified.code == 0, qPrintable(verified.err));
    QVERIFY(verified.out.contains(QStringLiteral("the signature is valid")));
    StewardProcess steward(b.stewardArgs(), {}, b.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("trusted is ready.")), qPrintable(steward.err()));
    QVERIFY(steward.out().contains(QStringLiteral("good: ready")));
    QVERIFY(steward.out().contains(QStringLiteral("other: ready")));
    QCOMPARE(steward.terminate().code, 0);
}

void tst_BundleTrust::swappedProgramIsRefusedAndTheOthersStart()
{
    TwoServiceBundle b;
    QVERIFY(b.lockAndSign());
    QVERIFY(b.writeScript(QStringLiteral("bin/other.sh"), "swapped"));

    const test::CommandOutcome verified = runStewardctl({QStringLiteral("verify"), b.root()});
    QCOMPARE(verified.code, 1);
    QVERIFY(verified.err.contains(QStringLiteral("changed: bin/other.sh")));
    const test::CommandOutcome signedAgain
        = runStewardctl({QStringLiteral("sign"), b.root(), QStringLiteral("--key"), b.key()});
    QCOMPARE(signedAgain.code, 1);

    StewardProcess steward(b.stewardArgs(), {}, b.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("good: ready")), qPrintable(steward.err()));
    QVERIFY2(steward.waitFor(QStringLiteral("other: failed")), qPrintable(steward.out()));
    const QString reason
        = QStringLiteral("refused: bin/other.sh was changed after the bundle was locked");
    QVERIFY2(steward.out().contains(reason), qPrintable(steward.out()));
    QVERIFY(!steward.out().contains(QStringLiteral("swapped up")));

    // /readyz carries the reason in the service's message, which the tray and Settings show.
    const test::CommandOutcome status
        = runStewardctl({QStringLiteral("status"), QStringLiteral("--app-data"), b.appData(),
                         QStringLiteral("--json")});
    QVERIFY2(status.code == 0, qPrintable(status.err));
    QVERIFY2(status.out.contains(reason), qPrintable(status.out));
    QCOMPARE(steward.terminate().code, 0);

    const QString telemetry = readAll(b.appData() + QStringLiteral("/telemetry/events.jsonl"));
    QVERIFY2(telemetry.contains(QStringLiteral("\"event\":\"integrity_refused\"")),
             qPrintable(telemetry));
    QVERIFY(telemetry.contains(QStringLiteral("\"service_id\":\"other\"")));
}

void tst_BundleTrust::tamperedLockFailsTheSignature()
{
    TwoServiceBundle b;
    QVERIFY(b.lockAndSign());
    // Someone who swaps a program and locks again cannot sign: the signature no longer matches.
    QVERIFY(b.writeScript(QStringLiteral("bin/other.sh"), "swapped"));
    const QString sig = readAll(b.root() + QStringLiteral("/bundle.lock.sig"));
    QVERIFY(runStewardctl({QStringLiteral("lock"), b.root()}).code == 0);
    QFile f(b.root() + QStringLiteral("/bundle.lock.sig"));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(sig.toLatin1());
    f.close();

    StewardProcess steward(b.stewardArgs(), {}, b.manifest());
    const test::CommandOutcome run = steward.finish();
    QCOMPARE(run.code, 8);
    QVERIFY2(run.err.contains(QStringLiteral("the bundle's signature is not valid")),
             qPrintable(run.err));
    QVERIFY(!run.out.contains(QStringLiteral("up")));

    // Without the signature file at all, the installed key still demands one.
    QVERIFY(QFile::remove(b.root() + QStringLiteral("/bundle.lock.sig")));
    StewardProcess unsignedRun(b.stewardArgs(), {}, b.manifest());
    const test::CommandOutcome second = unsignedRun.finish();
    QCOMPARE(second.code, 8);
    QVERIFY(second.err.contains(QStringLiteral("bundle.lock.sig is missing")));
}

void tst_BundleTrust::keygenNeverOverwrites()
{
    TwoServiceBundle b;
    QCOMPARE(runStewardctl({QStringLiteral("keygen"), b.key()}).code, 0);
    QCOMPARE(QFile(b.key()).permissions() & (QFileDevice::ReadOther | QFileDevice::ReadGroup),
             QFileDevice::Permissions());
    const QString before = readAll(b.key());
    const test::CommandOutcome again = runStewardctl({QStringLiteral("keygen"), b.key()});
    QCOMPARE(again.code, 1);
    QVERIFY(again.err.contains(QStringLiteral("is not overwritten")));
    QCOMPARE(readAll(b.key()), before);
}

void tst_BundleTrust::stewardctlFindsTheRunningApp()
{
    // A registry of its own (the session's holds the Stewards of other tests running now), and
    // Steward's default app data (<XDG data home>/steward/trusted) in a folder of the test.
    QTemporaryDir runtimeDir, dataHome;
    const QByteArray sessionRuntimeDir = qgetenv("XDG_RUNTIME_DIR");
    const QByteArray sessionDataHome = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_RUNTIME_DIR", runtimeDir.path().toUtf8());
    qputenv("XDG_DATA_HOME", dataHome.path().toUtf8());
    const QString registry = runtimeDir.path() + QStringLiteral("/steward");
    TwoServiceBundle b;
    const test::CommandOutcome none = runStewardctl({QStringLiteral("status")});
    QCOMPARE(none.code, 3);
    QVERIFY2(none.err.contains(QStringLiteral("no Steward is running")), qPrintable(none.err));
    {
        StewardProcess steward({}, {}, b.manifest());
        QVERIFY2(steward.waitFor(QStringLiteral("trusted is ready.")), qPrintable(steward.err()));
        const test::CommandOutcome status = runStewardctl({QStringLiteral("status")});
        QVERIFY2(status.code == 0, qPrintable(status.err));
        QVERIFY2(status.out.contains(QStringLiteral("trusted")), qPrintable(status.out));
        const test::CommandOutcome named = runStewardctl(
            {QStringLiteral("status"), QStringLiteral("--app"), QStringLiteral("trusted")});
        QCOMPARE(named.code, 0);
        const test::CommandOutcome list = runStewardctl({QStringLiteral("list")});
        QVERIFY(list.out.startsWith(QStringLiteral("trusted\tpid ")));
        QCOMPARE(steward.terminate().code, 0);
        // It took its entry with it.
        QCOMPARE(QDir(registry).entryList(QDir::Files), QStringList());
    }
    {
        // App data elsewhere (--app-data): found through the registry alone.
        StewardProcess steward({QStringLiteral("--app-data"), b.appData()}, {}, b.manifest());
        QVERIFY2(steward.waitFor(QStringLiteral("trusted is ready.")), qPrintable(steward.err()));
        const test::CommandOutcome list = runStewardctl({QStringLiteral("list")});
        QVERIFY2(list.out.contains(b.appData()), qPrintable(list.out));
        const test::CommandOutcome status = runStewardctl({QStringLiteral("status")});
        QVERIFY2(status.code == 0, qPrintable(status.err));
        QVERIFY2(status.out.contains(QStringLiteral("trusted")), qPrintable(status.out));
        // Killed, it leaves a stale entry, which stewardctl sees through.
        const qint64 pid = steward.pid();
        ::kill(pid_t(pid), SIGKILL);
        QCOMPARE(steward.finish().code, -1);
        QCOMPARE(QDir(registry).entryList(QDir::Files),
                 QStringList {QStringLiteral("%1.json").arg(pid)});
        const test::CommandOutcome gone = runStewardctl({QStringLiteral("status")});
        QCOMPARE(gone.code, 3);
        QVERIFY2(gone.err.contains(QStringLiteral("no Steward is running")), qPrintable(gone.err));
    }
    qputenv("XDG_DATA_HOME", sessionDataHome);
    qputenv("XDG_RUNTIME_DIR", sessionRuntimeDir);
}

QTEST_GUILESS_MAIN(tst_BundleTrust)
#include "tst_bundletrust.moc"
