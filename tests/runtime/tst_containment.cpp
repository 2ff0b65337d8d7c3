// What a service of the same user can get from Steward and what it leaves behind, with the real
// steward binary and real processes: Steward is not dumpable and has no core limit, a service's
// grandchildren end with the service whether Steward stops it or is killed (then the next start
// cleans up and says so), and those of its migrations and health checks end with them. Where
// Steward may make cgroups (its cgroup v2 directory is writable, as for root here), also a
// grandchild that left its group and cleared its run marker.

#include "CgroupsHere.h"
#include "ProcessTable.h"
#include "StewardProcess.h"
#include "TestPaths.h"
#include "core/PrivateDir.h"
#include "process/Cgroup.h"
#include "process/Sandbox.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

using namespace steward;
using json = nlohmann::json;
using test::cgroupsHere;
using test::CommandOutcome;
using test::StewardProcess;

namespace {

QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// stewardctl status --json for the app in `appData`: the parsed answer, and the text for a
// failure message.
std::pair<json, QString> statusOf(const QString &appData)
{
    const CommandOutcome status
        = test::runStewardctl({QStringLiteral("status"), QStringLiteral("--json"),
                               QStringLiteral("--app-data"), appData});
    return {status.code == 0 ? json::parse(status.out.toStdString(), nullptr, false) : json(),
            status.out + status.err};
}

qint64 pidIn(const QString &path)
{
    return readFile(path).trimmed().toLongLong();
}

// A bundle in a temporary folder with the scripts of tests/runtime/containment and one service.
class ContainmentBundle
{
public:
    ContainmentBundle()
    {
        QDir root(m_dir.path());
        root.mkpath(QStringLiteral("services"));
        for (const char *f : {"forker.sh", "peek.sh", "helper.sh"}) {
            const QString to = root.filePath(QStringLiteral("services/") + QLatin1String(f));
            QFile::copy(test::sourceDir() + QStringLiteral("/tests/runtime/containment/")
                            + QLatin1String(f),
                        to);
            QFile(to).setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                     | QFileDevice::ExeOwner);
        }
    }

    QString manifest() const { return m_dir.filePath(QStringLiteral("bundle.json")); }

    // One worker running services/<script> with `args` (templates rendered), ready once it
    // printed "service ready", checked by a command probe; `service` adds to or replaces fields of
    // the service.
    bool write(const QString &script, const QStringList &args, bool fileSecret = false,
               const json &more = json::object()) const
    {
        json argv = json::array();
        for (const QString &a : args)
            argv.push_back(a.toStdString());
        const json binary {{"path", QString(QStringLiteral("services/") + script).toStdString()},
                           {"args", argv}};
        json service {
            {"id", "svc"},
            {"type", "worker"},
            {"binaries", {{"linux-x64", binary}, {"linux-arm64", binary}}},
            {"health", {{"type", "command"}, {"command", {"true"}}, {"interval_ms", 500}}},
            {"readiness",
             {{"type", "log_match"}, {"pattern", "service ready"}, {"timeout_ms", 20000}}}};
        service.update(more);
        json doc {{"schema_version", "v0.1"},
                  {"target", "desktop"},
                  {"app", {{"name", "containment"}, {"version", "1.0.0"}}},
                  {"ipc",
                   {{"mode", "loopback-http"},
                    {"host", "127.0.0.1"},
                    {"port", 47993},
                    {"auth_token_path", "runtime/auth-token"}}},
                  {"telemetry", {{"file", "telemetry/events.jsonl"}}},
                  {"services", json::array({service})}};
        if (fileSecret) {
            doc["services"][0]["secrets"] = {"key_file"};
            doc["secrets"] = json::array(
                {{{"id", "key_file"},
                  {"class", "per_install_generated"},
                  {"generator", {{"type", "random"}, {"length", 24}, {"charset", "alnum"}}},
                  {"target", {{"type", "file"}, {"name", "key.txt"}}}}});
        }
        QFile f(manifest());
        return f.open(QIODevice::WriteOnly) && f.write(QByteArray::fromStdString(doc.dump(2))) > 0;
    }

private:
    QTemporaryDir m_dir;
};

