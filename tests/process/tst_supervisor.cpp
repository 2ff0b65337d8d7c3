#include "SupervisorHarness.h"
#include "TestPrinters.h"
#include "process/GpuProbe.h"
#include "process/ServiceLog.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTest>
#include <QTimer>

#include <csignal>

using namespace steward;
using steward::test::SupervisorHarness;
using State = ManagedService::State;
using json = nlohmann::json;

Q_DECLARE_METATYPE(steward::ManagedService::State)

namespace QTest {
template<> inline char *toString(const steward::ManagedService::State &s)
{
    return qstrdup(qPrintable(steward::ManagedService::stateName(s)));
}
template<> inline char *toString(const steward::Supervisor::AppStatus &s)
{
    return qstrdup(qPrintable(steward::Supervisor::statusName(s)));
}
} // namespace QTest

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

} // namespace

// The supervisor with real child processes (the demo service in its test modes).
class tst_Supervisor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void dependencyOrderAndParallelStart();
    void crashIsRestartedWithBackoffUntilCrashLoop();
    void stableRunResetsTheCount();
    void livenessFailureRestarts();
    void livenessRestartsCanBeTurnedOff();
    void gracefulStopReachesATrappingChild();
    void stopTimeoutEndsInSigkill();
    void stopRightAfterStartIsGraceful();
    void stopsInReverseDependencyOrder();
    void secretsNeverReachTheLogs();
    void encodedSecretsNeverReachTheLogs();
    void rotationRestartsExactlyTheConsumers();
    void rollbackRestartsExactlyTheConsumers();
    void missingSecretHoldsOnlyItsConsumers();
    void dependentsOfAFailedServiceWait();
    void nonCriticalFailureDegrades();
    void cleanExitIsNotRestartedOnFailurePolicy();
    void logMatchReadiness();
    void missingBinaryFailsClearly();
    void dataDirThatCannotBeMadeFailsClearly();
    void unresolvedWorkingDirectoryFailsClearly();
    void migrationsOnANewInstall();
    void migrationsOnAnUpgrade();
    void failingMigrationFailsTheService();
    void assetsAreChecked_data();
    void assetsAreChecked();
    void gpuRequirement();
};

void tst_Supervisor::dependencyOrderAndParallelStart()
{
    SupervisorHarness h;
    json services = json::array(
        {SupervisorHarness::service(QStringLiteral("a"),
                                    {QStringLiteral("--ready-after-ms"), QStringLiteral("300")}),
         SupervisorHarness::service(QStringLiteral("b"),
                                    {QStringLiteral("--ready-after-ms"), QStringLiteral("300")}),
         SupervisorHarness::service(QStringLiteral("c"), {})});
    services[2]["dependencies"] = {"a", "b"};
    QCOMPARE(h.load(services), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.supervisor().status(), Supervisor::AppStatus::Ready, 20000);
    const qint64 aStart = h.when(QStringLiteral("a"), State::Starting);
    const qint64 bStart = h.when(QStringLiteral("b"), State::Starting);
    const qint64 aReady = h.when(QStringLiteral("a"), State::Ready);
    const qint64 bReady = h.when(QStringLiteral("b"), State::Ready);
    const qint64 cStart = h.when(QStringLiteral("c"), State::Starting);
    // a and b start together (neither waits for the other); c only after both are ready.
    QVERIFY(aStart >= 0 && bStart >= 0);
    QVERIFY2(bStart < aReady && aStart < bReady, "independent services must start in parallel");
    QVERIFY(cStart >= std::max(aReady, bReady));
    QVERIFY(h.when(QStringLiteral("c"), State::Waiting) >= 0);
}

