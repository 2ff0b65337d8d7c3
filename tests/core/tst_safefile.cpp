#include "core/AtomicFile.h"
#include "core/Redactor.h"
#include "core/SafeFile.h"
#include "logging/Logging.h"
#include "process/ServiceLog.h"
#include "process/TelemetryLog.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <fcntl.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace steward;

namespace {

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

// The files Steward writes under the app data dir, against planted links and loose directories.
class tst_SafeFile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void directories_data();
    void directories();
    void appendRefuses_data();
    void appendRefuses();
    void appendCreatesPrivateFile();
    void spdlogFileThroughPlantedLink();
    void telemetryThroughPlantedLink();
    void serviceLogInSymlinkedDirectory();
    void unusableLogFileIsAnErrorNotAnException();
    void writeBeneath_data();
    void writeBeneath();
};

void tst_SafeFile::directories_data()
{
    QTest::addColumn<QString>("setup"); // what is at <tmp>/dir beforehand
    QTest::addColumn<QString>("error"); // empty: accepted
    QTest::newRow("missing: created") << "missing"
                                      << "";
    QTest::newRow("own, 0755") << "own"
                               << "";
    QTest::newRow("writable by others") << "world-writable"
                                        << "other users can write to it";
    QTest::newRow("symbolic link to a directory") << "link"
                                                  << "it is a symbolic link";
    QTest::newRow("a file") << "file"
                            << "";
}

void tst_SafeFile::directories()
{
    QFETCH(QString, setup);
    QFETCH(QString, error);
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("dir"));
    const QString elsewhere = tmp.filePath(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkpath(elsewhere));
    if (setup == QLatin1String("own")) {
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0755) == 0);
    } else if (setup == QLatin1String("world-writable")) {
        QVERIFY(QDir().mkpath(dir));
        QVERIFY(::chmod(QFile::encodeName(dir).constData(), 0777) == 0);
    } else if (setup == QLatin1String("link")) {
        QVERIFY(QFile::link(elsewhere, dir));
    } else if (setup == QLatin1String("file")) {
        QVERIFY(writeFile(dir, "x"));
    }
    const Status st = AtomicFile::ensureDirectory(dir, 0700);
    if (setup == QLatin1String("file")) {
        QVERIFY(!st);
        QVERIFY2(st.error().contains(dir), qPrintable(st.error()));
        return;
    }
    if (error.isEmpty()) {
        QVERIFY2(st, qPrintable(st.error()));
        QVERIFY(SafeFile::checkDirectory(dir));
    } else {
        QVERIFY(!st);
        QVERIFY2(st.error().contains(error), qPrintable(st.error()));
        QVERIFY2(st.error().contains(dir), qPrintable(st.error())); // names it
    }
    // The user's own choice of a linked app data dir is followed, and its target checked.
    if (setup == QLatin1String("link"))
        QVERIFY(AtomicFile::ensureDirectory(dir, 0700, AtomicFile::Links::Follow));
}

void tst_SafeFile::appendRefuses_data()
{
    QTest::addColumn<QString>("plant");
    QTest::addColumn<QString>("error");
    QTest::newRow("symbolic link") << "symlink"
                                   << "it is a symbolic link";
    QTest::newRow("hard link") << "hardlink"
                               << "another hard link";
    QTest::newRow("fifo") << "fifo"
                          << "not a regular file";
}

void tst_SafeFile::appendRefuses()
{
    QFETCH(QString, plant);
    QFETCH(QString, error);
    QTemporaryDir tmp;
    const QString victim = tmp.filePath(QStringLiteral("bashrc"));
    QVERIFY(writeFile(victim, "original\n"));
    const QString path = tmp.filePath(QStringLiteral("steward.log"));
    if (plant == QLatin1String("symlink"))
        QVERIFY(QFile::link(victim, path));
    else if (plant == QLatin1String("hardlink"))
        QVERIFY(::link(QFile::encodeName(victim).constData(), QFile::encodeName(path).constData())
                == 0);
    else
        QVERIFY(::mkfifo(QFile::encodeName(path).constData(), 0600) == 0);
    if (plant == QLatin1String("fifo")) {
        // openForAppend() does not wait for a FIFO's reader (O_NONBLOCK); verifyOpened(), as
        // after spdlog's fopen(), refuses one that is open.
        const int fd = ::open(QFile::encodeName(path).constData(), O_RDWR | O_NONBLOCK);
        QVERIFY(fd >= 0);
        const Status st = SafeFile::verifyOpened(fd, path);
        ::close(fd);
        QVERIFY(!st);
        QVERIFY2(st.error().contains(error), qPrintable(st.error()));
        return;
    }
    const Result<int> fd = SafeFile::openForAppend(path);
    QVERIFY(!fd);
    QVERIFY2(fd.error().contains(error), qPrintable(fd.error()));
    QVERIFY2(fd.error().contains(path), qPrintable(fd.error()));
    QCOMPARE(readFile(victim), QByteArray("original\n"));
}

void tst_SafeFile::appendCreatesPrivateFile()
{
    QTemporaryDir tmp;
    const QString path = tmp.filePath(QStringLiteral("events.jsonl"));
    const Result<int> fd = SafeFile::openForAppend(path);
    QVERIFY2(fd, qPrintable(fd.error()));
    QCOMPARE(::write(fd.value(), "a\n", 2), 2);
    ::close(fd.value());
    struct stat st
    {
    };
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
    QCOMPARE(int(st.st_mode & 0777), 0600);
    const Result<int> again = SafeFile::openForAppend(path);
    QVERIFY(again);
    QCOMPARE(::write(again.value(), "b\n", 2), 2);
    ::close(again.value());
    QCOMPARE(readFile(path), QByteArray("a\nb\n"));
}