// A cgroup of the test's own below its cgroup, with a "session" cgroup in it that nobody delegated:
// a stand-in for the desktop session's cgroup Steward starts in. The fake systemd makes its
// scopes beside "session". Everything in it is ended and it is removed at the end.
class SessionCgroup
{
public:
    SessionCgroup()
        : m_base(CgroupTree::ownDirectory() + QStringLiteral("/tst-containment-%1").arg(::getpid()))
    {
        QDir().mkpath(m_base + QStringLiteral("/session"));
        m_procs = ::open(
            QFile::encodeName(m_base + QStringLiteral("/session/cgroup.procs")).constData(),
            O_WRONLY | O_CLOEXEC);
    }
    ~SessionCgroup()
    {
        if (m_procs >= 0)
            ::close(m_procs);
        QFile kill(m_base + QStringLiteral("/cgroup.kill"));
        if (kill.open(QIODevice::WriteOnly))
            kill.write("1");
        QTRY_VERIFY(Cgroup::pidsIn(m_base).isEmpty());
        const QStringList units = QDir(m_base).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        // A cgroup can be removed once the last process in it has ended.
        for (const QString &unit : units) {
            const QString dir = m_base + QLatin1Char('/') + unit;
            QTRY_VERIFY(QDir().rmdir(dir) || !QFileInfo::exists(dir));
        }
        QVERIFY(QDir().rmdir(m_base));
    }
    bool isReady() const { return m_procs >= 0; }
    QString base() const { return m_base; }
    // Moves the calling process (a child before exec) into "session".
    std::function<void()> join() const
    {
        return [fd = m_procs] {
            (void)!::write(fd, "0", 1);
        };
    }

private:
    QString m_base;
    int m_procs = -1;
};

// The cgroup v2 path a process is in ("/a/b"), from /proc/<pid>/cgroup.
QString cgroupOf(qint64 pid)
{
    for (const QString &line :
         readFile(QStringLiteral("/proc/%1/cgroup").arg(pid)).split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("0::")))
            return line.mid(3);
    }
    return {};
}

// The fake systemd on the session bus, making its scopes in `base`; every call in log().
class FakeSystemd
{
public:
    explicit FakeSystemd(const QString &base)
    {
        m_p.start(QStringLiteral(FAKE_SYSTEMD_PATH),
                  {base, m_dir.filePath(QStringLiteral("calls"))});
    }
    bool waitReady()
    {
        return QTest::qWaitFor(
            [&] {
                return m_p.canReadLine() || m_p.waitForReadyRead(50) ? m_p.readLine() == "ready\n"
                                                                     : false;
            },
            10000);
    }
    QList<json> calls() const
    {
        QList<json> out;
        for (const QString &line : readFile(m_dir.filePath(QStringLiteral("calls")))
                                       .split(QLatin1Char('\n'), Qt::SkipEmptyParts))
            out << json::parse(line.toStdString());
        return out;
    }
    ~FakeSystemd()
    {
        m_p.terminate();
        m_p.waitForFinished(5000);
    }

private:
    QTemporaryDir m_dir;
    QProcess m_p;
};

} // namespace

class tst_Containment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stewardIsNotReadableByItsServices_data();
    void stewardIsNotReadableByItsServices();
    void stewardHasNoCoreDump();
    void noGrandchildOutlivesAStop_data();
    void noGrandchildOutlivesAStop();
    void nextStartStopsWhatAKilledRunLeft_data();
    void nextStartStopsWhatAKilledRunLeft();
    void helpersLeaveNothingBehind_data();
    void helpersLeaveNothingBehind();
    void fakeSystemdAnswersSystemdRun();
    void systemdGivesStewardAScope();
    void nextStartLooksInEarlierScopes();
    void noCgroupsWithoutDelegation();
    void limitsSayWhetherTheyAreSet();
    void unsafeAppDataIsRefused_data();
    void unsafeAppDataIsRefused();
    void plantedRuntimeLinkIsReplaced();
    void symlinkedSecretDirIsRefused();
};

void tst_Containment::stewardIsNotReadableByItsServices_data()
{
    QTest::addColumn<QString>("attempt");
    QTest::addColumn<QString>("outcome");
    QTest::newRow("own environ (control)") << "own_environ"
                                           << "read";
    QTest::newRow("steward's environ") << "steward_environ"
                                       << "refused";
    QTest::newRow("steward's mem") << "steward_mem"
                                   << "refused";
}

