#include "SupervisorHarness.h"
#include "process/ServiceLog.h"

#include <QDir>
#include <QFile>
#include <QTcpSocket>
#include <QTest>

using namespace steward;
using steward::test::SupervisorHarness;
using json = nlohmann::json;
using State = ManagedService::State;

namespace {

// GET `path` from 127.0.0.1:port; the status line and the body, or an empty pair.
std::pair<int, QByteArray> httpGet(int port, const QByteArray &path)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(port));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                 + "\r\nConnection: close\r\n\r\n");
    QByteArray answer;
    (void)QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        10000);
    answer += socket.readAll();
    const qsizetype end = answer.indexOf("\r\n\r\n");
    return {answer.split(' ').value(1).toInt(), end < 0 ? QByteArray() : answer.mid(end + 4)};
}

} // namespace

// A ui-bundle service under the supervisor, with a real hello-service as its API: Steward serves
// it in-process once its dependency is ready, checks it through its port, logs its requests in
// the service log, stops and restarts it, and fails it with a reason a person can act on.
class tst_UiBundleService : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void startsAfterItsDependencyAndServes();
    void requestLogGoesToTheServiceLog();
    void stopAndStartAgain();
    void apiStoppedGives502AndTheUiStays();
    void unhealthyWhenItsPageIsGone();
    void failsWithAReason_data();
    void failsWithAReason();

private:
    json uiService(const json &assets = json::array({{{"path", "site/index.html"}}})) const;
    int uiPort()
    {
        return m_h->supervisor().ports().value(QStringLiteral("ui")).value(QStringLiteral("http"));
    }
    void writeSite();

    std::unique_ptr<SupervisorHarness> m_h;
};

void tst_UiBundleService::init()
{
    m_h = std::make_unique<SupervisorHarness>();
}

void tst_UiBundleService::cleanup()
{
    m_h.reset();
}

json tst_UiBundleService::uiService(const json &assets) const
{
    // A health check meant for a program (/health must answer JSON): Steward's own server is
    // checked on its port instead.
    return {{"id", "ui"},
            {"type", "ui-bundle"},
            {"assets", assets},
            {"ports",
             {{"requested",
               json::array({{{"name", "http"}, {"range", {{"min", 20000}, {"max", 30000}}}}})}}},
            {"health",
             {{"type", "http"},
              {"path", "/health"},
              {"port_name", "http"},
              {"interval_ms", 100},
              {"timeout_ms", 1000},
              {"retries", 2}}},
            {"readiness", {{"type", "health_success"}, {"timeout_ms", 10000}}},
            {"restart", {{"policy", "never"}}},
            {"dependencies", {"api"}}};
}

void tst_UiBundleService::writeSite()
{
    QVERIFY(QDir().mkpath(m_h->bundleRoot() + QStringLiteral("/site")));
    QFile index(m_h->bundleRoot() + QStringLiteral("/site/index.html"));
    QVERIFY(index.open(QIODevice::WriteOnly));
    index.write("<!doctype html><title>site</title>");
}

void tst_UiBundleService::startsAfterItsDependencyAndServes()
{
    json api = SupervisorHarness::service(
        QStringLiteral("api"), {QStringLiteral("--ready-after-ms"), QStringLiteral("300")});
    api["type"] = "api-binary";
    QCOMPARE(m_h->load(json::array({uiService(), api})), QString());
    writeSite();
    m_h->supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Ready, 20000);
    // Not before api was ready: it waited for it.
    const qint64 apiReady = m_h->when(QStringLiteral("api"), State::Ready);
    QVERIFY(apiReady >= 0);
    QVERIFY(m_h->when(QStringLiteral("ui"), State::Waiting) < apiReady);
    QVERIFY(m_h->when(QStringLiteral("ui"), State::Starting) >= apiReady);
    QVERIFY(m_h->svc(QStringLiteral("ui"))->isRunning());
    QTRY_COMPARE(m_h->supervisor().status(), Supervisor::AppStatus::Ready);

    const auto [status, body] = httpGet(uiPort(), "/some/route");
    QCOMPARE(status, 200);
    QCOMPARE(body, QByteArray("<!doctype html><title>site</title>"));
    const auto [apiStatus, apiBody] = httpGet(uiPort(), "/api/hello");
    QCOMPARE(apiStatus, 200);
    QVERIFY2(apiBody.contains("Hello from api"), apiBody.constData());
}

void tst_UiBundleService::requestLogGoesToTheServiceLog()
{
    json api = SupervisorHarness::service(QStringLiteral("api"), {});
    api["type"] = "api-binary";
    QCOMPARE(m_h->load(json::array({api, uiService()})), QString());
    writeSite();
    m_h->supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Ready, 20000);
    QCOMPARE(httpGet(uiPort(), "/index.html?session=abcdef123").first, 200);
    QCOMPARE(httpGet(uiPort(), "/api/hello?token=abcdef123").first, 200);
    ServiceLog *log = m_h->svc(QStringLiteral("ui"))->log();
    QTRY_VERIFY(
        log->tail(100).join(QLatin1Char('\n')).contains(QLatin1String("GET /api/hello 200")));
    const QString tail = log->tail(100).join(QLatin1Char('\n'));
    QVERIFY2(tail.contains(QLatin1String("GET /index.html 200")), qPrintable(tail));
    QVERIFY2(tail.contains(QLatin1String("serving ")), qPrintable(tail));
    QVERIFY(!tail.contains(QLatin1String("abcdef123")));
    QFile file(log->filePath());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray written = file.readAll();
    QVERIFY(written.contains("GET /api/hello 200"));
    QVERIFY(!written.contains("abcdef123"));
}

