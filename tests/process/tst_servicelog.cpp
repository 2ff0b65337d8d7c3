#include "process/ServiceLog.h"

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;

class tst_ServiceLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void secretSplitAcrossReadsIsRedacted();
    void linesAreTimestampedAndTagged();
    void ringKeepsRecentLines();
    void rotatesBySize();
    void patternMatchesOnceAsLinesArrive();
    void endlessLineIsCut();
};

void tst_ServiceLog::secretSplitAcrossReadsIsRedacted()
{
    QTemporaryDir dir;
    Redactor r;
    r.setSecrets({QByteArrayLiteral("sk_live_0123456789")});
    ServiceLog log(QStringLiteral("api"), dir.filePath(QStringLiteral("logs/api.log")), r);
    log.append(ServiceLog::Channel::Stdout, "key is sk_live_01");
    log.append(ServiceLog::Channel::Stdout, "23456789 ok\npartial sk_li");
    log.append(ServiceLog::Channel::Stdout, "ve_0123456789");
    log.flush();
    QFile f(log.filePath());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY(text.contains("out | key is ***REDACTED*** ok"));
    QVERIFY(text.contains("out | partial ***REDACTED***"));
    QVERIFY(!text.contains("0123456789"));
}

void tst_ServiceLog::linesAreTimestampedAndTagged()
{
    QTemporaryDir dir;
    Redactor r;
    ServiceLog log(QStringLiteral("api"), dir.filePath(QStringLiteral("api.log")), r);
    log.append(ServiceLog::Channel::Stderr, "boom\r\n");
    log.note(QStringLiteral("started (pid 7)"));
    const QStringList tail = log.tail(2);
    QCOMPARE(tail.size(), 2);
    QVERIFY(tail.at(0).endsWith(QLatin1String(" err | boom")));
    QVERIFY(tail.at(1).endsWith(QLatin1String(" steward | started (pid 7)")));
    QVERIFY(QDateTime::fromString(tail.at(0).section(QLatin1Char(' '), 0, 0), Qt::ISODateWithMs)
                .isValid());
}

void tst_ServiceLog::ringKeepsRecentLines()
{
    QTemporaryDir dir;
    Redactor r;
    ServiceLog log(QStringLiteral("api"), dir.filePath(QStringLiteral("api.log")), r, nullptr,
                   1024 * 1024, 2, 5);
    for (int i = 0; i < 20; ++i)
        log.append(ServiceLog::Channel::Stdout, QByteArray("line ") + QByteArray::number(i) + '\n');
    const QStringList tail = log.tail(100);
    QCOMPARE(tail.size(), 5);
    QVERIFY(tail.first().endsWith(QLatin1String("line 15")));
    QVERIFY(tail.last().endsWith(QLatin1String("line 19")));
}

void tst_ServiceLog::rotatesBySize()
{
    QTemporaryDir dir;
    Redactor r;
    ServiceLog log(QStringLiteral("api"), dir.filePath(QStringLiteral("api.log")), r, nullptr, 4096,
                   2);
    const QByteArray line(100, 'x');
    for (int i = 0; i < 200; ++i)
        log.append(ServiceLog::Channel::Stdout, line + '\n');
    log.flush();
    const QStringList files
        = QDir(dir.path()).entryList({QStringLiteral("api*.log")}, QDir::Files, QDir::Name);
    QCOMPARE(files,
             (QStringList {QStringLiteral("api.1.log"), QStringLiteral("api.2.log"),
                           QStringLiteral("api.log")}));
    for (const QString &f : files)
        QVERIFY(QFileInfo(dir.filePath(f)).size() <= 4096 + 200);
}

void tst_ServiceLog::patternMatchesOnceAsLinesArrive()
{
    QTemporaryDir dir;
    Redactor r;
    ServiceLog log(QStringLiteral("w"), dir.filePath(QStringLiteral("w.log")), r);
    log.watch(QRegularExpression(QStringLiteral("^Worker started")));
    QSignalSpy spy(&log, &ServiceLog::patternMatched);
    log.append(ServiceLog::Channel::Stdout, "booting\nWorker sta");
    QCOMPARE(spy.count(), 0);
    log.append(ServiceLog::Channel::Stdout, "rted\nWorker started again\n");
    QCOMPARE(spy.count(), 1);
}

void tst_ServiceLog::endlessLineIsCut()
{
    QTemporaryDir dir;
    Redactor r;
    ServiceLog log(QStringLiteral("w"), dir.filePath(QStringLiteral("w.log")), r);
    log.append(ServiceLog::Channel::Stdout, QByteArray(200 * 1024, 'y'));
    QCOMPARE(log.tail(10).size(), 3); // cut at 64 KiB; the rest is held until a newline
}

QTEST_GUILESS_MAIN(tst_ServiceLog)
#include "tst_servicelog.moc"