void tst_Containment::stewardIsNotReadableByItsServices()
{
    QFETCH(QString, attempt);
    QFETCH(QString, outcome);
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("peek.sh"), {QStringLiteral("${data}/peek.txt")}));
    QTemporaryDir data;
    // The services are the user's, as Steward is. A root test run (a container) drops its
    // capabilities first: CAP_SYS_PTRACE would read any process, dumpable or not.
    QProcess steward;
    steward.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    QStringList args {QStringLiteral("--headless"), QStringLiteral("--manifest"), bundle.manifest(),
                      QStringLiteral("--app-data"), data.path()};
    if (::getuid() == 0) {
        args.prepend(QStringLiteral(STEWARD_PATH));
        args
            = QStringList {QStringLiteral("--bounding-set=-all"), QStringLiteral("--inh-caps=-all"),
                           QStringLiteral("--ambient-caps=-all"), QStringLiteral("--")}
            + args;
        steward.start(QStringLiteral("setpriv"), args);
    } else {
        steward.start(QStringLiteral(STEWARD_PATH), args);
    }
    QVERIFY(steward.waitForStarted());
    const QString report = data.filePath(QStringLiteral("peek.txt"));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(report), 30000);
    const QString got = readFile(report);
    QVERIFY2(got.contains(attempt + QStringLiteral(": ") + outcome), qPrintable(got));
    ::kill(pid_t(steward.processId()), SIGTERM);
    QVERIFY(steward.waitForFinished(20000));
    QCOMPARE(steward.exitCode(), 0);
}

void tst_Containment::stewardHasNoCoreDump()
{
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("none"), QStringLiteral("${data}/grandchild.pid")}));
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")), qPrintable(steward.out()));
    const QString limits = readFile(QStringLiteral("/proc/%1/limits").arg(steward.pid()));
    QString core;
    for (const QString &line : limits.split(QLatin1Char('\n'))) {
        if (line.startsWith(QLatin1String("Max core file size")))
            core = line.simplified();
    }
    QCOMPARE(core, QStringLiteral("Max core file size 0 0 bytes"));
    // No anonymous memory (heap, stacks) in a dump either: the filter Steward set for itself.
    // Only root may read it once Steward is not dumpable.
    const QString filter
        = readFile(QStringLiteral("/proc/%1/coredump_filter").arg(steward.pid())).trimmed();
    if (::getuid() == 0)
        QCOMPARE(filter, QStringLiteral("00000000"));
    // The console and /status say whether services are isolated from each other.
    const bool landlock = Sandbox::abi() > 0;
    QVERIFY2(steward.out().contains(
                 landlock ? QLatin1String("each service runs in a sandbox of its own")
                          : QLatin1String("services are not isolated from each other on this "
                                          "system")),
             qPrintable(steward.out()));
    const auto [reply, status] = statusOf(data.path());
    QVERIFY2(reply.contains("isolation"), qPrintable(status));
    QVERIFY(reply["isolation"]["services_isolated"] == json(landlock));
    QVERIFY(reply["isolation"]["cgroup_per_service"] == json(cgroupsHere()));
    const QString containment
        = QString::fromStdString(reply["isolation"]["containment"].get<std::string>());
    QVERIFY2(containment.contains(cgroupsHere() ? QLatin1String("in a cgroup of its own")
                                                : QLatin1String("not by a cgroup of their own")),
             qPrintable(containment));
    QCOMPARE(steward.terminate().code, 0);
}

void tst_Containment::noGrandchildOutlivesAStop_data()
{
    QTest::addColumn<QString>("where");
    QTest::newRow("in the service's group") << "group";
    QTest::newRow("in a session of its own") << "session";
    // Only a cgroup holds a process that left its session and cleared its run marker; without
    // one, docs/security.md says it escapes.
    if (cgroupsHere())
        QTest::newRow("in a session of its own, marker cleared") << "escape";
}

void tst_Containment::noGrandchildOutlivesAStop()
{
    QFETCH(QString, where);
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"), {where, QStringLiteral("${data}/gc.pid")}));
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")), qPrintable(steward.out()));
    const qint64 grandchild = pidIn(data.filePath(QStringLiteral("gc.pid")));
    QVERIFY(grandchild > 0);
    QVERIFY(test::isAlive(grandchild));
    QCOMPARE(steward.terminate().code, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(grandchild), 5000);
}

void tst_Containment::nextStartStopsWhatAKilledRunLeft_data()
{
    noGrandchildOutlivesAStop_data();
}

