#include "process/Sandbox.h"
#include "process/ServiceSandbox.h"

#include <QDir>
#include <QFile>
#include <QLocalServer>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <unistd.h>

using namespace steward;

// The Landlock sandbox with the real kernel: a shell in the sandbox tries what a hostile service
// would, and each attempt is checked against the rules it was given.
class tst_Sandbox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void attempts_data();
    void attempts();
    void network_data();
    void network();
    void manifestConnectKeepsTheBundleReachable();
};

void tst_Sandbox::initTestCase()
{
    if (Sandbox::abi() < 1)
        QSKIP("this kernel has no Landlock");
}

void tst_Sandbox::attempts_data()
{
    QTest::addColumn<QString>("command"); // @ becomes the temporary dir, %P this test's pid
    QTest::addColumn<bool>("allowed");
    QTest::newRow("run a system program") << "true" << true;
    QTest::newRow("read a granted file") << "cat @/readonly/file" << true;
    QTest::newRow("write in a granted dir") << "echo x >@/allowed/x" << true;
    QTest::newRow("read its own environ") << "cat /proc/self/environ" << true;
    QTest::newRow("read outside its grants") << "cat @/private.txt" << false;
    QTest::newRow("list outside its grants") << "ls @" << false;
    QTest::newRow("write in a read-only grant") << "echo x >@/readonly/y" << false;
    QTest::newRow("write outside its grants") << "echo x >@/planted" << false;
    QTest::newRow("read its supervisor's environ") << "cat /proc/%P/environ" << false;
    QTest::newRow("open its supervisor's mem") << "exec 3</proc/%P/mem" << false;
    // ABI 6 scopes signals to the domain; before it, the supervisor may be signalled.
    QTest::newRow("signal its supervisor") << "kill -0 %P" << (Sandbox::abi() < 6);
    QTest::newRow("signal its own child (control)") << "sleep 5 & kill $!" << true;
    // ABI 6 also scopes abstract unix sockets: connecting to the supervisor's (%A) fails with
    // EPERM (exit 1); any other failure (exit 42) fails the row.
    QTest::newRow("connect to its supervisor's abstract socket")
        << "/usr/bin/python3 -c \"import socket,sys\ntry: "
           "socket.socket(socket.AF_UNIX).connect('\\\\0%A')\nexcept PermissionError: "
           "sys.exit(1)\nexcept OSError: sys.exit(42)\""
        << (Sandbox::abi() < 6);
}

void tst_Sandbox::attempts()
{
    QFETCH(QString, command);
    QFETCH(bool, allowed);
    QTemporaryDir tmp;
    QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("allowed")));
    QVERIFY(QDir(tmp.path()).mkpath(QStringLiteral("readonly")));
    for (const char *name : {"readonly/file", "private.txt"}) {
        QFile f(tmp.filePath(QLatin1String(name)));
        QVERIFY(f.open(QIODevice::WriteOnly) && f.write("data\n") > 0);
    }
    Sandbox::Rules rules;
    rules.readExecute = {QStringLiteral("/usr"),   QStringLiteral("/bin"), QStringLiteral("/lib"),
                         QStringLiteral("/lib64"), QStringLiteral("/etc"), QStringLiteral("/proc"),
                         QStringLiteral("/dev")};
    rules.readWrite = {tmp.filePath(QStringLiteral("allowed"))};
    rules.readOnly = {tmp.filePath(QStringLiteral("readonly"))};
    const Result<std::shared_ptr<Sandbox>> sandbox = Sandbox::build(rules);
    QVERIFY2(sandbox, qPrintable(sandbox.error()));
    const int fd = sandbox.value()->rulesetFd();

    QProcess sh;
    sh.setChildProcessModifier([fd] {
        if (!Sandbox::restrictSelf(fd))
            ::_exit(125);
    });
    command.replace(QLatin1Char('@'), tmp.path());
    command.replace(QLatin1String("%P"), QString::number(::getpid()));
    // An abstract unix socket of this (unsandboxed) process, for the scoping row.
    QLocalServer abstract;
    abstract.setSocketOptions(QLocalServer::AbstractNamespaceOption);
    const QString abstractName = QStringLiteral("steward-sandbox-%1").arg(::getpid());
    QVERIFY2(abstract.listen(abstractName), qPrintable(abstract.errorString()));
    command.replace(QLatin1String("%A"), abstractName);
    // Services are the user's, without capabilities: a root test run (a container) drops them,
    // since CAP_SYS_PTRACE reads the /proc files of any process, sandboxed or not.
    QStringList argv {QStringLiteral("/bin/sh"), QStringLiteral("-c"), command};
    if (::getuid() == 0)
        argv = QStringList {QStringLiteral("setpriv"), QStringLiteral("--bounding-set=-all"),
                            QStringLiteral("--inh-caps=-all"), QStringLiteral("--")}
            + argv;
    sh.start(argv.first(), argv.mid(1));
    QVERIFY(sh.waitForFinished(10000));
    QVERIFY2(sh.exitCode() != 125, "the sandbox could not be entered");
    // Exit 42 is a failure that is not the sandbox's refusal (the abstract socket row).
    QVERIFY2(allowed ? sh.exitCode() == 0 : sh.exitCode() != 0 && sh.exitCode() != 42,
             sh.readAllStandardError().constData());
    if (!allowed)
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("planted"))));
}