void tst_Supervisor::crashIsRestartedWithBackoffUntilCrashLoop()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(QStringLiteral("crasher"),
                                          {QStringLiteral("--exit-after-ms"), QStringLiteral("100"),
                                           QStringLiteral("--exit-code"), QStringLiteral("3")});
    svc["restart"] = {{"policy", "on_failure"},
                      {"max_restarts", 3},
                      {"backoff_initial_ms", 400},
                      {"backoff_max_ms", 5000}};
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("crasher"))->state(), State::Failed, 30000);
    ManagedService *s = h.svc(QStringLiteral("crasher"));
    QVERIFY2(s->message().contains(QLatin1String("crash loop")), qPrintable(s->message()));
    QVERIFY(s->message().contains(QLatin1String("exited with code 3")));
    QCOMPARE(s->restarts(), 3);
    QCOMPARE(s->exitCode(), std::optional<int>(3));
    // The restart delays: immediate, then about 400 ms, then about 800 ms (+-20% jitter).
    QList<qint64> gaps;
    qint64 lastBackoff = -1;
    for (const SupervisorHarness::Event &e : h.events()) {
        if (e.service != QLatin1String("crasher"))
            continue;
        if (e.state == State::Backoff)
            lastBackoff = e.ms;
        else if (e.state == State::Starting && lastBackoff >= 0)
            gaps << e.ms - lastBackoff;
    }
    QCOMPARE(gaps.size(), 3);
    QVERIFY2(gaps.at(0) < 150, qPrintable(QString::number(gaps.at(0))));
    QVERIFY2(gaps.at(1) >= 320 && gaps.at(1) < 700, qPrintable(QString::number(gaps.at(1))));
    QVERIFY2(gaps.at(2) >= 640 && gaps.at(2) < 1300, qPrintable(QString::number(gaps.at(2))));
    // A critical service in a crash loop fails the app.
    QCOMPARE(h.supervisor().status(), Supervisor::AppStatus::Failed);
    QVERIFY(h.supervisor().statusReason().contains(QLatin1String("crasher failed")));
    const QByteArray telemetry
        = readFile(h.appData() + QStringLiteral("/data/telemetry/events.jsonl"));
    QCOMPARE(telemetry.count("\"event\":\"service_restart\""), 3);
    QCOMPARE(telemetry.count("\"event\":\"service_crash_loop\""), 1);
}

void tst_Supervisor::stableRunResetsTheCount()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(
        QStringLiteral("flaky"), {QStringLiteral("--exit-after-ms"), QStringLiteral("400")});
    svc["restart"] = {{"policy", "on_failure"},
                      {"max_restarts", 1},
                      {"backoff_initial_ms", 50},
                      {"stable_after_ms", 200}};
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    // Each run lasts longer than stable_after_ms, so one allowed restart is never used up.
    QTRY_VERIFY_WITH_TIMEOUT(h.svc(QStringLiteral("flaky"))->restarts() >= 3, 20000);
    QVERIFY(h.count(QStringLiteral("flaky"), State::Failed) == 0);
}

void tst_Supervisor::livenessFailureRestarts()
{
    SupervisorHarness h;
    QCOMPARE(h.load(json::array({SupervisorHarness::service(
                 QStringLiteral("sick"),
                 {QStringLiteral("--unhealthy-after-ms"), QStringLiteral("1500")})})),
             QString());
    h.supervisor().start();
    QTRY_VERIFY_WITH_TIMEOUT(h.when(QStringLiteral("sick"), State::Backoff) >= 0, 20000);
    const qint64 ready = h.when(QStringLiteral("sick"), State::Ready);
    QVERIFY(ready >= 0 && ready < h.when(QStringLiteral("sick"), State::Backoff));
    bool unhealthy = false;
    for (const SupervisorHarness::Event &e : h.events())
        unhealthy = unhealthy
            || e.message.contains(
                QLatin1String("unhealthy: 2 failed health checks in a row (HTTP 500)"));
    QVERIFY(unhealthy);
    QTRY_VERIFY_WITH_TIMEOUT(h.count(QStringLiteral("sick"), State::Ready) >= 2,
                             20000); // back after the restart
}

void tst_Supervisor::livenessRestartsCanBeTurnedOff()
{
    // restart.on_unhealthy false: failed health checks after readiness only mark the service
    // unhealthy, as the reference runtime (which has no liveness checks) would leave it.
    SupervisorHarness h;
    json svc = SupervisorHarness::service(
        QStringLiteral("sick"), {QStringLiteral("--unhealthy-after-ms"), QStringLiteral("700")});
    svc["restart"]["on_unhealthy"] = false;
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("sick"))->state(), State::Ready, 20000);
    const qint64 pid = h.svc(QStringLiteral("sick"))->pid();
    QTRY_VERIFY_WITH_TIMEOUT(h.svc(QStringLiteral("sick"))
                                 ->message()
                                 .contains(QLatin1String("unhealthy: 2 failed health checks")),
                             20000);
    QCOMPARE(h.svc(QStringLiteral("sick"))->state(), State::Ready);
    QCOMPARE(h.svc(QStringLiteral("sick"))->pid(), pid);
    QCOMPARE(h.count(QStringLiteral("sick"), State::Backoff), 0);
}