void tst_Containment::nextStartStopsWhatAKilledRunLeft()
{
    QFETCH(QString, where);
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"), {where, QStringLiteral("${data}/gc.pid")}));
    QTemporaryDir data;
    qint64 grandchild = 0;
    {
        StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
        QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")),
                 qPrintable(steward.out()));
        grandchild = readFile(data.filePath(QStringLiteral("gc.pid"))).trimmed().toLongLong();
        QVERIFY(grandchild > 0);
        ::kill(pid_t(steward.pid()), SIGKILL);
        QCOMPARE(steward.finish().code, -1);
    }
    // The kernel ends the service (parent-death signal), not what it forked.
    QVERIFY(test::isAlive(grandchild));
    QVERIFY(QFile::remove(data.filePath(QStringLiteral("gc.pid"))));

    StewardProcess next({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(next.waitFor(QStringLiteral("containment is ready.")), qPrintable(next.out()));
    QVERIFY2(next.out().contains(QStringLiteral("Stopped 1 process(es) an earlier run left behind "
                                                "(it ended without stopping its services): svc "
                                                "(pid %1, sleep)")
                                     .arg(grandchild)),
             qPrintable(next.out()));
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(grandchild), 5000);
    const QString telemetry = readFile(data.filePath(QStringLiteral("telemetry/events.jsonl")));
    QVERIFY2(telemetry.contains(QStringLiteral("\"leftover_processes_stopped\"")),
             qPrintable(telemetry));
    // This run's own grandchild is not taken for a leftover.
    const qint64 current = readFile(data.filePath(QStringLiteral("gc.pid"))).trimmed().toLongLong();
    QVERIFY(current > 0 && test::isAlive(current));
    QCOMPARE(next.terminate().code, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(current), 5000);
}

void tst_Containment::helpersLeaveNothingBehind_data()
{
    QTest::addColumn<QString>("helper");
    QTest::newRow("a migration") << "migration";
    QTest::newRow("a health check command") << "check";
}

void tst_Containment::helpersLeaveNothingBehind()
{
    QFETCH(QString, helper);
    ContainmentBundle bundle;
    // The helper forks a grandchild into a session of its own and ends.
    const json run {"services/helper.sh", "${data}/helper-gc.pid"};
    json more = helper == QLatin1String("migration")
        ? json {{"migrations", {{{"version", "1"}, {"command", run}, {"run_on", "always"}}}}}
        : json {{"health", {{"type", "command"}, {"command", run}, {"interval_ms", 200}}}};
    // The service runs on (its own grandchild in its group), so its health is checked.
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("group"), QStringLiteral("${data}/gc.pid")}, false, more));
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")), qPrintable(steward.out()));
    const QString pidFile = data.filePath(QStringLiteral("helper-gc.pid"));
    QTRY_VERIFY2_WITH_TIMEOUT(pidIn(pidFile) > 0, qPrintable(steward.out()), 10000);
    const qint64 grandchild = pidIn(pidFile);
    if (cgroupsHere()) {
        // The helper's own cgroup ends with it, and whatever it left there.
        QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(grandchild), 5000);
        QVERIFY(steward.isRunning());
    }
    // Without a cgroup, the service's stop finds it by its run marker.
    QCOMPARE(steward.terminate().code, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(grandchild), 5000);
}

void tst_Containment::fakeSystemdAnswersSystemdRun()
{
    if (!cgroupsHere())
        QSKIP("needs a cgroup v2 directory the test may write to");
    SessionCgroup session;
    FakeSystemd systemd(session.base());
    QVERIFY(session.isReady() && systemd.waitReady());
    // systemd's own client: without XDG_RUNTIME_DIR, systemd-run --user talks over the session
    // bus, and runs the command once the scope is there and it is in it.
    QProcess run;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("XDG_RUNTIME_DIR"));
    run.setProcessEnvironment(env);
    run.start(QStringLiteral("systemd-run"),
              {QStringLiteral("--user"), QStringLiteral("--scope"), QStringLiteral("-p"),
               QStringLiteral("Delegate=yes"), QStringLiteral("--unit=probe"), QStringLiteral("--"),
               QStringLiteral("cat"), QStringLiteral("/proc/self/cgroup")});
    QVERIFY(run.waitForFinished(20000));
    const QString out = QString::fromUtf8(run.readAllStandardOutput());
    QVERIFY2(run.exitCode() == 0, run.readAllStandardError().constData());
    const QString own = cgroupOf(::getpid());
    QVERIFY2(out.contains(QStringLiteral("0::%1/tst-containment-%2/probe.scope")
                              .arg(own == QLatin1String("/") ? QString() : own)
                              .arg(::getpid())),
             qPrintable(out));
    const QList<json> calls = systemd.calls();
    QCOMPARE(calls.size(), 1);
    QVERIFY(calls.first()["unit"] == json("probe.scope"));
    QVERIFY(calls.first()["mode"] == json("fail"));
    QVERIFY(calls.first()["delegate"] == json(true));
}