void tst_Sandbox::network_data()
{
    QTest::addColumn<QString>("what"); // bind PORT, or connect PORT
    QTest::addColumn<QString>("connectTo"); // the only port it may connect to; "": any
    QTest::addColumn<bool>("allowed");
    // %O is a port of its own, %X another free port, %L one the test listens on.
    QTest::newRow("listen on its own port") << "bind %O"
                                            << "" << true;
    QTest::newRow("listen on an ephemeral port") << "bind 0"
                                                 << "" << true;
    QTest::newRow("listen on another port") << "bind %X"
                                            << "" << (Sandbox::abi() < 4);
    QTest::newRow("connect out (stays open)") << "connect %L"
                                              << "" << true;
    // A manifest's "connect": [...].
    QTest::newRow("connect to a listed port") << "connect %L"
                                              << "%L" << true;
    QTest::newRow("connect to an unlisted port") << "connect %L"
                                                 << "%X" << (Sandbox::abi() < 4);
}

void tst_Sandbox::network()
{
    QFETCH(QString, what);
    QFETCH(QString, connectTo);
    QFETCH(bool, allowed);
    // The system's: one in the home folder (pyenv) is outside the sandbox's grants.
    const QString python = QStandardPaths::findExecutable(
        QStringLiteral("python3"), {QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
    if (python.isEmpty())
        QSKIP("no python3 in /usr/bin");
    auto freePort = [] {
        QTcpServer s;
        return s.listen(QHostAddress::LocalHost) ? s.serverPort() : quint16(0);
    };
    const quint16 own = freePort();
    const quint16 other = freePort();
    QTcpServer listening;
    QVERIFY(listening.listen(QHostAddress::LocalHost));
    for (QString *text : {&what, &connectTo}) {
        text->replace(QLatin1String("%O"), QString::number(own));
        text->replace(QLatin1String("%X"), QString::number(other));
        text->replace(QLatin1String("%L"), QString::number(listening.serverPort()));
    }
    const QStringList words = what.split(QLatin1Char(' '));
    Sandbox::Rules rules;
    rules.readExecute = {QStringLiteral("/usr"),   QStringLiteral("/bin"), QStringLiteral("/lib"),
                         QStringLiteral("/lib64"), QStringLiteral("/etc"), QStringLiteral("/proc"),
                         QStringLiteral("/dev")};
    rules.bindPorts = QList<quint16> {own};
    if (!connectTo.isEmpty())
        rules.connectPorts = QList<quint16> {quint16(connectTo.toUInt())};
    const Result<std::shared_ptr<Sandbox>> sandbox = Sandbox::build(rules);
    QVERIFY2(sandbox, qPrintable(sandbox.error()));
    const int fd = sandbox.value()->rulesetFd();
    QProcess py;
    py.setChildProcessModifier([fd] {
        if (!Sandbox::restrictSelf(fd))
            ::_exit(125);
    });
    const QString script = words.first() == QLatin1String("bind")
        ? QStringLiteral("import socket,sys\ns=socket.socket()\ns.bind(('127.0.0.1', %1))")
        : QStringLiteral("import socket,sys\nsocket.create_connection(('127.0.0.1', %1), 5)");
    py.start(python, {QStringLiteral("-c"), script.arg(words.at(1))});
    QVERIFY2(py.waitForFinished(10000), qPrintable(py.errorString()));
    QVERIFY2(py.exitCode() != 125, "the sandbox could not be entered");
    QVERIFY2((py.exitCode() == 0) == allowed, py.readAllStandardError().constData());
}

void tst_Sandbox::manifestConnectKeepsTheBundleReachable()
{
    // "connect": [443]: those ports, the bundle's own services and Steward's control API.
    ServiceSpec service;
    service.id = QStringLiteral("api");
    ServiceSandbox::Paths paths;
    paths.ports = {47101};
    paths.bundlePorts = {47101, 47201, 41000};
    QVERIFY(!ServiceSandbox::rules(service, paths).connectPorts);
    service.sandbox.connect = QList<quint16> {443};
    const Sandbox::Rules rules = ServiceSandbox::rules(service, paths);
    QCOMPARE(rules.connectPorts, std::optional(QList<quint16> {443, 47101, 47201, 41000}));
    QCOMPARE(rules.bindPorts, std::optional(QList<quint16> {47101}));
}

QTEST_GUILESS_MAIN(tst_Sandbox)
#include "tst_sandbox.moc"
