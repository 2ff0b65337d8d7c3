#include "StoreSync.h"
#include "TestPaths.h"
#include "secrets/KeychainStore.h"

#include <QDirIterator>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

using namespace steward;

namespace {

const QByteArray Token = "wx_0123456789abcdefghij";

struct Outcome
{
    int code = -1;
    QString out;
    QString err;
};

Outcome runSteward(const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            QStringList {QStringLiteral("--headless"), QStringLiteral("--manifest"),
                         test::exampleBundle()}
                + args);
    if (!p.waitForStarted())
        return {};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QString installId(const QString &appData)
{
    QFile f(appData + QStringLiteral("/install-id"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).trimmed() : QString();
}

} // namespace

// Drives the real steward binary through a first run, against the real keychain of the test
// session.
class tst_StewardHeadless : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstRunGeneratesThenWaits();
    void promptedValuesMakeItReady();
    void noSecretValueOutsideTheKeychain();
    void encryptedFileStoreWhenAsked();
    void badInvocations();
    void sigtermWhileWaitingExitsCleanly();
};

void tst_StewardHeadless::firstRunGeneratesThenWaits()
{
    QTemporaryDir data;
    const Outcome r = runSteward({QStringLiteral("--app-data"), data.path()});
    QCOMPARE(r.code, 3);
    QVERIFY2(r.out.contains(QLatin1String("(first run)")), qPrintable(r.out));
    QVERIFY(r.out.contains(QLatin1String("Generated session_key (43 characters)")));
    QVERIFY(r.out.contains(QLatin1String("Generated signing_key (64 characters)")));
    QVERIFY(r.out.contains(QLatin1String("api_token (Weather API token), needed by api")));
    QVERIFY(r.err.contains(QLatin1String("run with --prompt")));

    // The generated secrets are in the OS keychain, as secret-tool sees it.
    QProcess tool;
    tool.start(QStringLiteral("secret-tool"),
               {QStringLiteral("search"), QStringLiteral("--all"), QStringLiteral("server"),
                QStringLiteral("steward:hello-steward")});
    QVERIFY(tool.waitForFinished(30000));
    const QString listing
        = QString::fromUtf8(tool.readAllStandardOutput() + tool.readAllStandardError());
    const QString id = installId(data.path());
    QVERIFY(listing.contains(id + QStringLiteral("/session_key")));
    QVERIFY(listing.contains(id + QStringLiteral("/signing_key")));
    QVERIFY(!listing.contains(id + QStringLiteral("/api_token")));
}

void tst_StewardHeadless::promptedValuesMakeItReady()
{
    QTemporaryDir data;
    QCOMPARE(runSteward({QStringLiteral("--app-data"), data.path()}).code, 3);
    const Outcome r
        = runSteward({QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
                     "too-short\n" + Token + "\n\n");
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains(QLatin1String("api_token: does not have the expected format")));
    QVERIFY(r.out.contains(QLatin1String("example.com/tokens (https://example.com/tokens)")));
    QVERIFY(r.out.contains(QLatin1String("skipped")));
    QVERIFY(r.out.contains(QLatin1String("All required secrets are configured")));
    QVERIFY(!r.out.contains(QString::fromLatin1(Token)));
    QVERIFY(!r.out.contains(QLatin1String("too-short")));

    const Outcome again = runSteward({QStringLiteral("--app-data"), data.path()});
    QCOMPARE(again.code, 0);
    QVERIFY(!again.out.contains(QLatin1String("Generated")));
    QVERIFY(!again.out.contains(QLatin1String("first run")));
}

void tst_StewardHeadless::noSecretValueOutsideTheKeychain()
{
    QTemporaryDir data;
    QCOMPARE(runSteward({QStringLiteral("--app-data"), data.path(), QStringLiteral("--prompt")},
                        Token + "\nAda Lovelace\n")
                 .code,
             0);
    KeychainStore store(QStringLiteral("hello-steward"), installId(data.path()));
    QList<QByteArray> values;
    for (const char *id : {"session_key", "signing_key", "api_token", "greeting_name"}) {
        const test::ReadOutcome v = test::readNow(store, QString::fromLatin1(id));
        QVERIFY2(v.error.ok(), qPrintable(v.error.message));
        values << v.value;
    }
    QCOMPARE(values.at(2), Token);
    int files = 0;
    QDirIterator it(data.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray content = f.readAll();
        ++files;
        for (const QByteArray &v : values)
            QVERIFY2(!content.contains(v), qPrintable(f.fileName()));
    }
    QVERIFY(files >= 3); // install-id, state.json, logs/steward.log
}

void tst_StewardHeadless::encryptedFileStoreWhenAsked()
{
    QTemporaryDir data;
    const Outcome r
        = runSteward({QStringLiteral("--app-data"), data.path(),
                      QStringLiteral("--secret-store=file"), QStringLiteral("--prompt")},
                     Token + "\n\n");
    QCOMPARE(r.code, 0);
    QVERIFY2(r.out.contains(QLatin1String("encrypted files, key in the OS keychain")),
             qPrintable(r.out));
    const QStringList files = QDir(data.filePath(QStringLiteral("secrets"))).entryList(QDir::Files);
    QCOMPARE(files,
             (QStringList {QStringLiteral("api_token.secret"), QStringLiteral("session_key.secret"),
                           QStringLiteral("signing_key.secret")}));
    QFile f(data.filePath(QStringLiteral("secrets/api_token.secret")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(!f.readAll().contains(Token));
}

void tst_StewardHeadless::badInvocations()
{
    QCOMPARE(runSteward({QStringLiteral("--secret-store=cloud")}).code, 64);
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            {QStringLiteral("--headless"), QStringLiteral("--manifest"),
             test::sharedDir() + QStringLiteral("/vrooli/runtime-fixture-bundle.json")});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 1);
    QVERIFY(QString::fromUtf8(p.readAllStandardError()).contains(QLatin1String("/schema_version")));
}

void tst_StewardHeadless::sigtermWhileWaitingExitsCleanly()
{
    QTemporaryDir data;
    QProcess p;
    p.start(QStringLiteral(STEWARD_PATH),
            {QStringLiteral("--headless"), QStringLiteral("--prompt"), QStringLiteral("--manifest"),
             test::exampleBundle(), QStringLiteral("--app-data"), data.path()});
    QVERIFY(p.waitForStarted());
    QString out;
    QTRY_VERIFY_WITH_TIMEOUT((out += QString::fromUtf8(p.readAllStandardOutput()))
                                 .contains(QLatin1String("api_token: ")),
                             30000);
    ::kill(pid_t(p.processId()), SIGTERM);
    QVERIFY(p.waitForFinished(10000));
    QCOMPARE(p.exitStatus(), QProcess::NormalExit);
    QCOMPARE(p.exitCode(), 0);
}

QTEST_GUILESS_MAIN(tst_StewardHeadless)
#include "tst_stewardheadless.moc"
