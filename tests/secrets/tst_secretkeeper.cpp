#include "StoreSync.h"
#include "TestPaths.h"
#include "TestPrinters.h"
#include "core/Redactor.h"
#include "manifest/ManifestLoader.h"
#include "secrets/AuditTrail.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using Phase = SecretKeeper::Phase;

Q_DECLARE_METATYPE(steward::SecretKeeper::Phase)

using Values = QMap<QString, QString>;

namespace {

const QString ValidToken = QStringLiteral("wx_0123456789abcdefghij");

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

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

// `manifest` with keep_versions `n` on secret `id`.
Manifest keepingVersions(Manifest manifest, const QString &id, int n)
{
    for (SecretSpec &spec : manifest.secrets) {
        if (spec.id == id)
            spec.keepVersions = n;
    }
    return manifest;
}

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
    void historyKeepsEveryValueAndRollsBack();
    void historyIsPrunedAndRemovedWithTheSecret();
    void manifestSetsHowManyVersionsAreKept();
    void prunedVersionsStayListedUntilTheStoreConfirms();
    void refusedChangesLeaveHistoryAndAuditAlone();
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

void tst_SecretKeeper::historyKeepsEveryValueAndRollsBack()
{
    QTemporaryDir dir;
    MemoryStore store;
    AuditTrail audit(dir.path());
    QVERIFY(audit.openWithKey("audit key for the test").ok());
    Run run(m_manifest, dir.path(), store);
    run.keeper.setAuditTrail(&audit);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    const QString id = QStringLiteral("api_token");
    const QStringList values {ValidToken, QStringLiteral("wx_second_0123456789abcd"),
                              QStringLiteral("wx_third_0123456789abcde")};
    for (const QString &v : values) {
        QSignalSpy changed(&run.keeper, &SecretKeeper::secretsChanged);
        QVERIFY(changeNow([&](QObject *c, auto h) {
                    run.keeper.provide({{id, v}}, c, h,
                                       {QStringLiteral("api"), QStringLiteral("admin token")});
                }).ok);
        QCOMPARE(changed.count(), 1);
    }
    QList<InstallState::SecretVersion> history = run.keeper.history(id);
    QCOMPARE(history.size(), 3);
    for (int i = 0; i < 3; ++i) {
        QCOMPARE(history.at(i).number, i + 1);
        QCOMPARE(history.at(i).source, QStringLiteral("api"));
        QCOMPARE(history.at(i).actor, QStringLiteral("admin token"));
        QVERIFY(history.at(i).createdAt.isValid());
        // Each version's value is in the store beside the current one.
        QCOMPARE(store.values().value(SecretKeeper::historyItem(id, i + 1)), values.at(i).toUtf8());
    }

    // Back to version 1: a new version 4, from "rollback", and its consumers are told.
    QSignalSpy changed(&run.keeper, &SecretKeeper::secretsChanged);
    SecretKeeper::ChangeResult r = changeNow([&](QObject *c, auto h) {
        run.keeper.rollback(id, 1, c, h, {{}, QStringLiteral("stewardctl")});
    });
    QVERIFY2(r.ok, qPrintable(r.allProblems().join(u';')));
    QCOMPARE(r.changed, QStringList {id});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.first().first().toStringList(), QStringList {id});
    QCOMPARE(run.keeper.value(id), std::optional<QByteArray>(ValidToken.toUtf8()));
    QCOMPARE(store.values().value(id), ValidToken.toUtf8());
    QCOMPARE(run.keeper.record(id)->version, 4);
    history = run.keeper.history(id);
    QCOMPARE(history.last().number, 4);
    QCOMPARE(history.last().source, QStringLiteral("rollback"));
    QCOMPARE(history.last().actor, QStringLiteral("stewardctl"));
    // Rolling back to what is current changes nothing; an unknown version is refused.
    r = changeNow([&](QObject *c, auto h) { run.keeper.rollback(id, 4, c, h); });
    QVERIFY(r.ok);
    QCOMPARE(r.unchanged, QStringList {id});
    r = changeNow([&](QObject *c, auto h) { run.keeper.rollback(id, 99, c, h); });
    QVERIFY(!r.ok);
    QVERIFY(r.problems.value(id).join(u' ').contains(QLatin1String("no kept version 99")));
    // Generated secrets roll back too.
    const QByteArray generated = *run.keeper.value(QStringLiteral("session_key"));
    QVERIFY(changeNow([&](QObject *c, auto h) {
                run.keeper.regenerate(QStringLiteral("session_key"), c, h);
            }).ok);
    QVERIFY(changeNow([&](QObject *c, auto h) {
                run.keeper.rollback(QStringLiteral("session_key"), 1, c, h);
            }).ok);
    QCOMPARE(run.keeper.value(QStringLiteral("session_key")), std::optional(generated));