void tst_Supervisor::gracefulStopReachesATrappingChild()
{
    SupervisorHarness h;
    const QString marker = h.appData() + QStringLiteral("/terminated");
    QCOMPARE(h.load(json::array({SupervisorHarness::service(
                 QStringLiteral("polite"), {QStringLiteral("--term-marker"), marker})})),
             QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("polite"))->state(), State::Ready, 20000);
    QVERIFY(h.stopAll());
    QCOMPARE(readFile(marker), QByteArray("terminated cleanly\n"));
    QCOMPARE(h.svc(QStringLiteral("polite"))->state(), State::Stopped);
    QCOMPARE(h.svc(QStringLiteral("polite"))->exitCode(), std::optional<int>(0));
}

void tst_Supervisor::stopTimeoutEndsInSigkill()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(QStringLiteral("stubborn"),
                                          {QStringLiteral("--ignore-sigterm")});
    svc["stop_timeout_ms"] = 300;
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("stubborn"))->state(), State::Ready, 20000);
    const qint64 pid = h.svc(QStringLiteral("stubborn"))->pid();
    QVERIFY(h.stopAll());
    QVERIFY(::kill(pid_t(pid), 0) != 0); // gone
    QVERIFY(h.svc(QStringLiteral("stubborn"))
                ->log()
                ->tail(10)
                .join(QLatin1Char('\n'))
                .contains(QLatin1String("did not stop within 300 ms")));
}

void tst_Supervisor::stopRightAfterStartIsGraceful()
{
    // A stop in the same event-loop turn as the start, before QProcess confirmed the exec: the
    // signal must still reach the child once it runs, not wait for the SIGKILL timeout.
    SupervisorHarness h;
    const QString marker = h.appData() + QStringLiteral("/terminated");
    json svc = SupervisorHarness::service(QStringLiteral("quick"),
                                          {QStringLiteral("--term-marker"), marker});
    svc["stop_timeout_ms"] = 60000;
    QCOMPARE(h.load(json::array({svc})), QString());
    ManagedService *quick = h.svc(QStringLiteral("quick"));
    bool stopped = false;
    bool wasRunning = false;
    QElapsedTimer stopping;
    // Polls every event-loop turn and stops as soon as the child exists, which is usually
    // before QProcess has reported that its exec succeeded.
    QTimer poll;
    poll.setInterval(0);
    connect(&poll, &QTimer::timeout, this, [&] {
        if (!quick->isRunning())
            return;
        poll.stop();
        wasRunning = true;
        stopping.start();
        h.supervisor().stopAll([&stopped] { stopped = true; });
    });
    poll.start();

    h.supervisor().start();
    QTRY_VERIFY_WITH_TIMEOUT(stopped, 20000);
    QVERIFY(wasRunning);

    QCOMPARE(h.svc(QStringLiteral("quick"))->state(), State::Stopped);
    QVERIFY2(stopping.elapsed() < 30000, "the stop waited for the SIGKILL timeout");
    QVERIFY(!h.svc(QStringLiteral("quick"))
                 ->log()
                 ->tail(10)
                 .join(QLatin1Char('\n'))
                 .contains(QLatin1String("did not stop")));
}

void tst_Supervisor::stopsInReverseDependencyOrder()
{

    SupervisorHarness h;
    json services = json::array({SupervisorHarness::service(QStringLiteral("db"), {}),
                                 SupervisorHarness::service(QStringLiteral("api"), {}),
                                 SupervisorHarness::service(QStringLiteral("ui"), {})});
    services[1]["dependencies"] = {"db"};
    services[2]["dependencies"] = {"api"};
    QCOMPARE(h.load(services), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.supervisor().status(), Supervisor::AppStatus::Ready, 20000);
    const qint64 before = h.events().last().ms;
    QVERIFY(h.stopAll());
    const qint64 ui = h.when(QStringLiteral("ui"), State::Stopped, before);
    const qint64 api = h.when(QStringLiteral("api"), State::Stopped, before);
    const qint64 apiStopping = h.when(QStringLiteral("api"), State::Stopping, before);
    const qint64 dbStopping = h.when(QStringLiteral("db"), State::Stopping, before);
    QVERIFY(ui >= 0 && api >= 0);
    QVERIFY(apiStopping >= ui);
    QVERIFY(dbStopping >= api);
    QCOMPARE(h.supervisor().status(), Supervisor::AppStatus::Stopped);
}

