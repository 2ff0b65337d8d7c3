#include "cli/AppLocator.h"

#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace steward;

namespace {

// An app data directory under `root` as a running Steward leaves it: runtime/ipc_port and
// runtime/steward.lock, held by this test process (alive) or naming `deadPid`.
std::unique_ptr<QLockFile> makeApp(const QString &root, const QString &name, qint64 deadPid = 0)
{
    const QString runtime = root + QLatin1Char('/') + name + QStringLiteral("/runtime");
    QDir().mkpath(runtime);
    QFile port(runtime + QStringLiteral("/ipc_port"));
    if (port.open(QIODevice::WriteOnly))
        port.write("47000\n");
    if (deadPid > 0) {
        QFile lock(runtime + QStringLiteral("/steward.lock"));
        if (lock.open(QIODevice::WriteOnly))
            lock.write(QByteArray::number(deadPid) + "\nsteward\n"
                       + QSysInfo::machineHostName().toUtf8() + "\n");
        return nullptr;
    }
    auto held = std::make_unique<QLockFile>(runtime + QStringLiteral("/steward.lock"));
    held->tryLock(0);
    return held;
}

qint64 deadPid()
{
    QProcess p;
    p.start(QStringLiteral("true"), {});
    p.waitForStarted();
    const qint64 pid = p.processId();
    p.waitForFinished();
    return pid;
}

} // namespace

// How stewardctl finds the running app without --app-data, on real lock files.
class tst_AppLocator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void theOnlyRunningAppIsFound();
    void severalRunningAppsAskForOne();
    void staleAndStoppedAppsAreIgnored();
    void noneRunningSaysSo();
};

void tst_AppLocator::theOnlyRunningAppIsFound()
{
    QTemporaryDir root;
    const auto lock = makeApp(root.path(), QStringLiteral("hello"));
    QVERIFY(lock && lock->isLocked());
    const Result<QString> found = AppLocator::find({}, root.path());
    QVERIFY2(found, qPrintable(found.error()));
    QCOMPARE(found.value(), root.path() + QStringLiteral("/hello"));
    QCOMPARE(AppLocator::running(root.path()).first().pid, QCoreApplication::applicationPid());
}

void tst_AppLocator::severalRunningAppsAskForOne()
{
    QTemporaryDir root;
    const auto a = makeApp(root.path(), QStringLiteral("alpha"));
    const auto b = makeApp(root.path(), QStringLiteral("beta"));
    const Result<QString> either = AppLocator::find({}, root.path());
    QVERIFY(!either);
    QVERIFY2(either.error().contains(QStringLiteral("several apps are running (alpha, beta)")),
             qPrintable(either.error()));
    QVERIFY(either.error().contains(QStringLiteral("--app NAME")));
    const Result<QString> beta = AppLocator::find(QStringLiteral("beta"), root.path());
    QVERIFY(beta);
    QCOMPARE(beta.value(), root.path() + QStringLiteral("/beta"));
    const Result<QString> gamma = AppLocator::find(QStringLiteral("gamma"), root.path());
    QVERIFY(!gamma);
    QVERIFY(gamma.error().contains(QStringLiteral("gamma is not running")));
}

void tst_AppLocator::staleAndStoppedAppsAreIgnored()
{
    QTemporaryDir root;
    const auto live = makeApp(root.path(), QStringLiteral("live"));
    makeApp(root.path(), QStringLiteral("crashed"), deadPid());
    QDir().mkpath(root.path() + QStringLiteral("/stopped/runtime")); // exited cleanly: no lock
    const QList<AppLocator::RunningApp> apps = AppLocator::running(root.path());
    QCOMPARE(apps.size(), 1);
    QCOMPARE(apps.first().name, QStringLiteral("live"));
    QVERIFY(AppLocator::find({}, root.path()));
}

void tst_AppLocator::noneRunningSaysSo()
{
    QTemporaryDir root;
    const Result<QString> none = AppLocator::find({}, root.path());
    QVERIFY(!none);
    QVERIFY(none.error().contains(QStringLiteral("no Steward is running")));
}

QTEST_GUILESS_MAIN(tst_AppLocator)
#include "tst_applocator.moc"