void tst_SafeFile::spdlogFileThroughPlantedLink()
{
    QTemporaryDir tmp;
    const QString victim = tmp.filePath(QStringLiteral("bashrc"));
    QVERIFY(writeFile(victim, "original\n"));
    const QString path = tmp.filePath(QStringLiteral("x.log"));
    QVERIFY(QFile::link(victim, path));
    bool refused = false;
    try {
        spdlog::sinks::rotating_file_sink_st sink(path.toStdString(), 1024, 2, false,
                                                  Logging::safeFileHandlers());
    } catch (const spdlog::spdlog_ex &e) {
        refused = QString::fromStdString(e.what()).contains(QLatin1String("symbolic link"));
    }
    QVERIFY(refused);
    QCOMPARE(readFile(victim), QByteArray("original\n"));
}

void tst_SafeFile::telemetryThroughPlantedLink()
{
    QTemporaryDir tmp;
    const QString victim = tmp.filePath(QStringLiteral("bashrc"));
    QVERIFY(writeFile(victim, "original\n"));
    QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("telemetry"))));
    const QString path = tmp.filePath(QStringLiteral("telemetry/events.jsonl"));
    QVERIFY(QFile::link(victim, path));
    TelemetryLog telemetry(path, std::make_shared<Redactor>());
    telemetry.record("runtime_start");
    QCOMPARE(readFile(victim), QByteArray("original\n"));
}

void tst_SafeFile::serviceLogInSymlinkedDirectory()
{
    QTemporaryDir tmp;
    const QString elsewhere = tmp.filePath(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkpath(elsewhere));
    QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("logs"))));
    QVERIFY(QFile::link(elsewhere, tmp.filePath(QStringLiteral("logs/api"))));
    Redactor redactor;
    {
        ServiceLog log(QStringLiteral("api"), tmp.filePath(QStringLiteral("logs/api/api.log")),
                       redactor);
        log.append(ServiceLog::Channel::Stdout, "hello\n");
        log.flush();
    }
    QVERIFY(QDir(elsewhere).isEmpty());
}

void tst_SafeFile::unusableLogFileIsAnErrorNotAnException()
{
    QTemporaryDir tmp;
    // steward.log is a directory: no mode or capability makes it a file.
    QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("logs/steward.log"))));
    const Status st = Logging::addFile(tmp.filePath(QStringLiteral("logs/steward.log")));
    QVERIFY(!st);
    QVERIFY2(st.error().contains(tmp.filePath(QStringLiteral("logs/steward.log"))),
             qPrintable(st.error()));
}

void tst_SafeFile::writeBeneath_data()
{
    QTest::addColumn<QString>("plant");
    QTest::addColumn<QString>("relative");
    QTest::addColumn<QString>("error"); // empty: written
    QTest::newRow("a file") << ""
                            << "key.txt"
                            << "";
    QTest::newRow("in a new subdirectory") << ""
                                           << "keys/tls/key.pem"
                                           << "";
    QTest::newRow("base a symbolic link") << "base-link"
                                          << "key.txt"
                                          << "it is a symbolic link";
    QTest::newRow("subdirectory a symbolic link") << "sub-link"
                                                  << "keys/key.pem"
                                                  << "it is a symbolic link";
    QTest::newRow("file a symbolic link: replaced, not followed") << "file-link"
                                                                  << "key.txt"
                                                                  << "";
    QTest::newRow("dot-dot") << ""
                             << "../key.txt"
                             << "would lead outside";
}

void tst_SafeFile::writeBeneath()
{
    QFETCH(QString, plant);
    QFETCH(QString, relative);
    QFETCH(QString, error);
    QTemporaryDir tmp;
    const QString base = tmp.filePath(QStringLiteral("secrets/svc"));
    const QString elsewhere = tmp.filePath(QStringLiteral("elsewhere"));
    const QString victim = tmp.filePath(QStringLiteral("bashrc"));
    QVERIFY(QDir().mkpath(elsewhere) && writeFile(victim, "original\n"));
    if (plant == QLatin1String("base-link")) {
        QVERIFY(QDir().mkpath(tmp.filePath(QStringLiteral("secrets"))));
        QVERIFY(QFile::link(elsewhere, base));
    } else {
        QVERIFY(QDir().mkpath(base));
    }
    if (plant == QLatin1String("sub-link"))
        QVERIFY(QFile::link(elsewhere, base + QStringLiteral("/keys")));
    if (plant == QLatin1String("file-link"))
        QVERIFY(QFile::link(victim, base + QStringLiteral("/key.txt")));
    const Status st = SafeFile::writeBeneath(base, relative, "s3cret", 0640);
    QCOMPARE(readFile(victim), QByteArray("original\n"));
    QVERIFY(QDir(elsewhere).isEmpty());
    if (!error.isEmpty()) {
        QVERIFY(!st);
        QVERIFY2(st.error().contains(error), qPrintable(st.error()));
        return;
    }
    QVERIFY2(st, qPrintable(st.error()));
    const QString path = base + QLatin1Char('/') + relative;
    QVERIFY(!QFileInfo(path).isSymLink());
    QCOMPARE(readFile(path), QByteArray("s3cret"));
    struct stat info
    {
    };
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &info), 0);
    QCOMPARE(int(info.st_mode & 0777), 0640);
    QCOMPARE(QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files | QDir::Hidden).size(), 1);
}

QTEST_GUILESS_MAIN(tst_SafeFile)
#include "tst_safefile.moc"