void tst_Supervisor::secretsNeverReachTheLogs()
{
    SupervisorHarness h;
    json secrets = json::array({{{"id", "token"},
                                 {"class", "per_install_generated"},
                                 {"generator", {{"type", "random"}, {"length", 40}}},
                                 {"target", {{"type", "env"}, {"name", "TOKEN"}}}}});
    json svc = SupervisorHarness::service(QStringLiteral("leaky"),
                                          {QStringLiteral("--print-env"), QStringLiteral("TOKEN")});
    svc["secrets"] = {"token"};
    QCOMPARE(h.load(json::array({svc}), secrets), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("leaky"))->state(), State::Ready, 20000);
    QVERIFY(h.stopAll());
    const QByteArray value = *h.keeper().value(QStringLiteral("token"));
    QCOMPARE(value.size(), 40);
    const QByteArray log = readFile(h.svc(QStringLiteral("leaky"))->log()->filePath());
    QVERIFY2(log.contains("TOKEN=***REDACTED***"), log.constData());
    QVERIFY(!log.contains(value));
    QVERIFY(!h.svc(QStringLiteral("leaky"))
                 ->log()
                 ->tail(100)
                 .join(QLatin1Char('\n'))
                 .contains(QString::fromLatin1(value)));
    QVERIFY(
        !readFile(h.appData() + QStringLiteral("/data/telemetry/events.jsonl")).contains(value));
}

void tst_Supervisor::encodedSecretsNeverReachTheLogs()
{
    // A service that prints its secret in every common encoding: none of them reaches its log.
    // The base64 alphabet gives values with '+' and '/', so that percent-encoding and JSON's
    // "\\/" change them.
    SupervisorHarness h;
    json secrets
        = json::array({{{"id", "token"},
                        {"class", "per_install_generated"},
                        {"generator", {{"type", "random"}, {"length", 40}, {"charset", "base64"}}},
                        {"target", {{"type", "env"}, {"name", "TOKEN"}}}}});
    json svc = SupervisorHarness::service(
        QStringLiteral("encoder"),
        {QStringLiteral("--print-env-encoded"), QStringLiteral("TOKEN")});
    svc["secrets"] = {"token"};
    QCOMPARE(h.load(json::array({svc}), secrets), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("encoder"))->state(), State::Ready, 20000);
    QVERIFY(h.stopAll());
    const QByteArray value = *h.keeper().value(QStringLiteral("token"));
    const QByteArray log = readFile(h.svc(QStringLiteral("encoder"))->log()->filePath());
    const QByteArray m = "***REDACTED***";
    for (const char *form : {"base64", "base64url", "base64url-bare", "hex", "HEX", "url"})
        QVERIFY2(log.contains(QByteArray("TOKEN " + QByteArray(form) + '=' + m + '\n')),
                 log.constData());
    QVERIFY2(log.contains(QByteArray("TOKEN json={\"TOKEN\":\"" + m + "\"}")), log.constData());
    QVERIFY2(log.contains(QByteArray("TOKEN json-slash=\"" + m + "\"")), log.constData());
    // "user:" is 5 bytes: the 7th character mixes the last bits of ':' with the value's first.
    QVERIFY2(log.contains(QByteArray(
                 "TOKEN basic-auth=" + QByteArray("user:" + value).toBase64().left(7) + m)),
             log.constData());
    const QList<QByteArray> printed {
        value,
        value.toBase64(),
        value.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals),
        QByteArray("user:" + value).toBase64().mid(7),
        value.toHex(),
        value.toHex().toUpper(),
        value.toPercentEncoding(),
        QByteArray(value).replace("/", "\\/")};
    for (const QByteArray &p : printed)
        QVERIFY2(!log.contains(p), p.constData());
}

void tst_Supervisor::rotationRestartsExactlyTheConsumers()
{
    SupervisorHarness h;
    json secrets = json::array({{{"id", "key"},
                                 {"class", "user_prompt"},
                                 {"prompt", {{"label", "Key"}}},
                                 {"target", {{"type", "file"}, {"name", "key.txt"}}}}});
    json consumer = SupervisorHarness::service(QStringLiteral("consumer"), {});
    consumer["secrets"] = {"key"};
    json bystander = SupervisorHarness::service(QStringLiteral("bystander"), {});
    QCOMPARE(h.load(json::array({consumer, bystander}), secrets), QString());
    bool done = false;
    QObject ctx;
    h.keeper().provide({{QStringLiteral("key"), QStringLiteral("first-value")}}, &ctx,
                       [&](const SecretKeeper::ChangeResult &r) { done = r.ok; });
    QTRY_VERIFY(done);
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.supervisor().status(), Supervisor::AppStatus::Ready, 20000);
    const qint64 consumerPid = h.svc(QStringLiteral("consumer"))->pid();
    const qint64 bystanderPid = h.svc(QStringLiteral("bystander"))->pid();
    const QString file = h.appData() + QStringLiteral("/data/runtime/secrets/consumer/key.txt");
    QCOMPARE(readFile(file), QByteArray("first-value"));

    done = false;
    h.keeper().provide({{QStringLiteral("key"), QStringLiteral("second-value")}}, &ctx,
                       [&](const SecretKeeper::ChangeResult &r) { done = r.ok; });
    QTRY_VERIFY(done);
    QTRY_VERIFY_WITH_TIMEOUT(h.svc(QStringLiteral("consumer"))->state() == State::Ready
                                 && h.svc(QStringLiteral("consumer"))->pid() != consumerPid,
                             20000);
    QCOMPARE(readFile(file), QByteArray("second-value"));
    QCOMPARE(h.svc(QStringLiteral("bystander"))->pid(), bystanderPid);
    QCOMPARE(h.count(QStringLiteral("bystander"), State::Ready), 1);
    QCOMPARE(h.count(QStringLiteral("consumer"), State::Ready), 2);
}

