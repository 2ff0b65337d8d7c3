// A hostile service against the real steward, the real keychain and the real kernel (issue 21):
// services/hostile.sh tries to take its sibling's secrets, Steward's admin token, memory and
// state, and to write outside its folders. Each attempt is a row: refused with the default
// sandbox, and with "sandbox": "off" the exposure docs/security.md describes, which shows that
// the sandbox is what refuses it.

#include "StewardProcess.h"
#include "TestPaths.h"
#include "process/Sandbox.h"

#include <QDir>
#include <QFile>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <nlohmann/json.hpp>
#include <sys/prctl.h>
#include <unistd.h>

using namespace steward;
using json = nlohmann::json;

namespace {

QString readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
}

// The bundle: "victim" (a secret in its environment and one in a file) and "hostile", which
// starts once the victim runs and reports what it got to ${data}/hostile.txt.
json manifest(const QString &sandbox)
{
    auto binary = [](const char *script, json args) {
        const json b {{"path", std::string("services/") + script}, {"args", args}};
        return json {{"linux-x64", b}, {"linux-arm64", b}};
    };
    auto readyWhen = [](const char *pattern) {
        return json {{"type", "log_match"}, {"pattern", pattern}, {"timeout_ms", 20000}};
    };
    // A command probe: it runs in a sandbox of its own too.
    const json health {{"type", "command"}, {"command", {"true"}}, {"interval_ms", 500}};
    json victim {{"id", "victim"},
                 {"type", "worker"},
                 {"binaries", binary("victim.sh", json::array())},
                 {"secrets", {"victim_key", "victim_file"}},
                 {"health", health},
                 {"readiness", readyWhen("victim ready")}};
    json hostile {{"id", "hostile"},
                  {"type", "worker"},
                  {"binaries", binary("hostile.sh", {"${data}/hostile.txt"})},
                  {"dependencies", {"victim"}},
                  {"health", health},
                  {"readiness", readyWhen("hostile done")},
                  {"sandbox", sandbox.toStdString()}};
    auto generated = [](const char *id, json target) {
        return json {{"id", id},
                     {"class", "per_install_generated"},
                     {"generator", {{"type", "random"}, {"length", 24}, {"charset", "alnum"}}},
                     {"target", target}};
    };
    return {{"schema_version", "v0.1"},
            {"target", "desktop"},
            {"app", {{"name", "hostile-test"}, {"version", "1.0.0"}}},
            {"ipc",
             {{"mode", "loopback-http"},
              {"host", "127.0.0.1"},
              {"port", 47994},
              {"auth_token_path", "runtime/auth-token"}}},
            {"telemetry", {{"file", "telemetry/events.jsonl"}}},
            {"secrets",
             {generated("victim_key", {{"type", "env"}, {"name", "VICTIM_KEY"}}),
              generated("victim_file", {{"type", "file"}, {"name", "victim.key"}})}},
            {"services", {victim, hostile}}};
}

} // namespace

class tst_HostileService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void attempts_data();
    void attempts();

private:
    // Runs the bundle with the hostile service's sandbox `mode`; its report, attempt -> verdict.
    bool run(const QString &mode);
    QHash<QString, QHash<QString, QString>> m_reports; // mode -> attempt -> got|refused
};

