#include "secrets/AuditTrail.h"
#include "secrets/MemoryStore.h"

#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace steward;

namespace {

const QByteArray Key = "0123456789abcdef0123456789abcdef";

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

// Five entries about two secrets, written through a trail opened with Key.
void writeFive(const QString &appData)
{
    AuditTrail trail(appData);
    QVERIFY(trail.openWithKey(Key).ok());
    for (int i = 0; i < 5; ++i)
        QVERIFY(trail
                    .append({QStringLiteral("admin token"),
                             QStringLiteral("changed"),
                             i % 2 ? QStringLiteral("api_token") : QStringLiteral("db_password"),
                             {},
                             QStringLiteral("ok")})
                    .ok());
}

} // namespace

class tst_AuditTrail : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void intactChainVerifies();
    void tampering_data();
    void tampering();
    void filesArePrivate();
    void rotationKeepsTheChain();
    void reopeningContinuesTheChain();
    void eventsBeforeOpenAreWrittenOnOpen();
    void keyLivesInTheSecretStore();
    void listFilters();
};

void tst_AuditTrail::intactChainVerifies()
{
    QTemporaryDir data;
    writeFive(data.path());
    const AuditTrail::Verdict v = AuditTrail::verify(data.path(), Key);
    QVERIFY2(v.ok, qPrintable(v.problem));
    QCOMPARE(v.entries, 5);
    // An empty trail is intact too.
    QTemporaryDir empty;
    QVERIFY(AuditTrail::verify(empty.path(), Key).ok);
}

void tst_AuditTrail::tampering_data()
{
    QTest::addColumn<QString>("how");
    QTest::addColumn<int>("badLine"); // 0: not one line
    QTest::addColumn<QString>("says");
    QTest::newRow("edited line") << QStringLiteral("edit") << 3 << QStringLiteral("edited");
    QTest::newRow("field added") << QStringLiteral("add field") << 2 << QStringLiteral("edited");
    QTest::newRow("deleted line") << QStringLiteral("delete") << 3 << QStringLiteral("removed");
    QTest::newRow("reordered pair") << QStringLiteral("swap") << 2 << QStringLiteral("reordered");
    QTest::newRow("truncated tail")
        << QStringLiteral("drop last") << 0 << QStringLiteral("cut off");
    QTest::newRow("cut mid-line") << QStringLiteral("cut") << 5 << QStringLiteral("cut short");
    QTest::newRow("wholesale rewrite")
        << QStringLiteral("rewrite") << 1 << QStringLiteral("edited");
    QTest::newRow("head replaced")
        << QStringLiteral("forge head") << 0 << QStringLiteral("audit key");
}

void tst_AuditTrail::tampering()
{
    QFETCH(QString, how);
    QFETCH(int, badLine);
    QFETCH(QString, says);
    QTemporaryDir data;
    writeFive(data.path());
    const QString path = AuditTrail::directoryFor(data.path()) + QStringLiteral("/audit.jsonl");
    const QString head = AuditTrail::directoryFor(data.path()) + QStringLiteral("/audit.head");
    QByteArray bytes = readFile(path);
    QList<QByteArray> lines = bytes.split('\n');
    lines.removeLast(); // after the last newline
    QCOMPARE(lines.size(), 5);
    if (how == QLatin1String("edit")) {
        lines[2].replace("admin token", "stewardctl!");
    } else if (how == QLatin1String("add field")) {
        lines[1].replace("\"action\"", "\"note\":\"x\",\"action\"");
    } else if (how == QLatin1String("delete")) {
        lines.removeAt(2);
    } else if (how == QLatin1String("swap")) {
        lines.swapItemsAt(1, 2);
    } else if (how == QLatin1String("drop last")) {
        lines.removeLast();
    } else if (how == QLatin1String("rewrite")) {
        // Someone without the key writes a consistent chain of their own, head included.
        QTemporaryDir other;
        AuditTrail forged(other.path());
        QVERIFY(forged.openWithKey("not the install's key").ok());
        QVERIFY(forged
                    .append({QStringLiteral("ui"),
                             QStringLiteral("changed"),
                             QStringLiteral("api_token"),
                             {},
                             QStringLiteral("ok")})
                    .ok());
        const QString forgedDir = AuditTrail::directoryFor(other.path());
        lines = readFile(forgedDir + QStringLiteral("/audit.jsonl")).split('\n');
        lines.removeLast();
        writeFile(head, readFile(forgedDir + QStringLiteral("/audit.head")));
    } else if (how == QLatin1String("forge head")) {
        writeFile(head, "{\"hash\":\"00\",\"mac\":\"00\",\"seq\":5}\n");
    }
    bytes = lines.join('\n') + '\n';
    if (how == QLatin1String("cut"))
        bytes.chop(20);
    writeFile(path, bytes);

    const AuditTrail::Verdict v = AuditTrail::verify(data.path(), Key);
    QVERIFY(!v.ok);
    QCOMPARE(v.line, badLine);
    QVERIFY2(v.problem.contains(says), qPrintable(v.problem));
    QVERIFY(!v.file.isEmpty());
}

void tst_AuditTrail::filesArePrivate()
{
    QTemporaryDir data;
    writeFive(data.path());
    const QString dir = AuditTrail::directoryFor(data.path());
    auto mode = [](const QString &path) {
        struct stat st
        {
        };
        return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
    };
    QCOMPARE(mode(dir), 0700);
    QCOMPARE(mode(dir + QStringLiteral("/audit.jsonl")), 0600);
    QCOMPARE(mode(dir + QStringLiteral("/audit.head")), 0600);
}

