#include "FileMode.h"
#include "secrets/InstallState.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

using namespace steward;
using steward::test::modeOf;

class tst_InstallState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void newInstall();
    void roundTrip();
    void secretClassIsTheManifestsWordInTheFile();
    void corruptStateIsMovedAsideAndKeepsTheInstallId_data();
    void corruptStateIsMovedAsideAndKeepsTheInstallId();
    void lostStateFileIsARecoveryNotANewInstall();
    void failedSaveLeavesThePreviousStateIntact();
};

void tst_InstallState::newInstall()
{
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("app"));
    const Result<InstallState> st = InstallState::load(data);
    QVERIFY2(st.ok(), qPrintable(st.error()));
    QVERIFY(st->isNewInstall());
    QVERIFY(!st->recovered());
    QCOMPARE(st->installId().size(), 36);
    QCOMPARE(modeOf(data), 0700);
    QCOMPARE(modeOf(data + QStringLiteral("/install-id")), 0600);
    QVERIFY(st->save().ok());
    QCOMPARE(modeOf(st->path()), 0600);
}

void tst_InstallState::roundTrip()
{
    QTemporaryDir dir;
    Result<InstallState> first = InstallState::load(dir.path());
    QVERIFY(first.ok());
    InstallState st = first.value();
    st.setAppVersion(QStringLiteral("1.2.3"));
    QVERIFY(!st.secret(QStringLiteral("jwt_secret")));
    InstallState::SecretRecord &r = st.ensureSecret(QStringLiteral("jwt_secret"));
    r.secretClass = SecretClass::PerInstallGenerated;
    r.source = InstallState::SecretSource::Generated;
    r.status = InstallState::SecretStatus::Configured;
    r.version = 3;
    r.updatedAt
        = QDateTime::fromString(QStringLiteral("2026-11-22T10:00:00.123Z"), Qt::ISODateWithMs);
    st.markMigrationRun(QStringLiteral("api"), QStringLiteral("2025-01-01"));
    QVERIFY(st.save().ok());

    const Result<InstallState> again = InstallState::load(dir.path());
    QVERIFY(again.ok());
    QVERIFY(!again->isNewInstall());
    QCOMPARE(again->installId(), st.installId());
    QCOMPARE(again->previousAppVersion(), QStringLiteral("1.2.3"));
    const InstallState::SecretRecord &back = again->secrets().value(QStringLiteral("jwt_secret"));
    QCOMPARE(back.secretClass, SecretClass::PerInstallGenerated);
    QCOMPARE(back.source, InstallState::SecretSource::Generated);
    QCOMPARE(back.status, InstallState::SecretStatus::Configured);
    QCOMPARE(back.version, 3);
    QCOMPARE(back.updatedAt, r.updatedAt);
    QCOMPARE(again->migrationsRun(QStringLiteral("api")),
             QStringList {QStringLiteral("2025-01-01")});
}

// The class is kept as the enum and written as the manifest's word ("" before Steward has seen
// the secret in a manifest); looking a record up adds none.
void tst_InstallState::secretClassIsTheManifestsWordInTheFile()
{
    QTemporaryDir dir;
    Result<InstallState> first = InstallState::load(dir.path());
    QVERIFY(first.ok());
    InstallState st = first.value();
    st.ensureSecret(QStringLiteral("api_key")).secretClass = SecretClass::UserPrompt;
    st.ensureSecret(QStringLiteral("unseen"));
    QVERIFY(!std::as_const(st).secret(QStringLiteral("never_recorded")));
    QVERIFY(!st.secret(QStringLiteral("never_recorded")));
    QCOMPARE(st.secrets().size(), 2);
    QVERIFY(st.save().ok());

    QFile file(st.path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const nlohmann::json j = nlohmann::json::parse(file.readAll().toStdString());
    QCOMPARE(QString::fromStdString(j["secrets"]["api_key"]["class"].get<std::string>()),
             QStringLiteral("user_prompt"));
    QCOMPARE(QString::fromStdString(j["secrets"]["unseen"]["class"].get<std::string>()), QString());

    const Result<InstallState> again = InstallState::load(dir.path());
    QVERIFY(again.ok());
    QVERIFY(again->secret(QStringLiteral("api_key")));
    QVERIFY(again->secret(QStringLiteral("api_key"))->secretClass == SecretClass::UserPrompt);
    QVERIFY(again->secret(QStringLiteral("unseen")));
    QVERIFY(!again->secret(QStringLiteral("unseen"))->secretClass);
    QCOMPARE(again->secrets().size(), 2);
}

void tst_InstallState::corruptStateIsMovedAsideAndKeepsTheInstallId_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::newRow("truncated json") << QByteArray("{\"install_id\": \"");
    QTest::newRow("not an object") << QByteArray("[1,2,3]");
    QTest::newRow("wrong layout") << QByteArray("{\"hello\": 1}");
    QTest::newRow("binary noise") << QByteArray("\x00\xff\x13\x37", 4);
    QTest::newRow("empty") << QByteArray();
}