void tst_Containment::systemdGivesStewardAScope()
{
    if (!cgroupsHere())
        QSKIP("needs a cgroup v2 directory the test may write to");
    SessionCgroup session;
    FakeSystemd systemd(session.base());
    QVERIFY(session.isReady() && systemd.waitReady());
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("escape"), QStringLiteral("${data}/gc.pid")}));
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest(),
                           QProcessEnvironment::systemEnvironment(), session.join());
    QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")), qPrintable(steward.out()));
    // Steward asked for a delegated scope holding itself, and is in it.
    const QString unit = QStringLiteral("steward-containment-%1.scope").arg(steward.pid());
    const QList<json> calls = systemd.calls();
    QCOMPARE(calls.size(), 1);
    QVERIFY(calls.first()["unit"] == json(unit.toStdString()));
    QVERIFY(calls.first()["delegate"] == json(true));
    QVERIFY(calls.first()["pids"] == json::array({steward.pid()}));
    QVERIFY2(cgroupOf(steward.pid()).endsWith(QStringLiteral("/session")) == false
                 && cgroupOf(steward.pid()).endsWith(QLatin1Char('/') + unit),
             qPrintable(cgroupOf(steward.pid())));
    // The service's grandchild, which left its session and cleared its marker, is in the
    // service's cgroup inside the scope, and ends with the stop.
    const qint64 grandchild = pidIn(data.filePath(QStringLiteral("gc.pid")));
    QVERIFY(grandchild > 0);
    QVERIFY2(cgroupOf(grandchild).contains(QLatin1Char('/') + unit + QStringLiteral("/steward-")),
             qPrintable(cgroupOf(grandchild)));
    QVERIFY(cgroupOf(grandchild).endsWith(QStringLiteral("/svc")));
    const auto [reply, status] = statusOf(data.path());
    QVERIFY2(reply["isolation"]["cgroup_per_service"] == json(true), qPrintable(status));
    QCOMPARE(steward.terminate().code, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(grandchild), 5000);
}

void tst_Containment::nextStartLooksInEarlierScopes()
{
    if (!cgroupsHere())
        QSKIP("needs a cgroup v2 directory the test may write to");
    SessionCgroup session;
    FakeSystemd systemd(session.base());
    QVERIFY(session.isReady() && systemd.waitReady());
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("escape"), QStringLiteral("${data}/gc.pid")}));
    QTemporaryDir data;
    qint64 grandchild = 0;
    {
        StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest(),
                               QProcessEnvironment::systemEnvironment(), session.join());
        QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")),
                 qPrintable(steward.out()));
        grandchild = pidIn(data.filePath(QStringLiteral("gc.pid")));
        QVERIFY(grandchild > 0);
        ::kill(pid_t(steward.pid()), SIGKILL);
        QCOMPARE(steward.finish().code, -1);
    }
    // Left in the killed run's scope, its marker cleared: only that cgroup still knows it.
    QVERIFY(test::isAlive(grandchild));
    QVERIFY(QFile::remove(data.filePath(QStringLiteral("gc.pid"))));
    StewardProcess next({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest(),
                        QProcessEnvironment::systemEnvironment(), session.join());
    QVERIFY2(next.waitFor(QStringLiteral("containment is ready.")), qPrintable(next.out()));
    QCOMPARE(systemd.calls().size(), 2); // a scope of its own for each run
    QVERIFY2(next.out().contains(QStringLiteral("Stopped 1 process(es) an earlier run left behind "
                                                "(it ended without stopping its services): svc "
                                                "(pid %1, sleep)")
                                     .arg(grandchild)),
             qPrintable(next.out()));
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(grandchild), 5000);
    QCOMPARE(next.terminate().code, 0);
}

