#include "TestPaths.h"
#include "TestPrinters.h"
#include "core/Redactor.h"
#include "manifest/ManifestLoader.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using Phase = SecretKeeper::Phase;

Q_DECLARE_METATYPE(steward::SecretKeeper::Phase)

using Values = QMap<QString, QString>;

namespace {

const QString ValidToken = QStringLiteral("wx_0123456789abcdefghij");

// One run of Steward over an app data dir and a store that outlive it.
struct Run
{
    Run(const Manifest &m, const QString &dataDir, SecretStore &store)
        : state(InstallState::load(dataDir).value())
        , redactor(std::make_shared<Redactor>())
        , keeper(m, state, store, redactor)
    { }
    InstallState state;
    std::shared_ptr<Redactor> redactor;
    SecretKeeper keeper;
};

SecretKeeper::ChangeResult provideNow(SecretKeeper &k, const QMap<QString, QString> &values)
{
    SecretKeeper::ChangeResult out;
    bool done = false;
    QObject ctx;
    k.provide(values, &ctx, [&](const SecretKeeper::ChangeResult &r) {
        out = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        out.error = QStringLiteral("test gave up waiting");
    return out;
}

template<typename Op> SecretKeeper::ChangeResult changeNow(Op op)
{
    SecretKeeper::ChangeResult out;
    bool done = false;
    QObject ctx;
    op(&ctx, [&](const SecretKeeper::ChangeResult &r) {
        out = r;
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, 10000))
        out.error = QStringLiteral("test gave up waiting");
    return out;
}

} // namespace

class tst_SecretKeeper : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void firstRunGeneratesAndWaitsPerService();
    void invalidOrUnknownEntriesStoreNothing_data();
    void invalidOrUnknownEntriesStoreNothing();
    void providingMakesItReady();
    void sameValueChangesNothing();
    void secondRunKeepsValues();
    void storeFailureMidwayRollsBack();
    void unavailableStoreFailsClearly();
    void clearAndRegenerate();
    void redactorKnowsEveryValue();
    void lostStateIsRebuiltFromTheStore();

private:
    Manifest m_manifest;
};

void tst_SecretKeeper::initTestCase()
{
    qRegisterMetaType<SecretKeeper::Phase>();
    const ManifestLoadResult r = ManifestLoader::loadFile(
        test::sourceDir() + QStringLiteral("/resources/examples/hello/bundle.json"));
    QVERIFY(r.valid());
    m_manifest = *r.manifest;
}

void tst_SecretKeeper::firstRunGeneratesAndWaitsPerService()
{
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    QSignalSpy phases(&run.keeper, &SecretKeeper::phaseChanged);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    QCOMPARE(phases.first().first().value<Phase>(), Phase::Loading);
    QCOMPARE(run.keeper.generatedThisRun(),
             (QStringList {QStringLiteral("session_key"), QStringLiteral("signing_key")}));
    QCOMPARE(store.values().value(QStringLiteral("session_key")).size(), 43);
    QCOMPARE(store.values().value(QStringLiteral("signing_key")).size(), 64);
    QCOMPARE(run.keeper.missingRequired(), QStringList {QStringLiteral("api_token")});
    QCOMPARE(run.keeper.missingFor(QStringLiteral("api")),
             QStringList {QStringLiteral("api_token")});
    // The optional greeting never blocks web.
    QVERIFY(run.keeper.canStart(QStringLiteral("web")));
    QVERIFY(!run.keeper.canStart(QStringLiteral("api")));
    const InstallState::SecretRecord *rec = run.keeper.record(QStringLiteral("session_key"));
    QCOMPARE(rec->source, InstallState::SecretSource::Generated);
    QCOMPARE(rec->status, InstallState::SecretStatus::Configured);
    QCOMPARE(run.keeper.record(QStringLiteral("api_token"))->status,
             InstallState::SecretStatus::Missing);
    // The state on disk says the same, without values.
    QFile f(run.state.path());
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray onDisk = f.readAll();
    QVERIFY(onDisk.contains("\"generated\""));
    QVERIFY(!onDisk.contains(store.values().value(QStringLiteral("session_key"))));
}

void tst_SecretKeeper::invalidOrUnknownEntriesStoreNothing_data()
{
    QTest::addColumn<Values>("values");
    QTest::addColumn<QString>("badId");
    QTest::addColumn<QString>("problem");
    QTest::newRow("bad format") << Values {{QStringLiteral("api_token"), QStringLiteral("short")}}
                                << "api_token"
                                << "expected format";
    QTest::newRow("unknown id beside a good one")
        << Values {{QStringLiteral("api_token"), ValidToken},
                   {QStringLiteral("nope"), QStringLiteral("x")}}
        << "nope"
        << "no secret with that id";
    QTest::newRow("generated secret")
        << Values {{QStringLiteral("session_key"), QStringLiteral("abcdefghijklmnop")}}
        << "session_key"
        << "regenerate it instead";
    QTest::newRow("required empty")
        << Values {{QStringLiteral("api_token"), QString()}} << "api_token"
        << "a value is required";
    QTest::newRow("whitespace") << Values {{QStringLiteral("api_token"),
                                            ValidToken + QLatin1Char('\n')}}
                                << "api_token"
                                << "must not start or end with spaces";
}

void tst_SecretKeeper::invalidOrUnknownEntriesStoreNothing()
{
    QFETCH(Values, values);
    QFETCH(QString, badId);
    QFETCH(QString, problem);
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    const auto before = store.values();
    QSignalSpy changed(&run.keeper, &SecretKeeper::secretsChanged);
    const SecretKeeper::ChangeResult r = provideNow(run.keeper, values);
    QVERIFY(!r.ok);
    QVERIFY(r.problems.contains(badId));
    QVERIFY2(r.problems.value(badId).join(QLatin1Char(' ')).contains(problem),
             qPrintable(r.problems.value(badId).join(QLatin1Char(' '))));
    for (const QStringList &ps : r.problems) {
        for (const QString &p : ps)
            QVERIFY(!p.contains(ValidToken));
    }
    QCOMPARE(store.values(), before);
    QCOMPARE(changed.count(), 0);
    QCOMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
}

void tst_SecretKeeper::providingMakesItReady()
{
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    QSignalSpy changed(&run.keeper, &SecretKeeper::secretsChanged);
    const SecretKeeper::ChangeResult r
        = provideNow(run.keeper, {{QStringLiteral("api_token"), ValidToken}});
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.changed, QStringList {QStringLiteral("api_token")});
    QCOMPARE(run.keeper.phase(), Phase::Ready);
    QVERIFY(run.keeper.canStart(QStringLiteral("api")));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(store.values().value(QStringLiteral("api_token")), ValidToken.toUtf8());
    const InstallState::SecretRecord *rec = run.keeper.record(QStringLiteral("api_token"));
    QCOMPARE(rec->source, InstallState::SecretSource::UserProvided);
    QCOMPARE(rec->version, 1);
    QVERIFY(rec->updatedAt.isValid());
}