void tst_InstallState::corruptStateIsMovedAsideAndKeepsTheInstallId()
{
    QFETCH(QByteArray, content);
    QTemporaryDir dir;
    Result<InstallState> first = InstallState::load(dir.path());
    QVERIFY(first.ok());
    QVERIFY(first->save().ok());
    const QString id = first->installId();

    QFile f(first->path());
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(content);
    f.close();

    const Result<InstallState> st = InstallState::load(dir.path());
    QVERIFY2(st.ok(), qPrintable(st.error()));
    QVERIFY(st->recovered());
    QVERIFY(!st->isNewInstall());
    QCOMPARE(st->installId(), id);
    QVERIFY(st->recoveredFrom().contains(QLatin1String("state.json.corrupt-")));
    QFile aside(st->recoveredFrom());
    QVERIFY(aside.open(QIODevice::ReadOnly));
    QCOMPARE(aside.readAll(), content); // kept for inspection, not destroyed
    QVERIFY(!QFile::exists(st->path()));
}

void tst_InstallState::lostStateFileIsARecoveryNotANewInstall()
{
    QTemporaryDir dir;
    Result<InstallState> first = InstallState::load(dir.path());
    QVERIFY(first.ok() && first->save().ok());
    QVERIFY(QFile::remove(first->path()));
    const Result<InstallState> st = InstallState::load(dir.path());
    QVERIFY(st.ok());
    QVERIFY(st->recovered());
    QVERIFY(!st->isNewInstall());
    QCOMPARE(st->installId(), first->installId());
}

void tst_InstallState::failedSaveLeavesThePreviousStateIntact()
{
    // A real failing filesystem: as root (CI), a 64 KiB tmpfs filled to the brim (ENOSPC), private
    // (a tmpfs is 1777 by default, and an app data dir others can write to is refused);
    // otherwise a directory without write permission (EACCES).
    QTemporaryDir dir;
    const QString data = dir.filePath(QStringLiteral("data"));
    QVERIFY(QDir().mkpath(data));
    const bool root = ::geteuid() == 0;
    if (root)
        QCOMPARE(QProcess::execute(QStringLiteral("mount"),
                                   {QStringLiteral("-t"), QStringLiteral("tmpfs"),
                                    QStringLiteral("-o"), QStringLiteral("size=64k,mode=0700"),
                                    QStringLiteral("tmpfs"), data}),
                 0);
    auto cleanup = qScopeGuard([&] {
        if (root)
            QProcess::execute(QStringLiteral("umount"), {data});
    });
    Result<InstallState> st = InstallState::load(data);
    QVERIFY(st.ok());
    QVERIFY(st->save().ok());
    QFile before(st->path());
    QVERIFY(before.open(QIODevice::ReadOnly));
    const QByteArray original = before.readAll();
    before.close();

    if (root) {
        QFile filler(data + QStringLiteral("/filler"));
        QVERIFY(filler.open(QIODevice::WriteOnly));
        const QByteArray block(4096, 'x');
        while (filler.write(block) == block.size() && filler.flush()) { }
        filler.close();
    } else {
        QVERIFY(QFile::setPermissions(data, QFile::ReadOwner | QFile::ExeOwner));
    }
    InstallState changed = st.value();
    changed.setAppVersion(QStringLiteral("9.9.9"));
    for (int i = 0; i < 200; ++i) // large enough not to fit in what is left
        changed.ensureSecret(QStringLiteral("secret_%1").arg(i)).detail
            = QString(64, QLatin1Char('d'));
    const Status s = changed.save();
    if (!root)
        QFile::setPermissions(data, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    QVERIFY(!s.ok());
    QVERIFY2(s.error().contains(data), qPrintable(s.error()));
    QFile after(st->path());
    QVERIFY(after.open(QIODevice::ReadOnly));
    QCOMPARE(after.readAll(), original);
    const QStringList leftovers = QDir(data).entryList({QStringLiteral("*.tmp-*")}, QDir::Files);
    QVERIFY2(leftovers.isEmpty(), qPrintable(leftovers.join(QLatin1Char(' '))));
}

QTEST_GUILESS_MAIN(tst_InstallState)
#include "tst_installstate.moc"
