#include "FileMode.h"
#include "cli/AppLocator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <unistd.h>

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

// The entry a Steward of `pid` would have left, written by hand: for a pid that is gone, or one
// the kernel gave to another process since (another start time).
void plantEntry(const QString &registry, const QString &app, qint64 pid, const QString &startTime)
{
    QDir().mkpath(registry);
    QFile f(registry + QStringLiteral("/%1.json").arg(pid));
    if (f.open(QIODevice::WriteOnly))
        f.write(QStringLiteral(R"({"app":"%1","app_data":"/nowhere/%1","port_file":"",)"
                               R"("pid":%2,"start_time":"%3"})")
                    .arg(app)
                    .arg(pid)
                    .arg(startTime)
                    .toUtf8());
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
    void registeredAppIsFoundWhereverItsDataIs();
    void staleRegistryEntriesAreIgnoredAndCleared();
    void sameAppTwiceAsksForItsDataDir();
    void registryOthersCanWriteIsNotBelieved();

private:
    // The registry these tests use, instead of the session's (where the Stewards of other tests
    // running at the same time register).
    QTemporaryDir m_registry;
};

void tst_AppLocator::theOnlyRunningAppIsFound()
{
    QTemporaryDir root;
    const auto lock = makeApp(root.path(), QStringLiteral("hello"));
    QVERIFY(lock && lock->isLocked());
    const Result<QString> found = AppLocator::find({}, root.path(), m_registry.path());
    QVERIFY2(found, qPrintable(found.error()));
    QCOMPARE(found.value(), root.path() + QStringLiteral("/hello"));
    QCOMPARE(AppLocator::running(root.path(), m_registry.path()).first().pid,
             QCoreApplication::applicationPid());
}

void tst_AppLocator::severalRunningAppsAskForOne()
{
    QTemporaryDir root;
    const auto a = makeApp(root.path(), QStringLiteral("alpha"));
    const auto b = makeApp(root.path(), QStringLiteral("beta"));
    const Result<QString> either = AppLocator::find({}, root.path(), m_registry.path());
    QVERIFY(!either);
    QVERIFY2(either.error().contains(QStringLiteral("several apps are running (alpha, beta)")),
             qPrintable(either.error()));
    QVERIFY(either.error().contains(QStringLiteral("--app NAME")));
    const Result<QString> beta
        = AppLocator::find(QStringLiteral("beta"), root.path(), m_registry.path());
    QVERIFY(beta);
    QCOMPARE(beta.value(), root.path() + QStringLiteral("/beta"));
    const Result<QString> gamma
        = AppLocator::find(QStringLiteral("gamma"), root.path(), m_registry.path());
    QVERIFY(!gamma);
    QVERIFY(gamma.error().contains(QStringLiteral("gamma is not running")));
}

void tst_AppLocator::staleAndStoppedAppsAreIgnored()
{
    QTemporaryDir root;
    const auto live = makeApp(root.path(), QStringLiteral("live"));
    makeApp(root.path(), QStringLiteral("crashed"), deadPid());
    QDir().mkpath(root.path() + QStringLiteral("/stopped/runtime")); // exited cleanly: no lock
    const QList<AppLocator::RunningApp> apps = AppLocator::running(root.path(), m_registry.path());
    QCOMPARE(apps.size(), 1);
    QCOMPARE(apps.first().name, QStringLiteral("live"));
    QVERIFY(AppLocator::find({}, root.path(), m_registry.path()));
}

void tst_AppLocator::noneRunningSaysSo()
{
    QTemporaryDir root;
    const Result<QString> none = AppLocator::find({}, root.path(), m_registry.path());
    QVERIFY(!none);
    QVERIFY(none.error().contains(QStringLiteral("no Steward is running")));
}