void tst_Containment::noCgroupsWithoutDelegation()
{
    if (!cgroupsHere())
        QSKIP("needs a cgroup v2 directory the test may write to");
    // In a cgroup nobody delegated, and no systemd on the bus to ask: Steward makes no cgroup
    // there, says why, and runs its services as before.
    SessionCgroup session;
    QVERIFY(session.isReady());
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("session"), QStringLiteral("${data}/gc.pid")}));
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest(),
                           QProcessEnvironment::systemEnvironment(), session.join());
    QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")), qPrintable(steward.out()));
    QVERIFY(cgroupOf(steward.pid()).endsWith(QStringLiteral("/session")));
    QCOMPARE(QDir(session.base() + QStringLiteral("/session"))
                 .entryList(QDir::Dirs | QDir::NoDotAndDotDot),
             QStringList());
    const auto [reply, status] = statusOf(data.path());
    QVERIFY2(reply["isolation"]["cgroup_per_service"] == json(false), qPrintable(status));
    const QString containment
        = QString::fromStdString(reply["isolation"]["containment"].get<std::string>());
    QVERIFY2(
        containment.contains(QStringLiteral("is not delegated to it, and systemd gave it none")),
        qPrintable(containment));
    // The process group and run marker still end what left the group.
    const qint64 grandchild = pidIn(data.filePath(QStringLiteral("gc.pid")));
    QCOMPARE(steward.terminate().code, 0);
    QTRY_VERIFY_WITH_TIMEOUT(!test::isAlive(grandchild), 5000);
}

void tst_Containment::limitsSayWhetherTheyAreSet()
{
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("group"), QStringLiteral("${data}/gc.pid")}, false,
                         {{"limits", {{"memory_mb", 256}, {"pids", 64}}}}));
    QTemporaryDir data;
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")), qPrintable(steward.out()));
    const auto [reply, status] = statusOf(data.path());
    QVERIFY2(reply.contains("services"), qPrintable(status));
    const json limits = reply["services"][0]["limits"];
    QVERIFY(limits["memory_mb"] == json(256) && limits["pids"] == json(64)
            && limits["cpu_percent"].is_null());
    const bool here = test::limitsHere({QStringLiteral("memory"), QStringLiteral("pids")});
    QVERIFY2(limits["applied"] == json(here), qPrintable(status));
    // The service still runs, with or without them.
    const qint64 pid = reply["services"][0]["pid"].get<qint64>();
    QVERIFY(test::isAlive(pid));
    if (here) {
        // The kernel holds them on the service's own cgroup.
        const QString own = CgroupTree::ownDirectory();
        const QString self = cgroupOf(::getpid());
        const QString mount = self == QLatin1String("/") ? own : own.chopped(self.size());
        const QString dir = mount + cgroupOf(pid);
        QCOMPARE(readFile(dir + QStringLiteral("/memory.max")).trimmed(),
                 QStringLiteral("268435456"));
        QCOMPARE(readFile(dir + QStringLiteral("/pids.max")).trimmed(), QStringLiteral("64"));
        QCOMPARE(readFile(dir + QStringLiteral("/memory.oom.group")).trimmed(),
                 QStringLiteral("1"));
    } else {
        // Why not, in words.
        const QString why = QString::fromStdString(limits["why_not"].get<std::string>());
        QVERIFY2(cgroupsHere() ? why.contains(QLatin1String("controller"))
                               : why.contains(QLatin1String("no cgroups")),
                 qPrintable(why));
    }
    QCOMPARE(steward.terminate().code, 0);
}

void tst_Containment::unsafeAppDataIsRefused_data()
{
    QTest::addColumn<QString>("plant");
    QTest::addColumn<QString>("named"); // relative to the app data dir
    QTest::addColumn<QString>("error");
    QTest::newRow("app data writable by others") << "world-writable"
                                                 << ""
                                                 << "other users can write to it";
    QTest::newRow("logs a symbolic link") << "logs-link"
                                          << "logs"
                                          << "it is a symbolic link";
    QTest::newRow("steward.log a symbolic link") << "log-link"
                                                 << "logs/steward.log"
                                                 << "it is a symbolic link";
    QTest::newRow("steward.log not a file (unwritable)") << "log-dir"
                                                         << "logs/steward.log"
                                                         << "cannot open";
}