    // The history survives a restart, and no value is in the state file or the audit trail.
    const QByteArray stateFile = readFile(run.state.path());
    const QByteArray trail = readFile(audit.path());
    for (const QString &v : values) {
        QVERIFY(!stateFile.contains(v.toUtf8()));
        QVERIFY(!trail.contains(v.toUtf8()));
    }
    QVERIFY(!trail.contains(generated));
    Run again(m_manifest, dir.path(), store);
    QVERIFY(again.state.secret(id));
    QCOMPARE(again.state.secret(id)->history.size(), 4);
    QStringList actions;
    for (const AuditTrail::Entry &e : AuditTrail::list(dir.path(), {{}, id}))
        actions << e.event.action;
    QCOMPARE(actions,
             (QStringList {QStringLiteral("created"), QStringLiteral("changed"),
                           QStringLiteral("changed"), QStringLiteral("rolled_back")}));
    QVERIFY(AuditTrail::verify(dir.path(), "audit key for the test").ok);
}

void tst_SecretKeeper::historyIsPrunedAndRemovedWithTheSecret()
{
    QTemporaryDir dir;
    MemoryStore store;
    Run run(m_manifest, dir.path(), store);
    run.keeper.setHistoryLimit(2);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    const QString id = QStringLiteral("greeting_name");
    for (const QString &v : {QStringLiteral("Ada"), QStringLiteral("Grace"),
                             QStringLiteral("Barbara"), QStringLiteral("Frances")})
        QVERIFY(provideNow(run.keeper, {{id, v}}).ok);
    QTRY_COMPARE(run.keeper.history(id).size(), 2);
    QCOMPARE(run.keeper.history(id).first().number, 3);
    for (int n : {1, 2})
        QVERIFY(!store.values().contains(SecretKeeper::historyItem(id, n)));
    QCOMPARE(store.values().value(SecretKeeper::historyItem(id, 3)), QByteArray("Barbara"));

    QVERIFY(changeNow([&](QObject *c, auto h) { run.keeper.clear(id, c, h); }).ok);
    QTRY_VERIFY(run.keeper.history(id).isEmpty());
    for (auto it = store.values().cbegin(); it != store.values().cend(); ++it)
        QVERIFY2(!it.key().startsWith(id), qPrintable(it.key()));
}

void tst_SecretKeeper::manifestSetsHowManyVersionsAreKept()
{
    const Manifest manifest = keepingVersions(m_manifest, QStringLiteral("greeting_name"), 1);
    QTemporaryDir dir;
    MemoryStore store;
    Run run(manifest, dir.path(), store);
    run.keeper.setHistoryLimit(5); // the manifest's own number wins for its secret
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    for (const QString &v :
         {QStringLiteral("Ada"), QStringLiteral("Grace"), QStringLiteral("Barbara")}) {
        QVERIFY(provideNow(run.keeper, {{QStringLiteral("greeting_name"), v}}).ok);
        QVERIFY(provideNow(
                    run.keeper,
                    {{QStringLiteral("api_token"), QStringLiteral("wx_") + v.repeated(6).left(20)}})
                    .ok);
    }
    QTRY_COMPARE(run.keeper.history(QStringLiteral("greeting_name")).size(), 1);
    QCOMPARE(run.keeper.history(QStringLiteral("greeting_name")).first().number, 3);
    QCOMPARE(run.keeper.history(QStringLiteral("api_token")).size(), 3);
}