void tst_AuditTrail::rotationKeepsTheChain()
{
    QTemporaryDir data;
    AuditTrail trail(data.path());
    trail.setRotateBytes(600);
    QVERIFY(trail.openWithKey(Key).ok());
    for (int i = 0; i < 20; ++i)
        QVERIFY(
            trail
                .append({QStringLiteral("steward"), QStringLiteral("injected"),
                         QStringLiteral("api_token"), QStringLiteral("api"), QStringLiteral("ok")})
                .ok());
    const QString dir = AuditTrail::directoryFor(data.path());
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/audit-000001.jsonl")));
    QVERIFY(QFileInfo::exists(dir + QStringLiteral("/audit-000002.jsonl")));
    QVERIFY(QFileInfo(dir + QStringLiteral("/audit.jsonl")).size() <= 600);
    AuditTrail::Verdict v = AuditTrail::verify(data.path(), Key);
    QVERIFY2(v.ok, qPrintable(v.problem));
    QCOMPARE(v.entries, 20);
    QCOMPARE(AuditTrail::list(data.path()).size(), 20);
    // A rotated file removed: the first entry of the next one does not follow.
    QVERIFY(QFile::remove(dir + QStringLiteral("/audit-000001.jsonl")));
    v = AuditTrail::verify(data.path(), Key);
    QVERIFY(!v.ok);
    QCOMPARE(v.file, dir + QStringLiteral("/audit-000002.jsonl"));
    QCOMPARE(v.line, 1);
}

void tst_AuditTrail::reopeningContinuesTheChain()
{
    QTemporaryDir data;
    writeFive(data.path());
    writeFive(data.path());
    const AuditTrail::Verdict v = AuditTrail::verify(data.path(), Key);
    QVERIFY2(v.ok, qPrintable(v.problem));
    QCOMPARE(v.entries, 10);
    QCOMPARE(AuditTrail::list(data.path()).last().seq, 10);
}

void tst_AuditTrail::eventsBeforeOpenAreWrittenOnOpen()
{
    QTemporaryDir data;
    AuditTrail trail(data.path());
    QSignalSpy recorded(&trail, &AuditTrail::recorded);
    trail.record({QStringLiteral("steward"), QStringLiteral("injected"), QStringLiteral("key"),
                  QStringLiteral("api"), QStringLiteral("ok")});
    QCOMPARE(recorded.size(), 0);
    QVERIFY(trail.openWithKey(Key).ok());
    QCOMPARE(recorded.size(), 1);
    const QList<AuditTrail::Entry> entries = AuditTrail::list(data.path());
    QCOMPARE(entries.size(), 1);
    QCOMPARE(entries.first().event.service, QStringLiteral("api"));
    QCOMPARE(entries.first().line, 1);
}

void tst_AuditTrail::keyLivesInTheSecretStore()
{
    QTemporaryDir data;
    MemoryStore store;
    AuditTrail trail(data.path());
    QString error = QStringLiteral("not called");
    QObject ctx;
    trail.open(store, &ctx, [&](const QString &e) { error = e; });
    QTRY_COMPARE(error, QString());
    QVERIFY(trail.isOpen());
    QVERIFY(trail
                .append({QStringLiteral("ui"),
                         QStringLiteral("created"),
                         QStringLiteral("k"),
                         {},
                         QStringLiteral("ok")})
                .ok());
    // The same key is found the next time, and it is what verifies the chain.
    QByteArray key;
    bool read = false;
    store.read(AuditTrail::KeyId, &ctx, [&](const SecretStore::Error &e, const QByteArray &v) {
        QVERIFY(e.ok());
        key = v;
        read = true;
    });
    QTRY_VERIFY(read);
    QCOMPARE(key.size(), 64);
    QVERIFY(AuditTrail::verify(data.path(), key).ok);
    QVERIFY(!AuditTrail::verify(data.path(), Key).ok);
    AuditTrail again(data.path());
    error = QStringLiteral("not called");
    again.open(store, &ctx, [&](const QString &e) { error = e; });
    QTRY_COMPARE(error, QString());
    QVERIFY(again
                .append({QStringLiteral("ui"),
                         QStringLiteral("cleared"),
                         QStringLiteral("k"),
                         {},
                         QStringLiteral("ok")})
                .ok());
    QVERIFY(AuditTrail::verify(data.path(), key).ok);
    // The key itself never reaches the trail's files.
    const QString dir = AuditTrail::directoryFor(data.path());
    QVERIFY(!readFile(dir + QStringLiteral("/audit.jsonl")).contains(key));
    QVERIFY(!readFile(dir + QStringLiteral("/audit.head")).contains(key));
}

void tst_AuditTrail::listFilters()
{
    QTemporaryDir data;
    writeFive(data.path());
    QCOMPARE(AuditTrail::list(data.path(), {{}, QStringLiteral("api_token")}).size(), 2);
    QCOMPARE(AuditTrail::list(data.path(), {{}, QStringLiteral("db_password")}).size(), 3);
    QCOMPARE(AuditTrail::list(data.path(), {QDateTime::currentDateTimeUtc().addSecs(60), QString()})
                 .size(),
             0);
    const QByteArray json = AuditTrail::toJson(AuditTrail::list(data.path()).first());
    for (const char *field : {"\"seq\":1", "\"at\":", "\"actor\":\"admin token\"",
                              "\"action\":", "\"secret\":", "\"service\":", "\"outcome\":\"ok\"",
                              "\"prev\":\"\"", "\"hash\":"})
        QVERIFY2(json.contains(field), json.constData());
}

QTEST_GUILESS_MAIN(tst_AuditTrail)
#include "tst_audittrail.moc"