void tst_UiBundleService::stopAndStartAgain()
{
    json api = SupervisorHarness::service(QStringLiteral("api"), {});
    api["type"] = "api-binary";
    QCOMPARE(m_h->load(json::array({api, uiService()})), QString());
    writeSite();
    m_h->supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Ready, 20000);
    const int port = uiPort();

    m_h->supervisor().stopService(QStringLiteral("ui"));
    QTRY_COMPARE(m_h->svc(QStringLiteral("ui"))->state(), State::Stopped);
    QVERIFY(!m_h->svc(QStringLiteral("ui"))->isRunning());
    QCOMPARE(httpGet(port, "/").first, 0); // nothing listens
    QTRY_COMPARE(m_h->supervisor().status(), Supervisor::AppStatus::Degraded);

    m_h->supervisor().startService(QStringLiteral("ui"));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Ready, 20000);
    QCOMPARE(httpGet(port, "/").first, 200);

    // Stopping everything stops it too, before the API it depends on.
    QVERIFY(m_h->stopAll());
    QCOMPARE(m_h->svc(QStringLiteral("ui"))->state(), State::Stopped);
    QVERIFY(m_h->when(QStringLiteral("ui"), State::Stopped, 0) >= 0);
    QCOMPARE(httpGet(port, "/").first, 0);
}

void tst_UiBundleService::apiStoppedGives502AndTheUiStays()
{
    json api = SupervisorHarness::service(QStringLiteral("api"), {});
    api["type"] = "api-binary";
    QCOMPARE(m_h->load(json::array({api, uiService()})), QString());
    writeSite();
    m_h->supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Ready, 20000);
    m_h->supervisor().stopService(QStringLiteral("api"));
    QTRY_COMPARE(m_h->svc(QStringLiteral("api"))->state(), State::Stopped);
    const auto [status, body] = httpGet(uiPort(), "/api/hello");
    QCOMPARE(status, 502);
    QVERIFY2(body.contains("\"bad_gateway\""), body.constData());
    QCOMPARE(httpGet(uiPort(), "/").first, 200);
    QCOMPARE(m_h->svc(QStringLiteral("ui"))->state(), State::Ready);
}

void tst_UiBundleService::unhealthyWhenItsPageIsGone()
{
    json api = SupervisorHarness::service(QStringLiteral("api"), {});
    api["type"] = "api-binary";
    QCOMPARE(m_h->load(json::array({api, uiService()})), QString());
    writeSite();
    m_h->supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Ready, 20000);
    QVERIFY(QFile::remove(m_h->bundleRoot() + QStringLiteral("/site/index.html")));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Failed, 10000);
    const QString message = m_h->svc(QStringLiteral("ui"))->message();
    QVERIFY2(message.contains(QLatin1String("unhealthy")) && message.contains(QLatin1String("404")),
             qPrintable(message));
    QVERIFY(!m_h->svc(QStringLiteral("ui"))->isRunning());
}

void tst_UiBundleService::failsWithAReason_data()
{
    QTest::addColumn<QByteArray>("assets"); // JSON
    QTest::addColumn<QString>("reason");
    QTest::newRow("no assets") << QByteArray("[]")
                               << QStringLiteral("first assets entry, and it has none");
    QTest::newRow("no index.html")
        << QByteArray(R"([{"path": "site/app.js"}])") << QStringLiteral("has no index.html");
    QTest::newRow("asset missing") << QByteArray(R"([{"path": "elsewhere/index.html"}])")
                                   << QStringLiteral("missing from the bundle");
}

void tst_UiBundleService::failsWithAReason()
{
    QFETCH(QByteArray, assets);
    QFETCH(QString, reason);
    json api = SupervisorHarness::service(QStringLiteral("api"), {});
    api["type"] = "api-binary";
    QCOMPARE(m_h->load(json::array({api, uiService(json::parse(assets.toStdString()))})),
             QString());
    QVERIFY(QDir().mkpath(m_h->bundleRoot() + QStringLiteral("/site")));
    QFile js(m_h->bundleRoot() + QStringLiteral("/site/app.js"));
    QVERIFY(js.open(QIODevice::WriteOnly));
    m_h->supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("ui"))->state(), State::Failed, 20000);
    QVERIFY2(m_h->svc(QStringLiteral("ui"))->message().contains(reason),
             qPrintable(m_h->svc(QStringLiteral("ui"))->message()));
    // A ui-bundle is critical unless the manifest says otherwise: the app fails with it.
    QTRY_COMPARE(m_h->supervisor().status(), Supervisor::AppStatus::Failed);
}

QTEST_GUILESS_MAIN(tst_UiBundleService)
#include "tst_uibundleservice.moc"