void tst_SecretKeeper::prunedVersionsStayListedUntilTheStoreConfirms()
{
    const Manifest manifest = keepingVersions(m_manifest, QStringLiteral("greeting_name"), 1);
    QTemporaryDir dir;
    MemoryStore store;
    Run run(manifest, dir.path(), store);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    const QString id = QStringLiteral("greeting_name");
    QVERIFY(provideNow(run.keeper, {{id, QStringLiteral("Ada")}}).ok);

    // The store dies the moment the next value is stored, before version 1 is pruned.
    bool stored = false;
    run.keeper.provide({{id, QStringLiteral("Grace")}}, this,
                       [&](const SecretKeeper::ChangeResult &r) {
                           stored = r.ok;
                           store.failWith(SecretStore::ErrorKind::NoBackend);
                       });
    QTRY_VERIFY(stored);
    // The store answers in order: once this read is answered, so is the prune's removal.
    QVERIFY(!test::readNow(store, id).error.ok());
    QCOMPARE(run.keeper.history(id).size(), 2);
    QVERIFY(store.values().contains(SecretKeeper::historyItem(id, 1)));
    const Result<InstallState> saved = InstallState::load(dir.path());
    QVERIFY(saved.ok() && saved->secret(id));
    QCOMPARE(saved->secret(id)->history.size(), 2);

    // Back: the next change prunes what is due, each version once the store confirmed it.
    store.failWith(SecretStore::ErrorKind::None);
    QVERIFY(provideNow(run.keeper, {{id, QStringLiteral("Barbara")}}).ok);
    QTRY_COMPARE(run.keeper.history(id).size(), 1);
    QCOMPARE(run.keeper.history(id).first().number, 3);
    QTRY_VERIFY(!store.values().contains(SecretKeeper::historyItem(id, 1))
                && !store.values().contains(SecretKeeper::historyItem(id, 2)));
    QVERIFY(store.values().contains(SecretKeeper::historyItem(id, 3)));
}

void tst_SecretKeeper::refusedChangesLeaveHistoryAndAuditAlone()
{
    QTemporaryDir dir;
    MemoryStore store;
    AuditTrail audit(dir.path());
    QVERIFY(audit.openWithKey("audit key for the test").ok());
    Run run(m_manifest, dir.path(), store);
    run.keeper.setAuditTrail(&audit);
    run.keeper.start();
    QTRY_COMPARE(run.keeper.phase(), Phase::WaitingForSecrets);
    const QString id = QStringLiteral("api_token");
    QVERIFY(provideNow(run.keeper, {{id, ValidToken}}).ok);
    QVERIFY(provideNow(run.keeper, {{id, QStringLiteral("wx_second_0123456789abcd")}}).ok);
    const auto storeBefore = store.values();
    const QByteArray stateBefore = readFile(run.state.path());
    const QByteArray auditBefore = readFile(audit.path());

    store.failWith(SecretStore::ErrorKind::Locked);
    SecretKeeper::ChangeResult r
        = changeNow([&](QObject *c, auto h) { run.keeper.clear(id, c, h); });
    QVERIFY(!r.ok && !r.error.isEmpty());
    r = changeNow([&](QObject *c, auto h) { run.keeper.rollback(id, 1, c, h); });
    QVERIFY(!r.ok && !r.error.isEmpty());
    store.failWith(SecretStore::ErrorKind::None);
    store.failOneWriteAfter(1); // the history item is written, the value is not: both undone
    r = changeNow([&](QObject *c, auto h) { run.keeper.rollback(id, 1, c, h); });
    QVERIFY(!r.ok);
    QCOMPARE(store.values(), storeBefore);
    QCOMPARE(readFile(run.state.path()), stateBefore);
    QCOMPARE(readFile(audit.path()), auditBefore);
    QCOMPARE(run.keeper.history(id).size(), 2);
    QCOMPARE(run.keeper.value(id),
             std::optional<QByteArray>(QByteArrayLiteral("wx_second_0123456789abcd")));
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