void tst_Supervisor::rollbackRestartsExactlyTheConsumers()
{
    SupervisorHarness h;
    json secrets = json::array({{{"id", "key"},
                                 {"class", "user_prompt"},
                                 {"prompt", {{"label", "Key"}}},
                                 {"target", {{"type", "file"}, {"name", "key.txt"}}}}});
    json consumer = SupervisorHarness::service(QStringLiteral("consumer"), {});
    consumer["secrets"] = {"key"};
    json bystander = SupervisorHarness::service(QStringLiteral("bystander"), {});
    QCOMPARE(h.load(json::array({consumer, bystander}), secrets), QString());
    QObject ctx;
    for (const QString &v : {QStringLiteral("first-value"), QStringLiteral("second-value")}) {
        bool done = false;
        h.keeper().provide({{QStringLiteral("key"), v}}, &ctx,
                           [&](const SecretKeeper::ChangeResult &r) { done = r.ok; });
        QTRY_VERIFY(done);
    }
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.supervisor().status(), Supervisor::AppStatus::Ready, 20000);
    const qint64 consumerPid = h.svc(QStringLiteral("consumer"))->pid();
    const qint64 bystanderPid = h.svc(QStringLiteral("bystander"))->pid();
    const QString file = h.appData() + QStringLiteral("/data/runtime/secrets/consumer/key.txt");
    QCOMPARE(readFile(file), QByteArray("second-value"));

    bool done = false;
    h.keeper().rollback(QStringLiteral("key"), 1, &ctx,
                        [&](const SecretKeeper::ChangeResult &r) { done = r.ok; });
    QTRY_VERIFY(done);
    QTRY_VERIFY_WITH_TIMEOUT(h.svc(QStringLiteral("consumer"))->state() == State::Ready
                                 && h.svc(QStringLiteral("consumer"))->pid() != consumerPid,
                             20000);
    QCOMPARE(readFile(file), QByteArray("first-value"));
    QCOMPARE(h.svc(QStringLiteral("bystander"))->pid(), bystanderPid);
    QCOMPARE(h.count(QStringLiteral("bystander"), State::Ready), 1);
    QCOMPARE(h.count(QStringLiteral("consumer"), State::Ready), 2);
    QCOMPARE(h.keeper().history(QStringLiteral("key")).last().source, QStringLiteral("rollback"));
}

void tst_Supervisor::missingSecretHoldsOnlyItsConsumers()
{
    SupervisorHarness h;
    json secrets = json::array({{{"id", "key"},
                                 {"class", "user_prompt"},
                                 {"prompt", {{"label", "Key"}}},
                                 {"target", {{"type", "env"}, {"name", "KEY"}}}}});
    json needy = SupervisorHarness::service(QStringLiteral("needy"), {});
    needy["secrets"] = {"key"};
    QCOMPARE(h.load(json::array({needy, SupervisorHarness::service(QStringLiteral("free"), {})}),
                    secrets),
             QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("free"))->state(), State::Ready, 20000);
    QCOMPARE(h.svc(QStringLiteral("needy"))->state(), State::Waiting);
    QVERIFY(h.svc(QStringLiteral("needy"))
                ->message()
                .contains(QLatin1String("waiting for secrets: key")));
    QCOMPARE(h.supervisor().status(), Supervisor::AppStatus::WaitingForSecrets);
    bool done = false;
    QObject ctx;
    h.keeper().provide({{QStringLiteral("key"), QStringLiteral("now-it-is-here")}}, &ctx,
                       [&](const SecretKeeper::ChangeResult &r) { done = r.ok; });
    QTRY_VERIFY(done);
    QTRY_COMPARE_WITH_TIMEOUT(h.supervisor().status(), Supervisor::AppStatus::Ready, 20000);
}