void tst_AppLocator::registeredAppIsFoundWhereverItsDataIs()
{
    QTemporaryDir root, data;
    const QString registry = m_registry.path() + QStringLiteral("/steward");
    const Result<QString> entry = AppRegistry::add(
        {QStringLiteral("hello"), data.path(), data.path() + QStringLiteral("/runtime/ipc_port"),
         QCoreApplication::applicationPid()},
        registry);
    QVERIFY2(entry, qPrintable(entry.error()));
    QCOMPARE(test::modeOf(registry), 0700);
    QCOMPARE(test::modeOf(entry.value()), 0600);
    QFile written(entry.value());
    QVERIFY(written.open(QIODevice::ReadOnly));
    const QByteArray content = written.readAll();
    QVERIFY2(content.contains("\"app\": \"hello\"") && !content.contains("token"),
             content.constData());

    const Result<QString> found = AppLocator::find({}, root.path(), registry);
    QVERIFY2(found, qPrintable(found.error()));
    QCOMPARE(found.value(), data.path());
    const Result<QString> named = AppLocator::find(QStringLiteral("hello"), root.path(), registry);
    QVERIFY(named);
    QCOMPARE(named.value(), data.path());
    // Registered and holding the lock in the default place: listed once.
    const QString defaultData = root.path() + QStringLiteral("/hello");
    const auto lock = makeApp(root.path(), QStringLiteral("hello"));
    QVERIFY(AppRegistry::add(
        {QStringLiteral("hello"), defaultData, {}, QCoreApplication::applicationPid()}, registry));
    QCOMPARE(AppLocator::running(root.path(), registry).size(), 1);

    AppRegistry::remove(entry.value());
    QVERIFY(!QFileInfo::exists(entry.value()));
}

void tst_AppLocator::staleRegistryEntriesAreIgnoredAndCleared()
{
    QTemporaryDir root, data;
    const QString registry = m_registry.path() + QStringLiteral("/stale");
    const qint64 dead = deadPid();
    plantEntry(registry, QStringLiteral("crashed"), dead, QStringLiteral("1"));
    // This process's pid with another start time: the pid of a Steward that ended, reused.
    plantEntry(registry, QStringLiteral("reused"), QCoreApplication::applicationPid(),
               QStringLiteral("1"));
    QVERIFY(AppLocator::running(root.path(), registry).isEmpty());
    const Result<QString> none = AppLocator::find({}, root.path(), registry);
    QVERIFY(!none);
    QVERIFY2(none.error().contains(QStringLiteral("no Steward is running")),
             qPrintable(none.error()));

    // The next Steward to register clears them (its own entry replaces the reused pid's).
    QVERIFY(AppRegistry::add(
        {QStringLiteral("live"), data.path(), {}, QCoreApplication::applicationPid()}, registry));
    QVERIFY(!QFileInfo::exists(registry + QStringLiteral("/%1.json").arg(dead)));
    const QList<AppLocator::RunningApp> apps = AppLocator::running(root.path(), registry);
    QCOMPARE(apps.size(), 1);
    QCOMPARE(apps.first().name, QStringLiteral("live"));
}

void tst_AppLocator::sameAppTwiceAsksForItsDataDir()
{
    QTemporaryDir root, first, second;
    const QString registry = m_registry.path() + QStringLiteral("/twice");
    QVERIFY(AppRegistry::add(
        {QStringLiteral("hello"), first.path(), {}, QCoreApplication::applicationPid()}, registry));
    // A second Steward of the same app: this test's parent stands in for it.
    QVERIFY(AppRegistry::add({QStringLiteral("hello"), second.path(), {}, qint64(::getppid())},
                             registry));
    const Result<QString> which = AppLocator::find(QStringLiteral("hello"), root.path(), registry);
    QVERIFY(!which);
    QVERIFY2(which.error().contains(QStringLiteral("hello runs more than once")),
             qPrintable(which.error()));
    QVERIFY(which.error().contains(QStringLiteral("--app-data DIR")));
}

void tst_AppLocator::registryOthersCanWriteIsNotBelieved()
{
    QTemporaryDir root, data;
    const QString registry = m_registry.path() + QStringLiteral("/open");
    QVERIFY(AppRegistry::add(
        {QStringLiteral("hello"), data.path(), {}, QCoreApplication::applicationPid()}, registry));
    QVERIFY(QFile::setPermissions(registry,
                                  QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                      | QFileDevice::ExeOwner | QFileDevice::WriteOther
                                      | QFileDevice::ExeOther | QFileDevice::ReadOther));
    QVERIFY(AppLocator::running(root.path(), registry).isEmpty());
    // Registering there is refused, with the reason.
    const Result<QString> refused = AppRegistry::add(
        {QStringLiteral("hello"), data.path(), {}, QCoreApplication::applicationPid()}, registry);
    QVERIFY(!refused);
    QVERIFY2(refused.error().contains(QStringLiteral("other users can write to it")),
             qPrintable(refused.error()));
}

QTEST_GUILESS_MAIN(tst_AppLocator)
#include "tst_applocator.moc"