void tst_SecretKeeper::sameValueChangesNothing()
{
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    QVERIFY(provideNow(run.keeper, {{QStringLiteral("api_token"), ValidToken}}).ok);
    QSignalSpy changed(&run.keeper, &SecretKeeper::secretsChanged);
    const SecretKeeper::ChangeResult r
        = provideNow(run.keeper, {{QStringLiteral("api_token"), ValidToken}});
    QVERIFY(r.ok);
    QCOMPARE(r.unchanged, QStringList {QStringLiteral("api_token")});
    QVERIFY(r.changed.isEmpty());
    QCOMPARE(changed.count(), 0);
    QCOMPARE(run.keeper.record(QStringLiteral("api_token"))->version, 1);
}

void tst_SecretKeeper::secondRunKeepsValues()
{
    QTemporaryDir dir;
    MemoryStore store;
    {
        Run first(m_manifest, dir.path(), store);
        first.keeper.start();
        QTRY_COMPARE(first.keeper.phase(), Phase::WaitingForSecrets);
        QVERIFY(provideNow(first.keeper, {{QStringLiteral("api_token"), ValidToken}}).ok);
    }
    const auto before = store.values();
    Run second(m_manifest, dir.path(), store);
    second.keeper.start();
    QTRY_COMPARE(second.keeper.phase(), Phase::Ready);
    QVERIFY(second.keeper.generatedThisRun().isEmpty());
    QCOMPARE(store.values(), before);
    QCOMPARE(second.keeper.value(QStringLiteral("session_key")),
             before.value(QStringLiteral("session_key")));
}

void tst_SecretKeeper::storeFailureMidwayRollsBack()
{
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    QVERIFY(provideNow(run.keeper, {{QStringLiteral("api_token"), ValidToken}}).ok);
    const auto before = store.values();
    // The second of two writes fails: the first is undone.
    store.failOneWriteAfter(1);
    const SecretKeeper::ChangeResult r
        = provideNow(run.keeper,
                     {{QStringLiteral("api_token"), QStringLiteral("wx_zzzzzzzzzzzzzzzzzzzzzz")},
                      {QStringLiteral("greeting_name"), QStringLiteral("Ada Lovelace")}});
    QVERIFY(!r.ok);
    QVERIFY(r.error.contains(QLatin1String("simulated write failure")));
    QCOMPARE(store.values(), before);
    QCOMPARE(run.keeper.value(QStringLiteral("api_token")),
             std::optional<QByteArray>(ValidToken.toUtf8()));
    QCOMPARE(run.keeper.record(QStringLiteral("api_token"))->version, 1);
}