void tst_Supervisor::dependentsOfAFailedServiceWait()
{
    SupervisorHarness h;
    json base = SupervisorHarness::service(
        QStringLiteral("base"), {QStringLiteral("--unhealthy-after-ms"), QStringLiteral("700")});
    base["restart"] = {{"policy", "never"}};
    json top = SupervisorHarness::service(QStringLiteral("top"), {});
    top["dependencies"] = {"base"};
    QCOMPARE(h.load(json::array({base, top})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("top"))->state(), State::Ready, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("base"))->state(), State::Failed, 20000);
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("top"))->state(), State::Waiting, 20000);
    QVERIFY(h.svc(QStringLiteral("top"))->message().contains(QLatin1String("waiting for base")));
    QVERIFY(!h.svc(QStringLiteral("top"))->isRunning());
}

void tst_Supervisor::nonCriticalFailureDegrades()
{
    SupervisorHarness h;
    json extra = SupervisorHarness::service(
        QStringLiteral("extra"), {QStringLiteral("--exit-after-ms"), QStringLiteral("50")});
    extra["critical"] = false;
    extra["restart"] = {{"policy", "never"}};
    QCOMPARE(h.load(json::array({SupervisorHarness::service(QStringLiteral("main"), {}), extra})),
             QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.supervisor().status(), Supervisor::AppStatus::Degraded, 20000);
}

void tst_Supervisor::cleanExitIsNotRestartedOnFailurePolicy()
{
    SupervisorHarness h;
    json oneShot
        = SupervisorHarness::service(QStringLiteral("oneshot"),
                                     {QStringLiteral("--exit-after-ms"), QStringLiteral("300"),
                                      QStringLiteral("--exit-code"), QStringLiteral("0")});
    oneShot["critical"] = false; // the default policy, on_failure
    oneShot.erase("restart");
    QCOMPARE(h.load(json::array({oneShot})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("oneshot"))->state(), State::Stopped, 20000);
    const int startsBefore = h.count(QStringLiteral("oneshot"), State::Starting);
    // The supervisor reconciles on the next turns of the event loop: run them, then check.
    for (int i = 0; i < 5; ++i)
        QCoreApplication::processEvents();
    QCOMPARE(h.count(QStringLiteral("oneshot"), State::Starting), startsBefore);
    QCOMPARE(h.svc(QStringLiteral("oneshot"))->state(), State::Stopped);
    QCOMPARE(h.svc(QStringLiteral("oneshot"))->restarts(), 0);
    QCOMPARE(h.svc(QStringLiteral("oneshot"))->exitCode(), std::optional<int>(0));
}

void tst_Supervisor::logMatchReadiness()
{
    SupervisorHarness h;
    json worker
        = SupervisorHarness::service(QStringLiteral("worker"),
                                     {QStringLiteral("--no-listen"), QStringLiteral("--say"),
                                      QStringLiteral("Worker started successfully"),
                                      QStringLiteral("--say-after-ms"), QStringLiteral("200")},
                                     false);
    worker["readiness"]
        = {{"type", "log_match"}, {"pattern", "started successfully$"}, {"timeout_ms", 10000}};
    worker["log_dir"] = "logs/worker";
    QCOMPARE(h.load(json::array({worker})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("worker"))->state(), State::Ready, 20000);
    QVERIFY(h.when(QStringLiteral("worker"), State::Ready)
                - h.when(QStringLiteral("worker"), State::Starting)
            >= 150);
}

void tst_Supervisor::missingBinaryFailsClearly()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(QStringLiteral("ghost"), {});
    svc["binaries"]["linux-x64"]["path"] = "bin/does-not-exist";
    svc["binaries"]["linux-arm64"]["path"] = "bin/does-not-exist";
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("ghost"))->state(), State::Failed, 20000);
    QVERIFY(h.svc(QStringLiteral("ghost"))
                ->message()
                .contains(QLatin1String("bin/does-not-exist does not exist")));
}

void tst_Supervisor::dataDirThatCannotBeMadeFailsClearly()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(QStringLiteral("db"), {});
    svc["data_dirs"] = json::array({"blocked/db"});
    QCOMPARE(h.load(json::array({svc})), QString());
    // A regular file where a directory must go: mkdir fails whoever runs the test, root too.
    const QDir data(h.appData() + QStringLiteral("/data"));
    QVERIFY(data.mkpath(QStringLiteral(".")));
    QFile blocker(data.filePath(QStringLiteral("blocked")));
    QVERIFY(blocker.open(QIODevice::WriteOnly));
    blocker.close();
    h.supervisor().start();
    ManagedService *db = h.svc(QStringLiteral("db"));
    QTRY_COMPARE_WITH_TIMEOUT(db->state(), State::Failed, 20000);
    const QString message = db->message();
    QVERIFY2(message.contains(data.filePath(QStringLiteral("blocked/db"))), qPrintable(message));
    QVERIFY2(message.contains(blocker.fileName() + QStringLiteral(" is not a directory")),
             qPrintable(message));
    QCOMPARE(db->pid(), 0); // never started
}

