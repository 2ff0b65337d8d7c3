#include "process/Sandbox.h"

#include <QDir>
#include <QFile>
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
    QCOMPARE(sh.exitCode() == 0, allowed);
    if (!allowed)
        QVERIFY(!QFile::exists(tmp.filePath(QStringLiteral("planted"))));
}

void tst_Sandbox::network_data()
{
    QTest::addColumn<QString>("what"); // bind PORT, or connect PORT
    QTest::addColumn<bool>("allowed");
    // %O is a port of its own, %X another free port, %L one the test listens on.
    QTest::newRow("listen on its own port") << "bind %O" << true;
    QTest::newRow("listen on an ephemeral port") << "bind 0" << true;
    QTest::newRow("listen on another port") << "bind %X" << (Sandbox::abi() < 4);
    QTest::newRow("connect out (stays open)") << "connect %L" << true;
}

void tst_Sandbox::network()
{
    QFETCH(QString, what);
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
    what.replace(QLatin1String("%O"), QString::number(own));
    what.replace(QLatin1String("%X"), QString::number(other));
    what.replace(QLatin1String("%L"), QString::number(listening.serverPort()));
    const QStringList words = what.split(QLatin1Char(' '));
    Sandbox::Rules rules;
    rules.readExecute = {QStringLiteral("/usr"),   QStringLiteral("/bin"), QStringLiteral("/lib"),
                         QStringLiteral("/lib64"), QStringLiteral("/etc"), QStringLiteral("/proc"),
                         QStringLiteral("/dev")};
    rules.bindPorts = QList<quint16> {own};
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

QTEST_GUILESS_MAIN(tst_Sandbox)
#include "tst_sandbox.moc"