void tst_Containment::unsafeAppDataIsRefused()
{
    QFETCH(QString, plant);
    QFETCH(QString, named);
    QFETCH(QString, error);
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("none"), QStringLiteral("${data}/gc.pid")}));
    QTemporaryDir tmp;
    const QString data = tmp.filePath(QStringLiteral("data"));
    const QString elsewhere = tmp.filePath(QStringLiteral("elsewhere"));
    const QString victim = tmp.filePath(QStringLiteral("bashrc"));
    QVERIFY(QDir().mkpath(data) && QDir().mkpath(elsewhere));
    QFile v(victim);
    QVERIFY(v.open(QIODevice::WriteOnly) && v.write("original\n") > 0);
    v.close();
    if (plant == QLatin1String("world-writable")) {
        QVERIFY(QFile::setPermissions(data, QFileDevice::Permissions(0x7777)));
    } else if (plant == QLatin1String("logs-link")) {
        QVERIFY(QFile::link(elsewhere, data + QStringLiteral("/logs")));
    } else if (plant == QLatin1String("log-link")) {
        QVERIFY(QDir().mkpath(data + QStringLiteral("/logs")));
        QVERIFY(QFile::link(victim, data + QStringLiteral("/logs/steward.log")));
    } else if (plant == QLatin1String("log-dir")) {
        QVERIFY(QDir().mkpath(data + QStringLiteral("/logs/steward.log")));
    }
    StewardProcess steward({QStringLiteral("--app-data"), data}, {}, bundle.manifest());
    const CommandOutcome r = steward.finish();
    QCOMPARE(r.code, 9);
    const QString path = named.isEmpty() ? data : data + QLatin1Char('/') + named;
    QVERIFY2(r.err.contains(path) && r.err.contains(error), qPrintable(r.err));
    QVERIFY(QDir(elsewhere).isEmpty());
    QCOMPARE(readFile(victim), QStringLiteral("original\n"));
}

void tst_Containment::plantedRuntimeLinkIsReplaced()
{
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("none"), QStringLiteral("${data}/gc.pid")}, true));
    QTemporaryDir data;
    QTemporaryDir elsewhere;
    const QString runtime = data.filePath(QStringLiteral("runtime"));
    QVERIFY(QFile::link(elsewhere.path(), runtime));
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("containment is ready.")),
             qPrintable(steward.out() + steward.err()));
    // Steward's runtime files, file secrets included, are in its private dir; the planted link
    // was replaced by one to it, and nothing went where the planted one pointed.
    const QString privateDir = PrivateDir::pathFor(data.path());
    QCOMPARE(QFile::symLinkTarget(runtime), privateDir + QStringLiteral("/runtime"));
    QVERIFY(QFile::exists(privateDir + QStringLiteral("/runtime/secrets/svc/key.txt")));
    QVERIFY(QDir(elsewhere.path()).isEmpty());
    QCOMPARE(steward.terminate().code, 0);
    QDir(privateDir).removeRecursively();
}

void tst_Containment::symlinkedSecretDirIsRefused()
{
    ContainmentBundle bundle;
    QVERIFY(bundle.write(QStringLiteral("forker.sh"),
                         {QStringLiteral("none"), QStringLiteral("${data}/gc.pid")}, true));
    QTemporaryDir data;
    QTemporaryDir elsewhere;
    QVERIFY(QDir().mkpath(data.filePath(QStringLiteral("runtime/secrets"))));
    QVERIFY(QFile::link(elsewhere.path(), data.filePath(QStringLiteral("runtime/secrets/svc"))));
    // An earlier version's runtime dir is moved into the private dir, the planted link with it.
    const QString planted
        = PrivateDir::pathFor(data.path()) + QStringLiteral("/runtime/secrets/svc");
    StewardProcess steward({QStringLiteral("--app-data"), data.path()}, {}, bundle.manifest());
    QVERIFY2(steward.waitFor(QStringLiteral("refusing %1: it is a symbolic link").arg(planted)),
             qPrintable(steward.out() + steward.err()));
    QVERIFY(QDir(elsewhere.path()).isEmpty());
    steward.terminate();
    QVERIFY(QDir(elsewhere.path()).exists()); // the stop removed the link, not what it points to
}

QTEST_GUILESS_MAIN(tst_Containment)
#include "tst_containment.moc"