void tst_SecretKeeper::unavailableStoreFailsClearly()
{
    QTemporaryDir dir;
    MemoryStore store;
    store.failWith(SecretStore::ErrorKind::Locked);
    Run run(m_manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::Failed);
    QVERIFY(run.keeper.failure().contains(QLatin1String("cannot read the secrets from memory")));
    QVERIFY(run.keeper.failure().contains(QLatin1String("keychain locked")));
    // Later requests are answered, not left hanging.
    const SecretKeeper::ChangeResult r
        = provideNow(run.keeper, {{QStringLiteral("api_token"), ValidToken}});
    QVERIFY(!r.ok);
}

void tst_SecretKeeper::clearAndRegenerate()
{
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    QVERIFY(provideNow(run.keeper,
                       {{QStringLiteral("api_token"), ValidToken},
                        {QStringLiteral("greeting_name"), QStringLiteral("Ada")}})
                .ok);
    QCOMPARE(run.keeper.phase(), Phase::Ready);

    SecretKeeper::ChangeResult r = changeNow(
        [&](QObject *c, auto h) { run.keeper.clear(QStringLiteral("greeting_name"), c, h); });
    QVERIFY(r.ok);
    QVERIFY(!store.values().contains(QStringLiteral("greeting_name")));
    QCOMPARE(run.keeper.phase(), Phase::Ready);
    r = changeNow([&](QObject *c, auto h) { run.keeper.clear(QStringLiteral("api_token"), c, h); });
    QVERIFY(r.ok);
    QCOMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    QVERIFY(!run.keeper.canStart(QStringLiteral("api")));

    const QByteArray old = store.values().value(QStringLiteral("session_key"));
    QSignalSpy changed(&run.keeper, &SecretKeeper::secretsChanged);
    r = changeNow(
        [&](QObject *c, auto h) { run.keeper.regenerate(QStringLiteral("session_key"), c, h); });
    QVERIFY(r.ok);
    QVERIFY(store.values().value(QStringLiteral("session_key")) != old);
    QCOMPARE(changed.count(), 1);
    QCOMPARE(run.keeper.record(QStringLiteral("session_key"))->version, 2);
    r = changeNow(
        [&](QObject *c, auto h) { run.keeper.regenerate(QStringLiteral("api_token"), c, h); });
    QVERIFY(!r.ok);
}

void tst_SecretKeeper::redactorKnowsEveryValue()
{
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    QVERIFY(provideNow(run.keeper, {{QStringLiteral("api_token"), ValidToken}}).ok);
    const QString line
        = QStringLiteral("token=%1 key=%2")
              .arg(ValidToken, QString::fromUtf8(*run.keeper.value(QStringLiteral("session_key"))));
    QCOMPARE(run.redactor->redact(line), QStringLiteral("token=***REDACTED*** key=***REDACTED***"));
}

void tst_SecretKeeper::lostStateIsRebuiltFromTheStore()
{
    QTemporaryDir dir;
    MemoryStore store;
    QString stateFile;
    {
        Run first(m_manifest, dir.path(), store);
        first.keeper.start();
        QTRY_COMPARE(first.keeper.phase(), Phase::WaitingForSecrets);
        QVERIFY(provideNow(first.keeper, {{QStringLiteral("api_token"), ValidToken}}).ok);
        stateFile = first.state.path();
    }
    QFile f(stateFile);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write("{ not json");
    f.close();
    Run again(m_manifest, dir.path(), store);
    QVERIFY(again.state.recovered());
    again.keeper.start();
    QTRY_COMPARE(again.keeper.phase(), Phase::Ready);
    QVERIFY(again.keeper.generatedThisRun().isEmpty()); // nothing already stored was replaced
    QCOMPARE(again.keeper.record(QStringLiteral("api_token"))->source,
             InstallState::SecretSource::UserProvided);
    QCOMPARE(again.keeper.record(QStringLiteral("session_key"))->source,
             InstallState::SecretSource::Generated);
}

QTEST_GUILESS_MAIN(tst_SecretKeeper)
#include "tst_secretkeeper.moc"
