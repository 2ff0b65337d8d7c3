#include "core/PrivateDir.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;

namespace {

bool write(const QString &path, const QByteArray &data)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(data) == data.size();
}

QByteArray read(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

// Steward's private dir beside an app data dir, on the real file system: an earlier version's
// files are moved in, links are left where clients look, and planted entries are replaced.
class tst_PrivateDir : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void earlierFilesMoveInBehindLinks();
    void plantedEntriesAreReplacedNotFollowed();
    void tokenOutsideRuntimeGetsItsOwnLink();
};

void tst_PrivateDir::earlierFilesMoveInBehindLinks()
{
    QTemporaryDir tmp;
    const QString data = tmp.filePath(QStringLiteral("app"));
    QVERIFY(write(data + QStringLiteral("/state.json"), "{\"v\":1}"));
    QVERIFY(write(data + QStringLiteral("/runtime/secrets/api/key"), "k"));
    QVERIFY(write(data + QStringLiteral("/app.db"), "the service's"));
    const Result<QString> dir = PrivateDir::prepare(data, PrivateDir::standardEntries());
    QVERIFY2(dir, qPrintable(dir.error()));
    QCOMPARE(dir.value(), tmp.filePath(QStringLiteral(".app.steward")));
    QCOMPARE(PrivateDir::pathFor(data), dir.value());
    QVERIFY(QFileInfo(dir.value()).permissions()
            == (QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner | QFile::ReadUser
                | QFile::WriteUser | QFile::ExeUser));
    QCOMPARE(read(dir.value() + QStringLiteral("/state.json")), QByteArray("{\"v\":1}"));
    QCOMPARE(read(dir.value() + QStringLiteral("/runtime/secrets/api/key")), QByteArray("k"));
    for (const QString &entry : PrivateDir::standardEntries())
        QCOMPARE(QFile::symLinkTarget(data + QLatin1Char('/') + entry),
                 dir.value() + QLatin1Char('/') + entry);
    // Clients find the files where they always did; the service's own files stay.
    QCOMPARE(read(data + QStringLiteral("/state.json")), QByteArray("{\"v\":1}"));
    QCOMPARE(read(data + QStringLiteral("/app.db")), QByteArray("the service's"));
    // A second start changes nothing.
    QCOMPARE(PrivateDir::prepare(data, PrivateDir::standardEntries()).value(), dir.value());
    QCOMPARE(read(data + QStringLiteral("/state.json")), QByteArray("{\"v\":1}"));
}

void tst_PrivateDir::plantedEntriesAreReplacedNotFollowed()
{
    QTemporaryDir tmp;
    const QString data = tmp.filePath(QStringLiteral("app"));
    QVERIFY(QDir().mkpath(data));
    const QString dir = PrivateDir::prepare(data, PrivateDir::standardEntries()).value();
    QVERIFY(write(dir + QStringLiteral("/state.json"), "real"));
    // What a service may do in the app data dir: swap a link for its own file, point another
    // one elsewhere.
    QVERIFY(QFile::remove(data + QStringLiteral("/state.json")));
    QVERIFY(write(data + QStringLiteral("/state.json"), "forged"));
    const QString elsewhere = tmp.filePath(QStringLiteral("elsewhere"));
    QVERIFY(QDir().mkpath(elsewhere));
    QVERIFY(QFile::remove(data + QStringLiteral("/runtime")));
    QVERIFY(QFile::link(elsewhere, data + QStringLiteral("/runtime")));
    QVERIFY(PrivateDir::prepare(data, PrivateDir::standardEntries()));
    QCOMPARE(read(dir + QStringLiteral("/state.json")), QByteArray("real"));
    QCOMPARE(read(data + QStringLiteral("/state.json")), QByteArray("real"));
    QCOMPARE(QFile::symLinkTarget(data + QStringLiteral("/runtime")),
             dir + QStringLiteral("/runtime"));
    QVERIFY(QDir(elsewhere).exists());
}

void tst_PrivateDir::tokenOutsideRuntimeGetsItsOwnLink()
{
    QTemporaryDir tmp;
    const QString data = tmp.filePath(QStringLiteral("app"));
    QVERIFY(QDir().mkpath(data));
    const QString dir
        = PrivateDir::prepare(data,
                              PrivateDir::standardEntries() << QStringLiteral("runtime/auth-token")
                                                            << QStringLiteral("ipc/token"))
              .value();
    QVERIFY(!QFileInfo(data + QStringLiteral("/runtime/auth-token")).isSymLink());
    QCOMPARE(QFile::symLinkTarget(data + QStringLiteral("/ipc/token")),
             dir + QStringLiteral("/ipc/token"));
    QVERIFY(write(dir + QStringLiteral("/ipc/token"), "t"));
    QCOMPARE(read(data + QStringLiteral("/ipc/token")), QByteArray("t"));
}

QTEST_GUILESS_MAIN(tst_PrivateDir)
#include "tst_privatedir.moc"