void tst_Supervisor::unresolvedWorkingDirectoryFailsClearly()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(QStringLiteral("api"), {});
    svc["binaries"]["linux-x64"]["cwd"] = "work/${HOME}";
    svc["binaries"]["linux-arm64"]["cwd"] = "work/${HOME}";
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    ManagedService *api = h.svc(QStringLiteral("api"));
    QTRY_COMPARE_WITH_TIMEOUT(api->state(), State::Failed, 20000);
    QVERIFY2(api->message().contains(QLatin1String("working directory")),
             qPrintable(api->message()));
    QVERIFY2(api->message().contains(QLatin1String("${HOME}")), qPrintable(api->message()));
    QCOMPARE(api->pid(), 0);
}

namespace {

json migration(const char *version, const char *runOn, const QString &script)
{
    return {{"version", version},
            {"run_on", runOn},
            {"command", {"/bin/sh", "-c", script.toStdString()}}};
}

const QString AppendVersion = QStringLiteral("echo $0 >> \"$APP_DATA_DIR/migrations.txt\"");

} // namespace

void tst_Supervisor::migrationsOnANewInstall()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(QStringLiteral("db"), {});
    svc["migrations"]
        = json::array({migration("m1", "first_install", AppendVersion + QStringLiteral(" m1")),
                       migration("m2", "upgrade", AppendVersion + QStringLiteral(" m2")),
                       migration("m3", "always", AppendVersion + QStringLiteral(" m3"))});
    for (auto &m : svc["migrations"])
        m["command"]
            = {"/bin/sh", "-c",
               "echo " + m["version"].get<std::string>() + " >> \"$APP_DATA_DIR/migrations.txt\""};
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("db"))->state(), State::Ready, 20000);
    QCOMPARE(readFile(h.appData() + QStringLiteral("/data/migrations.txt")),
             QByteArray("m1\nm3\n"));
    QCOMPARE(h.state().migrationsRun(QStringLiteral("db")),
             (QStringList {QStringLiteral("m1"), QStringLiteral("m3")}));
    QVERIFY(h.svc(QStringLiteral("db"))
                ->log()
                ->tail(50)
                .join(QLatin1Char('\n'))
                .contains(QLatin1String("migration m1 done")));
}

void tst_Supervisor::migrationsOnAnUpgrade()
{
    SupervisorHarness h;
    // The previous run was version 0.9 and had already run m1.
    QVERIFY(QDir().mkpath(h.appData() + QStringLiteral("/data")));
    QFile id(h.appData() + QStringLiteral("/data/install-id"));
    QVERIFY(id.open(QIODevice::WriteOnly));
    id.write("2f1b6f7e-8a1c-4d0e-9b7a-3c5d2e1f0a9b\n");
    id.close();
    QFile state(h.appData() + QStringLiteral("/data/state.json"));
    QVERIFY(state.open(QIODevice::WriteOnly));
    state.write(
        R"({"format":1,"install_id":"2f1b6f7e-8a1c-4d0e-9b7a-3c5d2e1f0a9b","app_version":"0.9",
                    "secrets":{},"migrations":{"db":["m1"]}})");
    state.close();
    json svc = SupervisorHarness::service(QStringLiteral("db"), {});
    svc["migrations"] = json::array();
    for (const char *v : {"m1", "m2"})
        svc["migrations"].push_back(
            {{"version", v},
             {"run_on", std::string(v) == "m1" ? "upgrade" : "upgrade"},
             {"command",
              {"/bin/sh", "-c",
               std::string("echo ") + v + " >> \"$APP_DATA_DIR/migrations.txt\""}}});
    svc["migrations"].push_back(
        {{"version", "fresh"},
         {"run_on", "first_install"},
         {"command", {"/bin/sh", "-c", "echo fresh >> \"$APP_DATA_DIR/migrations.txt\""}}});
    QCOMPARE(h.load(json::array({svc}), json::array(), QStringLiteral("1.0")), QString());
    QCOMPARE(h.state().previousAppVersion(), QStringLiteral("0.9"));
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("db"))->state(), State::Ready, 20000);
    // m1 ran before, first_install does not apply: only m2.
    QCOMPARE(readFile(h.appData() + QStringLiteral("/data/migrations.txt")), QByteArray("m2\n"));
}