bool tst_HostileService::run(const QString &mode)
{
    QTemporaryDir bundle;
    QDir(bundle.path()).mkpath(QStringLiteral("services"));
    for (const char *script : {"victim.sh", "hostile.sh"}) {
        const QString to = bundle.filePath(QStringLiteral("services/") + QLatin1String(script));
        if (!QFile::copy(test::sourceDir() + QStringLiteral("/tests/runtime/hostile/")
                             + QLatin1String(script),
                         to)
            || !QFile::setPermissions(to, QFileDevice::ReadOwner | QFileDevice::ExeOwner))
            return false;
    }
    QFile m(bundle.filePath(QStringLiteral("bundle.json")));
    if (!m.open(QIODevice::WriteOnly)
        || m.write(QByteArray::fromStdString(manifest(mode).dump(2))) < 0)
        return false;
    m.close();
    // A home folder, and the app data dir in it, not under /tmp (where the test session's HOME
    // is), which every service may write: as for a user, the home folder and the app data dir's
    // private sibling are out of the services' reach.
    QTemporaryDir home(test::binaryDir() + QStringLiteral("/hostile-home-XXXXXX"));
    const QString data = home.filePath(QStringLiteral("data"));
    if (!QDir().mkpath(data))
        return false;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("HOME"), home.path());
    // Services are the user's, without capabilities: a root test run (a container) drops them
    // for Steward and so its services, since CAP_SYS_PTRACE reads any process's /proc files.
    QProcess steward;
    steward.setProcessEnvironment(env);
    steward.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    QStringList args {QStringLiteral(STEWARD_PATH), QStringLiteral("--headless"),
                      QStringLiteral("--manifest"), m.fileName(),
                      QStringLiteral("--app-data"), data};
    if (::getuid() == 0)
        args = QStringList {QStringLiteral("setpriv"), QStringLiteral("--bounding-set=-all"),
                            QStringLiteral("--inh-caps=-all"),
                            QStringLiteral("--ambient-caps=-all"), QStringLiteral("--")}
            + args;
    steward.start(args.first(), args.mid(1));
    if (!steward.waitForStarted())
        return false;
    const QString report = data + QStringLiteral("/hostile.txt");
    const bool done = QTest::qWaitFor([&] { return QFile::exists(report); }, 30000);
    // processId() is 0 once it ended, and kill(0, ...) would signal the test's own group.
    if (const qint64 pid = steward.processId(); pid > 0)
        ::kill(pid_t(pid), SIGTERM);
    steward.waitForFinished(20000);
    if (!done) {
        qWarning("steward said: %s%s", steward.readAllStandardOutput().constData(),
                 steward.readAllStandardError().constData());
        return false;
    }
    for (const QString &line : readFile(report).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
        const qsizetype colon = line.lastIndexOf(QLatin1String(": "));
        m_reports[mode].insert(line.left(colon), line.mid(colon + 2));
    }
    return true;
}

void tst_HostileService::initTestCase()
{
    if (Sandbox::abi() < 1)
        QSKIP("this kernel has no Landlock");
    QVERIFY(run(QStringLiteral("strict")));
    QVERIFY(run(QStringLiteral("off")));
}

void tst_HostileService::attempts_data()
{
    QTest::addColumn<QString>("attempt");
    QTest::addColumn<QString>("strict"); // with the default sandbox
    QTest::addColumn<QString>("off"); // with "sandbox": "off": what docs/security.md says is open
    QTest::newRow("write its own data (control)") << "own data"
                                                  << "got"
                                                  << "got";
    QTest::newRow("read the admin token") << "admin token"
                                          << "refused"
                                          << "got";
    QTest::newRow("read a sibling's environ") << "sibling environ"
                                              << "refused"
                                              << "got";
    // Steward is not dumpable: refused either way.
    QTest::newRow("read Steward's environ") << "steward environ"
                                            << "refused"
                                            << "refused";
    QTest::newRow("open Steward's mem") << "steward mem"
                                        << "refused"
                                        << "refused";
    QTest::newRow("read a sibling's file secret") << "sibling file secret"
                                                  << "refused"
                                                  << "got";
    QTest::newRow("read state.json") << "state.json"
                                     << "refused"
                                     << "got";
    QTest::newRow("write in the home folder") << "write in home"
                                              << "refused"
                                              << "got";
    const QString signal = Sandbox::abi() >= 6 ? QStringLiteral("refused") : QStringLiteral("got");
    QTest::newRow("signal Steward") << "signal steward" << signal << "got";
    const QString bus = qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS")
        ? QStringLiteral("refused")
        : QStringLiteral("got");
    QTest::newRow("learn the session bus address") << "session bus address"
                                                   << "refused" << bus;
}

void tst_HostileService::attempts()
{
    QFETCH(QString, attempt);
    QFETCH(QString, strict);
    QFETCH(QString, off);
    QCOMPARE(m_reports.value(QStringLiteral("strict")).value(attempt), strict);
    QCOMPARE(m_reports.value(QStringLiteral("off")).value(attempt), off);
}

QTEST_GUILESS_MAIN(tst_HostileService)
#include "tst_hostileservice.moc"