void tst_Supervisor::failingMigrationFailsTheService()
{
    SupervisorHarness h;
    json svc = SupervisorHarness::service(QStringLiteral("db"), {});
    svc["migrations"] = json::array({{{"version", "bad"},
                                      {"run_on", "always"},
                                      {"command", {"/bin/sh", "-c", "echo nope >&2; exit 3"}}}});
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("db"))->state(), State::Failed, 20000);
    QCOMPARE(h.svc(QStringLiteral("db"))->message(),
             QStringLiteral("migration bad failed: exit code 3"));
    QCOMPARE(h.svc(QStringLiteral("db"))->pid(), 0); // never started
    QVERIFY(h.svc(QStringLiteral("db"))
                ->log()
                ->tail(50)
                .join(QLatin1Char('\n'))
                .contains(QLatin1String("err | nope")));
}

void tst_Supervisor::assetsAreChecked_data()
{
    QTest::addColumn<QString>("sha");
    QTest::addColumn<int>("size");
    QTest::addColumn<QString>("problem"); // empty: starts
    const QString good = QString::fromLatin1(
        QCryptographicHash::hash("model weights\n", QCryptographicHash::Sha256).toHex());
    QTest::newRow("matching") << good << 14 << QString();
    QTest::newRow("placeholder hash") << QStringLiteral("PLACEHOLDER_SEED_HASH") << 14 << QString();
    QTest::newRow("wrong hash") << QString(64, QLatin1Char('0')) << 14
                                << QStringLiteral("SHA-256 is");
    QTest::newRow("wrong size") << good << 99
                                << QStringLiteral("is 14 bytes, the manifest expects 99");
}

void tst_Supervisor::assetsAreChecked()
{
    QFETCH(QString, sha);
    QFETCH(int, size);
    QFETCH(QString, problem);
    SupervisorHarness h;
    QVERIFY(QDir().mkpath(h.appData() + QStringLiteral("/models")));
    QFile asset(h.appData() + QStringLiteral("/models/m.bin"));
    QVERIFY(asset.open(QIODevice::WriteOnly));
    asset.write("model weights\n");
    asset.close();
    json svc = SupervisorHarness::service(QStringLiteral("ml"), {});
    svc["assets"] = json::array(
        {{{"path", "models/m.bin"}, {"sha256", sha.toStdString()}, {"size_bytes", size}}});
    QCOMPARE(h.load(json::array({svc})), QString());
    h.supervisor().start();
    if (problem.isEmpty()) {
        QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("ml"))->state(), State::Ready, 20000);
        if (sha.startsWith(QLatin1String("PLACEHOLDER")))
            QVERIFY(h.svc(QStringLiteral("ml"))
                        ->log()
                        ->tail(50)
                        .join(QLatin1Char('\n'))
                        .contains(QLatin1String("is not a SHA-256")));
    } else {
        QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("ml"))->state(), State::Failed, 20000);
        QVERIFY2(h.svc(QStringLiteral("ml"))->message().contains(problem),
                 qPrintable(h.svc(QStringLiteral("ml"))->message()));
    }
}

void tst_Supervisor::gpuRequirement()
{
    // This machine has no GPU; the probe is pointed at a program that reports none either way.
    SupervisorHarness h;
    json needs = SupervisorHarness::service(QStringLiteral("trainer"), {});
    needs["gpu"] = {{"requirement", "required"}};
    json fallback = SupervisorHarness::service(
        QStringLiteral("infer"), {QStringLiteral("--print-env"), QStringLiteral("STEWARD_GPU")});
    fallback["gpu"] = {{"requirement", "optional_with_cpu_fallback"}};
    QCOMPARE(h.load(json::array({needs, fallback})), QString());
    h.supervisor().gpu().setProgram(QStringLiteral("/bin/false"));
    h.supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("trainer"))->state(), State::Failed, 20000);
    QVERIFY(h.svc(QStringLiteral("trainer"))
                ->message()
                .startsWith(QLatin1String("needs a GPU: nvidia-smi found no GPU")));
    QTRY_COMPARE_WITH_TIMEOUT(h.svc(QStringLiteral("infer"))->state(), State::Ready, 20000);
    const QString log = h.svc(QStringLiteral("infer"))->log()->tail(50).join(QLatin1Char('\n'));
    QVERIFY(log.contains(QLatin1String("running on the CPU")));
    QVERIFY(log.contains(QLatin1String("STEWARD_GPU=0")));
}

QTEST_GUILESS_MAIN(tst_Supervisor)
#include "tst_supervisor.moc"
