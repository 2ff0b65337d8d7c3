#include "ResidentMemory.h"
#include "SupervisorHarness.h"
#include "TestPrinters.h"
#include "api/AuthThrottle.h"
#include "api/ControlApi.h"
#include "api/ControlServer.h"
#include "api/HttpConnection.h"
#include "api/TokenBook.h"
#include "secrets/AuditTrail.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTest>

using namespace steward;
using steward::test::RssIsMeaningful;
using steward::test::rssKiB;
using steward::test::SupervisorHarness;
using json = nlohmann::json;

Q_DECLARE_METATYPE(nlohmann::json)

namespace {

struct Reply
{
    int status = 0;
    QMap<QByteArray, QByteArray> headers;
    QByteArray body;
    json bodyJson() const
    {
        return json::accept(body.toStdString()) ? json::parse(body.toStdString()) : json();
    }
};

// Parses one HTTP response out of `buffer`; false while incomplete.
bool parseReply(const QByteArray &buffer, Reply *out, qsizetype *used)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return false;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    Reply r;
    r.status = lines.first().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        r.headers.insert(lines.at(i).left(colon).trimmed().toLower(),
                         lines.at(i).mid(colon + 1).trimmed());
    }
    const qsizetype length = r.headers.value("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return false;
    r.body = buffer.mid(end + 4, length);
    *out = r;
    *used = end + 4 + length;
    return true;
}

} // namespace

class tst_ControlApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void healthzNeedsNoTokenAndSaysLittle();
    void guard_data();
    void guard();
    void postSecretsAllOrNothing();
    void postSecretsShapes();
    void deleteSecret();
    void serviceReadsOnlyItsOwnSecret();
    void readAndActionRoutes();
    void logsTail();
    void hugeBodyIsRefusedWithoutBuffering();
    void chunkedBodyIsCapped();
    void oversizedHeadIs431();
    void slowHeadTimesOut();
    void repeatedWrongTokensLockOut();
    void tokenlessRequestsNeverLockOut();
    void wrongTokenFloodSparesValidTokens();
    void connectionCap();
    void stalledBodiesDoNotHoldTheApi();
    void duplicateHeaders_data();
    void duplicateHeaders();
    void headAnswersHaveNoBody();
    void continueOnlyAfterTheGuard();
    void openApiDocumentsEveryRoute();
    void activateShowsTheWindowWhenThereIsOne();
    void shutdownRoute();
    void manyKeepAliveConnections();
    void takenPortFallsBackAndNonLoopbackIsRefused();
    // Last: they restart services, which the routes' tests above do not expect.
    void keptAnswersFollowEveryChange();
    void historyDryRunAndRollback();
    void auditTrailOverTheApi();

private:
    ApiContext context();
    void resetApi();
    Reply send(const QByteArray &raw, int timeoutMs = 20000);
    // Everything the server sends on one connection until it closes it.
    QByteArray exchange(const QByteArray &raw);

    Reply call(const QByteArray &method, const QString &path, const QByteArray &token,
               const QByteArray &body = {}, const QList<QByteArray> &extraHeaders = {});
    QByteArray host() const { return "127.0.0.1:" + QByteArray::number(m_server->port()); }

    std::unique_ptr<SupervisorHarness> m_h;
    std::unique_ptr<AuditTrail> m_audit;
    std::unique_ptr<TokenBook> m_tokens;
    std::unique_ptr<ControlApi> m_api;
    std::unique_ptr<ControlServer> m_server;
    int m_shutdowns = 0;
    int m_activations = 0;
    bool m_hasWindow = false;
};

void tst_ControlApi::initTestCase()
{
    m_h = std::make_unique<SupervisorHarness>();
    json secrets = json::array({{{"id", "ka"},
                                 {"class", "user_prompt"},
                                 {"format", "^[a-z]{8,}$"},
                                 {"prompt", {{"label", "Key A"}}},
                                 {"target", {{"type", "env"}, {"name", "KA"}}}},
                                {{"id", "kb"},
                                 {"class", "per_install_generated"},
                                 {"generator", {{"type", "random"}, {"length", 24}}},
                                 {"target", {{"type", "env"}, {"name", "KB"}}}},
                                {{"id", "opt"},
                                 {"class", "user_prompt"},
                                 {"required", false},
                                 {"prompt", {{"label", "Optional"}}},
                                 {"target", {{"type", "env"}, {"name", "OPT"}}}}});
    json a = SupervisorHarness::service(QStringLiteral("a"), {});
    a["secrets"] = {"ka", "opt"};
    json b = SupervisorHarness::service(QStringLiteral("b"), {});
    b["secrets"] = {"kb"};
    QCOMPARE(m_h->load(json::array({a, b}), secrets), QString());
    m_audit = std::make_unique<AuditTrail>(m_h->appData() + QStringLiteral("/data"));
    QVERIFY(m_audit->openWithKey(QByteArrayLiteral("an audit key for this test only")).ok());
    m_h->keeper().setAuditTrail(m_audit.get());
    m_tokens = std::make_unique<TokenBook>(QStringList {QStringLiteral("a"), QStringLiteral("b")});
    m_api = std::make_unique<ControlApi>(context(), *m_tokens);
    ControlApi *api = m_api.get();
    m_server = std::make_unique<ControlServer>(api);
    QVERIFY(m_server->listen(QStringLiteral("127.0.0.1"), 0).ok());
    m_api->setPort(m_server->port());
    m_h->supervisor().start();
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("b"))->state(), ManagedService::State::Ready,
                              20000);
}

void tst_ControlApi::cleanupTestCase()
{
    m_server.reset();
    m_api.reset();
    m_h.reset();
    m_audit.reset();
}

Reply tst_ControlApi::send(const QByteArray &raw, int timeoutMs)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(raw);
    QByteArray buffer;
    Reply r;
    qsizetype used = 0;
    QElapsedTimer t;
    t.start();
    while (!parseReply(buffer, &r, &used) && t.elapsed() < timeoutMs) {
        if (!QTest::qWaitFor(
                [&] {
                    return socket.bytesAvailable() > 0
                        || socket.state() != QAbstractSocket::ConnectedState;
                },
                200))
            continue;
        buffer += socket.readAll();
        if (socket.state() != QAbstractSocket::ConnectedState && !socket.bytesAvailable()
            && !parseReply(buffer, &r, &used))
            break;
    }
    return r;
}

Reply tst_ControlApi::call(const QByteArray &method, const QString &path, const QByteArray &token,
                           const QByteArray &body, const QList<QByteArray> &extraHeaders)
{
    QByteArray raw = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: " + host()
        + "\r\nConnection: close\r\n";
    if (!token.isEmpty())
        raw += "Authorization: Bearer " + token + "\r\n";
    for (const QByteArray &h : extraHeaders)
        raw += h + "\r\n";
    if (!body.isEmpty() || method == "POST")
        raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    raw += "\r\n" + body;
    return send(raw);
}

void tst_ControlApi::healthzNeedsNoTokenAndSaysLittle()
{
    const Reply r = call("GET", QStringLiteral("/healthz"), {});
    QCOMPARE(r.status, 200);
    // The Vrooli runtime's fields, and nothing about the services but how many there are.
    json body = r.bodyJson();
    QVERIFY2(body["runtime"].is_string()
                 && body["runtime"].get<std::string>().starts_with("steward "),
             r.body.constData());
    body.erase("runtime");
    QCOMPARE(test::dumped(body), test::dumped(json {{"status", "ok"}, {"services", 2}}));
    QCOMPARE(r.headers.value("cache-control"), QByteArray("no-store"));
    QCOMPARE(r.headers.value("x-content-type-options"), QByteArray("nosniff"));
    for (const QByteArray &name : r.headers.keys())
        QVERIFY2(!name.startsWith("access-control-"), name.constData());
}

void tst_ControlApi::guard_data()
{
    QTest::addColumn<QByteArray>("raw"); // {HOST} {ADMIN} {A} are replaced
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray get = "GET /status HTTP/1.1\r\nConnection: close\r\n";
    QTest::newRow("foreign Host") << QByteArray(
        "GET /status HTTP/1.1\r\nHost: evil.example:80\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
                                  << 421 << "misdirected_request";
    QTest::newRow("Host with another port") << QByteArray(
        "GET /status HTTP/1.1\r\nHost: 127.0.0.1:1\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
                                            << 421 << "misdirected_request";
    QTest::newRow("no Host") << QByteArray(
        "GET /status HTTP/1.0\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
                             << 421 << "misdirected_request";
    QTest::newRow("foreign Origin") << get
            + "Host: {HOST}\r\nOrigin: https://evil.example\r\nAuthorization: Bearer "
              "{ADMIN}\r\n\r\n" << 403
                                    << "forbidden";
    QTest::newRow("loopback Origin") << get
            + "Host: {HOST}\r\nOrigin: http://localhost:3000\r\nAuthorization: Bearer "
              "{ADMIN}\r\n\r\n" << 200
                                     << "";
    QTest::newRow("localhost Host") << QByteArray(
        "GET /status HTTP/1.1\r\nHost: localhost:{PORT}\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
                                    << 200 << "";
    QTest::newRow("no token") << get + "Host: {HOST}\r\n\r\n" << 401 << "unauthorized";
    QTest::newRow("wrong token") << get + "Host: {HOST}\r\nAuthorization: Bearer 0123\r\n\r\n"
                                 << 401 << "unauthorized";
    QTest::newRow("basic auth") << get + "Host: {HOST}\r\nAuthorization: Basic YTpi\r\n\r\n"
                                << 401 << "unauthorized";
    QTest::newRow("service token on an admin route")
        << get + "Host: {HOST}\r\nAuthorization: Bearer {A}\r\n\r\n"
        << 403 << "forbidden";
    QTest::newRow("service token writing secrets")
        << QByteArray("POST /secrets HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer "
                      "{A}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
        << 403 << "forbidden";
    QTest::newRow("service token restarting")
        << QByteArray("POST /services/b/restart HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer "
                      "{A}\r\nContent-Length: 0\r\n\r\n")
        << 403 << "forbidden";
    QTest::newRow("service token reading another's value") << QByteArray(
        "GET /secrets/kb/value HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {A}\r\n\r\n")
                                                           << 403 << "forbidden";
    QTest::newRow("admin reading a value") << QByteArray(
        "GET /secrets/kb/value HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
                                           << 403 << "forbidden";
    QTest::newRow("unknown route")
        << QByteArray("GET /nope HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
        << 404 << "not_found";
    QTest::newRow("wrong method") << QByteArray(
        "DELETE /status HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\n\r\n")
                                  << 405 << "method_not_allowed";
    QTest::newRow("malformed JSON") << QByteArray(
        "POST /secrets HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\nContent-Type: "
        "application/json\r\nContent-Length: 9\r\n\r\n{\"secrets")
                                    << 400 << "invalid_json";
    QTest::newRow("text/plain is read as JSON") << QByteArray(
        "POST /secrets HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\nContent-Type: "
        "text/plain\r\nContent-Length: 30\r\n\r\n{\"id\":\"nope\",\"value\":\"abcdef\"}")
                                                << 400 << "invalid_secrets";
    QTest::newRow("unknown secret id") << QByteArray(
        "POST /secrets HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\nContent-Type: "
        "application/json\r\nContent-Length: 30\r\n\r\n{\"id\":\"nope\",\"value\":\"abcdef\"}")
                                       << 400 << "invalid_secrets";
    QTest::newRow("bad format") << QByteArray(
        "POST /secrets HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\nContent-Type: "
        "application/json\r\nContent-Length: 24\r\n\r\n{\"id\":\"ka\",\"value\":\"A1\"}")
                                << 400 << "invalid_secrets";
    QTest::newRow("bad lines") << QByteArray(
        "GET /logs/tail?serviceId=a&lines=-5 HTTP/1.1\r\nHost: {HOST}\r\nAuthorization: Bearer "
        "{ADMIN}\r\n\r\n") << 400
                               << "invalid_parameter";
    QTest::newRow("not HTTP") << QByteArray("HELLO\r\n\r\n") << 400 << "bad_request";
}

void tst_ControlApi::guard()
{
    QFETCH(QByteArray, raw);
    QFETCH(int, status);
    QFETCH(QString, code);
    raw.replace("{HOST}", host()).replace("{PORT}", QByteArray::number(m_server->port()));
    raw.replace("{ADMIN}", m_tokens->adminToken())
        .replace("{A}", m_tokens->serviceToken(QStringLiteral("a")));
    const Reply r = send(raw);
    QCOMPARE(r.status, status);
    if (!code.isEmpty())
        QCOMPARE(QString::fromStdString(r.bodyJson()["error"]["code"].get<std::string>()), code);
    // Nothing about a secret value in any answer.
    QVERIFY(!r.body.contains(*m_h->keeper().value(QStringLiteral("kb"))));
    QVERIFY(!r.body.contains(m_tokens->adminToken()));
}

void tst_ControlApi::postSecretsAllOrNothing()
{
    const QByteArray admin = m_tokens->adminToken();
    const QList<QByteArray> h {"Content-Type: application/json"};
    Reply r = call("POST", QStringLiteral("/secrets"), admin,
                   R"({"secrets":{"ka":"goodvalue","kb":"x","nope":"y"}})", h);
    QCOMPARE(r.status, 400);
    const json details = r.bodyJson()["error"]["details"];
    QVERIFY(details.contains("kb") && details.contains("nope"));
    QVERIFY(!m_h->keeper()
                 .value(QStringLiteral("ka"))
                 .has_value()); // ka was fine, but nothing was stored
    r = call("POST", QStringLiteral("/secrets"), admin,
             R"({"secrets":{"ka":"goodvalue","opt":"anything goes"}})", h);
    QCOMPARE(r.status, 200);
    QCOMPARE(test::dumped(r.bodyJson()["changed"]), test::dumped(json {"ka", "opt"}));
    QCOMPARE(test::dumped(r.bodyJson()["services_affected"]), test::dumped(json {"a"}));
    QVERIFY(!r.body.contains("goodvalue"));
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("a"))->state(), ManagedService::State::Ready,
                              20000);
    r = call("GET", QStringLiteral("/secrets"), admin);
    QCOMPARE(r.status, 200);
    QVERIFY(!r.body.contains("goodvalue") && !r.body.contains("anything goes"));
    const json listed = r.bodyJson(); // a range-for over a member of a temporary would dangle
    for (const json &s : listed["secrets"]) {
        if (s["id"] == "ka") {
            QCOMPARE(test::dumped(s["has_value"]), test::dumped(json(true)));
            QCOMPARE(test::dumped(s["source"]), test::dumped(json("user_provided")));
            QCOMPARE(test::dumped(s["status"]), test::dumped(json("configured")));
        }
    }
}

void tst_ControlApi::postSecretsShapes()
{
    const QList<QByteArray> h {"Content-Type: application/json; charset=utf-8"};
    Reply r = call("POST", QStringLiteral("/secrets"), m_tokens->adminToken(),
                   R"({"id":"ka","value":"secondvalue"})", h);
    QCOMPARE(r.status, 200);
    r = call("POST", QStringLiteral("/secrets"), m_tokens->adminToken(),
             R"({"id":"ka","value":"secondvalue"})", h);
    QCOMPARE(test::dumped(r.bodyJson()["unchanged"]), test::dumped(json {"ka"}));
    r = call("POST", QStringLiteral("/secrets"), m_tokens->adminToken(), R"({"secrets":{"ka":42}})",
             h);
    QCOMPARE(r.status, 400);
    r = call("POST", QStringLiteral("/secrets"), m_tokens->adminToken(), R"([1,2])", h);
    QCOMPARE(r.status, 400);
    // Found by fuzz_http: a number too large for a double threw past the parse error handler
    // and took Steward down.
    r = call("POST", QStringLiteral("/secrets"), m_tokens->adminToken(),
             R"({"id":"ka","value":1e999})", h);
    QCOMPARE(r.status, 400);
    QCOMPARE(test::dumped(r.bodyJson()["error"]["code"]), test::dumped(json("invalid_json")));
    QCOMPARE(call("GET", QStringLiteral("/healthz"), {}).status, 200);
    // Any content type, or none, as the Vrooli runtime takes it; its answer's field is there.
    for (const QList<QByteArray> &headers :
         {QList<QByteArray> {"Content-Type: text/plain"},
          QList<QByteArray> {"Content-Type: application/x-www-form-urlencoded"},
          QList<QByteArray> {}}) {
        r = call("POST", QStringLiteral("/secrets"), m_tokens->adminToken(),
                 R"({"secrets":{"ka":"thirdvalue"}})", headers);
        QVERIFY2(r.status == 200, r.body.constData());
        QCOMPARE(test::dumped(r.bodyJson()["status"]), test::dumped(json("ok")));
    }
}

void tst_ControlApi::deleteSecret()
{
    const QByteArray admin = m_tokens->adminToken();
    QCOMPARE(call("DELETE", QStringLiteral("/secrets/opt"), admin).status, 200);
    QVERIFY(!m_h->keeper().value(QStringLiteral("opt")).has_value());
    QCOMPARE(call("DELETE", QStringLiteral("/secrets/kb"), admin).status, 400); // generated
    QCOMPARE(call("DELETE", QStringLiteral("/secrets/nope"), admin).status, 404);
}

void tst_ControlApi::serviceReadsOnlyItsOwnSecret()
{
    const Reply own = call("GET", QStringLiteral("/secrets/kb/value"),
                           m_tokens->serviceToken(QStringLiteral("b")));
    QCOMPARE(own.status, 200);
    QCOMPARE(QByteArray::fromStdString(own.bodyJson()["value"].get<std::string>()),
             *m_h->keeper().value(QStringLiteral("kb")));
    QVERIFY(own.bodyJson()["version"].get<int>() >= 1);
    const Reply list
        = call("GET", QStringLiteral("/secrets"), m_tokens->serviceToken(QStringLiteral("b")));
    QCOMPARE(list.bodyJson()["secrets"].size(), 1u);
    QCOMPARE(test::dumped(list.bodyJson()["secrets"][0]["id"]), test::dumped(json("kb")));
}

void tst_ControlApi::keptAnswersFollowEveryChange()
{
    // GET /secrets, /readyz and /status are kept between changes. Kept answers are per caller,
    // and the first request after a change the keeper or the supervisor signalled shows it.
    const QByteArray admin = m_tokens->adminToken();
    const QByteArray tokenA = m_tokens->serviceToken(QStringLiteral("a"));
    const Reply first = call("GET", QStringLiteral("/status"), admin);
    QCOMPARE(first.status, 200);
    QCOMPARE(call("GET", QStringLiteral("/status"), admin).body, first.body);
    auto ids = [](const Reply &r) {
        QStringList out;
        const json body = r.bodyJson();
        for (const json &e : body["secrets"])
            out << QString::fromStdString(e["id"].get<std::string>());
        return out;
    };
    QCOMPARE(ids(call("GET", QStringLiteral("/secrets"), tokenA)),
             QStringList({QStringLiteral("ka"), QStringLiteral("opt")}));
    QCOMPARE(ids(call("GET", QStringLiteral("/secrets"), admin)).size(), 3);
    QCOMPARE(ids(call("GET", QStringLiteral("/secrets"), tokenA)).size(), 2);
    QCOMPARE(call("GET", QStringLiteral("/status"), tokenA).status, 403);

    // A restart: the answer right after b is Ready again names its new pid.
    ManagedService *b = m_h->svc(QStringLiteral("b"));
    const qint64 before = b->pid();
    QCOMPARE(test::dumped(
                 call("GET", QStringLiteral("/readyz"), admin).bodyJson()["details"]["b"]["pid"]),
             test::dumped(json(before)));
    QCOMPARE(call("POST", QStringLiteral("/services/b/restart"), admin).status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(b->pid() != before && b->state() == ManagedService::State::Ready,
                             20000);
    const json readyz = call("GET", QStringLiteral("/readyz"), admin).bodyJson();
    QCOMPARE(test::dumped(readyz["details"]["b"]["pid"]), test::dumped(json(b->pid())));
    QCOMPARE(test::dumped(readyz["details"]["b"]["state"]), test::dumped(json("ready")));
    const json status = call("GET", QStringLiteral("/status"), admin).bodyJson();
    QCOMPARE(test::dumped(status["services"][1]["pid"]), test::dumped(json(b->pid())));

    // A change of a value: the next list has its new version.
    auto versionOfKa = [&](const QByteArray &token) {
        const json body = call("GET", QStringLiteral("/secrets"), token).bodyJson();
        for (const json &e : body["secrets"])
            if (e["id"] == "ka")
                return e["version"].get<int>();
        return -1;
    };
    const int version = versionOfKa(tokenA);
    QVERIFY(version >= 0);
    QCOMPARE(versionOfKa(admin), version);
    QCOMPARE(call("POST", QStringLiteral("/secrets"), admin, R"({"id":"ka","value":"keptanswers"})")
                 .status,
             200);
    QCOMPARE(versionOfKa(admin), version + 1);
    QCOMPARE(versionOfKa(tokenA), version + 1);
}

void tst_ControlApi::historyDryRunAndRollback()
{
    const QByteArray admin = m_tokens->adminToken();
    const QList<QByteArray> h {"Content-Type: application/json"};
    const QString opt = QStringLiteral("opt");
    auto history = [&] {
        const Reply r = call("GET", QStringLiteral("/secrets/opt/history"), admin);
        return r.status == 200 ? r.bodyJson()["versions"] : json();
    };
    auto waitForA = [&] {
        return QTest::qWaitFor(
            [&] { return m_h->svc(QStringLiteral("a"))->state() == ManagedService::State::Ready; },
            20000);
    };
    QCOMPARE(
        call("POST", QStringLiteral("/secrets"), admin, R"({"id":"opt","value":"value one"})", h)
            .status,
        200);
    QVERIFY(waitForA());
    QCOMPARE(
        call("POST", QStringLiteral("/secrets"), admin, R"({"id":"opt","value":"value two"})", h)
            .status,
        200);
    QVERIFY(waitForA());
    json versions = history();
    QVERIFY2(versions.size() >= 2, versions.dump().c_str());
    const json one = versions[versions.size() - 2];
    const json two = versions.back();
    QCOMPARE(test::dumped(two["current"]), test::dumped(json(true)));
    QCOMPARE(test::dumped(one["current"]), test::dumped(json(false)));
    QCOMPARE(test::dumped(two["source"]), test::dumped(json("api")));
    QCOMPARE(test::dumped(two["actor"]), test::dumped(json("admin token")));
    QVERIFY(two["created_at"].is_string());
    const int v1 = one["version"].get<int>();

    // A dry run validates and answers, and changes nothing.
    const qint64 pidA = m_h->svc(QStringLiteral("a"))->pid();
    const qint64 pidB = m_h->svc(QStringLiteral("b"))->pid();
    Reply r = call("POST", QStringLiteral("/secrets?dry_run=true"), admin,
                   R"({"id":"opt","value":"value three"})", h);
    QCOMPARE(r.status, 200);
    QCOMPARE(test::dumped(r.bodyJson()["dry_run"]), test::dumped(json(true)));
    QCOMPARE(test::dumped(r.bodyJson()["changed"]), test::dumped(json {"opt"}));
    QCOMPARE(test::dumped(r.bodyJson()["services_affected"]), test::dumped(json {"a"}));
    r = call("POST", QStringLiteral("/secrets?dry_run=true"), admin, R"({"id":"ka","value":"BAD"})",
             h);
    QCOMPARE(r.status, 400); // validated like a real change
    r = call("POST", QStringLiteral("/secrets/opt/rollback?dry_run=true"), admin,
             QByteArray("{\"version\":") + QByteArray::number(v1) + '}', h);
    QCOMPARE(r.status, 200);
    QCOMPARE(test::dumped(r.bodyJson()["changed"]), test::dumped(json {"opt"}));
    QCOMPARE(
        test::dumped(
            call("DELETE", QStringLiteral("/secrets/opt?dry_run=1"), admin).bodyJson()["changed"]),
        test::dumped(json(true)));
    QCOMPARE(*m_h->keeper().value(opt), QByteArray("value two"));
    QCOMPARE(history().size(), versions.size());
    QCOMPARE(m_h->svc(QStringLiteral("a"))->pid(), pidA);

    // The rollback itself: a new version with the old value; only a's service restarts.
    r = call("POST", QStringLiteral("/secrets/opt/rollback"), admin,
             QByteArray("{\"version\":") + QByteArray::number(v1) + '}', h);
    QCOMPARE(r.status, 200);
    QCOMPARE(test::dumped(r.bodyJson()["services_affected"]), test::dumped(json {"a"}));
    QCOMPARE(*m_h->keeper().value(opt), QByteArray("value one"));
    QTRY_VERIFY_WITH_TIMEOUT(m_h->svc(QStringLiteral("a"))->pid() != pidA, 20000);
    QVERIFY(waitForA());
    QCOMPARE(m_h->svc(QStringLiteral("b"))->pid(), pidB);
    versions = history();
    QCOMPARE(test::dumped(versions.back()["source"]), test::dumped(json("rollback")));
    QCOMPARE(test::dumped(versions.back()["current"]), test::dumped(json(true)));
    QVERIFY(versions.back()["version"].get<int>() > two["version"].get<int>());

    // What a rollback refuses, and that no answer carries a value.
    const QList<std::pair<QByteArray, int>> bad {{R"({"version":"1"})", 400},
                                                 {R"({"version":99999})", 400},
                                                 {R"({"version":0})", 400},
                                                 {R"({"version":1,"x":2})", 400},
                                                 {"not json", 400}};
    for (const auto &[body, status] : bad) {
        r = call("POST", QStringLiteral("/secrets/opt/rollback"), admin, body, h);
        QCOMPARE(r.status, status);
        QVERIFY(!r.body.contains("value one") && !r.body.contains("value two"));
    }
    QCOMPARE(
        call("POST", QStringLiteral("/secrets/nope/rollback"), admin, R"({"version":1})", h).status,
        404);
    QCOMPARE(call("GET", QStringLiteral("/secrets/nope/history"), admin).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/secrets/opt/history"),
                  m_tokens->serviceToken(QStringLiteral("a")))
                 .status,
             403);
    // A generated secret rolls back too.
    const QByteArray kb = *m_h->keeper().value(QStringLiteral("kb"));
    bool regenerated = false;
    m_h->keeper().regenerate(QStringLiteral("kb"), this,
                             [&](const SecretKeeper::ChangeResult &c) { regenerated = c.ok; });
    QTRY_VERIFY(regenerated);
    const json kbVersions
        = call("GET", QStringLiteral("/secrets/kb/history"), admin).bodyJson()["versions"];
    QVERIFY(kbVersions.size() >= 2);
    const int previous = kbVersions[kbVersions.size() - 2]["version"].get<int>();
    QCOMPARE(call("POST", QStringLiteral("/secrets/kb/rollback"), admin,
                  QByteArray("{\"version\":") + QByteArray::number(previous) + '}', h)
                 .status,
             200);
    QCOMPARE(*m_h->keeper().value(QStringLiteral("kb")), kb);
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("b"))->state(), ManagedService::State::Ready,
                              20000);
}

void tst_ControlApi::auditTrailOverTheApi()
{
    const QByteArray admin = m_tokens->adminToken();
    const QList<QByteArray> h {"Content-Type: application/json"};
    QCOMPARE(call("POST", QStringLiteral("/secrets"), admin, R"({"id":"opt","value":"audited"})", h)
                 .status,
             200);
    // A service asking for a sibling's secret is refused, and that is recorded; a request
    // without any token is not (any web page can send those).
    QCOMPARE(call("GET", QStringLiteral("/secrets/kb/value"),
                  m_tokens->serviceToken(QStringLiteral("a")))
                 .status,
             403);
    // (Other entries come meanwhile: services restarted by the test before are given theirs.)
    auto refusals = [&] {
        qsizetype n = 0;
        for (const AuditTrail::Entry &e : m_audit->entries({}))
            n += e.event.outcome == QLatin1String("refused") ? 1 : 0;
        return n;
    };
    const qsizetype before = refusals();
    QCOMPARE(call("GET", QStringLiteral("/secrets/kb/value"), {}).status, 401);
    QCOMPARE(refusals(), before);
    QCOMPARE(call("GET", QStringLiteral("/secrets/kb/value"), "a-wrong-token").status, 401);
    QCOMPARE(refusals(), before + 1);
    QCOMPARE(call("GET", QStringLiteral("/secrets/kb/value"),
                  m_tokens->serviceToken(QStringLiteral("b")))
                 .status,
             200);

    Reply r = call("GET", QStringLiteral("/audit"), admin);
    QCOMPARE(r.status, 200);
    const json entries = r.bodyJson()["entries"];
    auto has = [&](const char *actor, const char *action, const char *secret, const char *outcome) {
        for (const json &e : entries) {
            if (e["actor"] == actor && e["action"] == action && e["secret"] == secret
                && e["outcome"] == outcome)
                return true;
        }
        return false;
    };
    QVERIFY2(has("admin token", "changed", "opt", "ok")
                 || has("admin token", "created", "opt", "ok"),
             r.body.constData());
    QVERIFY2(has("a", "read", "kb", "refused"), r.body.constData());
    QVERIFY2(has("a wrong token", "read", "kb", "refused"), r.body.constData());
    QVERIFY2(has("b", "read", "kb", "ok"), r.body.constData());
    QVERIFY(!r.body.contains("audited"));
    QVERIFY(!r.body.contains(*m_h->keeper().value(QStringLiteral("kb"))));

    // Filters, the chain's verdict, and bad input.
    r = call("GET", QStringLiteral("/audit?secret=kb"), admin);
    const json aboutKb = r.bodyJson()["entries"];
    QVERIFY(!aboutKb.empty());
    for (const json &e : aboutKb)
        QCOMPARE(test::dumped(e["secret"]), test::dumped(json("kb")));
    QVERIFY(call("GET", QStringLiteral("/audit?since=2999-01-01T00:00:00Z"), admin)
                .bodyJson()["entries"]
                .empty());
    QCOMPARE(call("GET", QStringLiteral("/audit?since=yesterday"), admin).status, 400);
    r = call("GET", QStringLiteral("/audit?verify=true"), admin);
    QCOMPARE(r.status, 200);
    QVERIFY2(r.bodyJson()["ok"].get<bool>(), r.body.constData());
    QVERIFY(r.bodyJson()["entries"].get<qint64>() >= qint64(entries.size()));
    QCOMPARE(
        call("GET", QStringLiteral("/audit"), m_tokens->serviceToken(QStringLiteral("b"))).status,
        403);
    // The file holds ids and names, never a value.
    QFile file(m_audit->path());
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray all = file.readAll();
    QVERIFY(!all.contains("audited"));
    QVERIFY(!all.contains(*m_h->keeper().value(QStringLiteral("kb"))));
}

void tst_ControlApi::readAndActionRoutes()
{
    const QByteArray admin = m_tokens->adminToken();
    Reply r = call("GET", QStringLiteral("/readyz"), admin);
    QCOMPARE(r.status, 200);
    const json readyz = r.bodyJson();
    const json b = readyz["details"]["b"];
    QVERIFY(b["ready"].get<bool>());
    QVERIFY(b.contains("restarts"));
    // The Vrooli runtime's per-service fields and its gpu block.
    QCOMPARE(test::dumped(b["skipped"]), test::dumped(json(false)));
    QVERIFY(b.contains("message") && b.contains("exit_code"));
    for (const char *at : {"started_at", "ready_at", "updated_at"})
        QVERIFY2(b[at].is_string()
                     && QDateTime::fromString(QString::fromStdString(b[at].get<std::string>()),
                                              Qt::ISODateWithMs)
                            .isValid(),
                 at);
    QVERIFY(b["exited_at"].is_null());
    QVERIFY(readyz["gpu"]["available"].is_boolean());
    QVERIFY(readyz["gpu"]["method"].is_string() && readyz["gpu"]["reason"].is_string());
    QVERIFY(readyz["gpu"]["requirements"].is_object());
    r = call("GET", QStringLiteral("/ports"), m_tokens->serviceToken(QStringLiteral("a")));
    QCOMPARE(r.status, 200);
    QVERIFY(r.bodyJson()["services"]["a"]["http"].get<int>() > 0);
    r = call("GET", QStringLiteral("/status"), admin);
    QCOMPARE(test::dumped(r.bodyJson()["app"]["name"]), test::dumped(json("harness")));
    QVERIFY(r.bodyJson()["imported"].is_null()); // nothing came from a Vrooli runtime install
    // The Vrooli runtime's /status fields beside Steward's.
    for (const char *field : {"instance_id", "started_at", "app_data_dir", "bundle_root",
                              "manifest_hash", "manifest_schema", "target", "app_name",
                              "app_version", "ipc_host", "runtime_version", "build_version"})
        QVERIFY2(r.bodyJson()[field].is_string(), field);
    QCOMPARE(test::dumped(r.bodyJson()["app_name"]), test::dumped(json("harness")));
    QCOMPARE(r.bodyJson()["ipc_port"].get<int>(), m_server->port());
    QCOMPARE(test::dumped(r.bodyJson()["dry_run"]), test::dumped(json(false)));
    // Without Vault: the freshness fields are there, and null.
    r = call("GET", QStringLiteral("/health"), admin);
    for (const char *field :
         {"token_age_seconds", "token_ttl_seconds", "last_refresh_ok", "last_refresh_at"})
        QVERIFY2(r.bodyJson().contains(field) && r.bodyJson()[field].is_null(), field);
    QVERIFY(r.bodyJson()["remote"].empty() && !r.bodyJson().contains("auth_method"));
    // Nothing remote to refresh; what is asked for is named.
    r = call("POST", QStringLiteral("/secrets/refresh"), admin);
    QCOMPARE(r.status, 400);
    r = call("POST", QStringLiteral("/secrets/opt/refresh"), admin);
    QCOMPARE(r.status, 400);
    QVERIFY2(r.body.contains("secret opt is not fetched from a remote store"), r.body.constData());
    QCOMPARE(call("POST", QStringLiteral("/secrets/nosuch/refresh"), admin).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/secrets/opt/refresh"), admin).status, 405);
    QCOMPARE(call("POST", QStringLiteral("/secrets/refresh"),
                  m_tokens->serviceToken(QStringLiteral("a")))
                 .status,
             403);
    r = call("GET", QStringLiteral("/services"), admin);
    QCOMPARE(r.bodyJson()["services"].size(), 2u);
    r = call("GET", QStringLiteral("/validate"), admin);
    QCOMPARE(test::dumped(r.bodyJson()["valid"]), test::dumped(json(true)));
    r = call("GET", QStringLiteral("/telemetry"), admin);
    QVERIFY(!r.bodyJson()["events"].empty());
    QCOMPARE(QString::fromStdString(r.bodyJson()["path"].get<std::string>()),
             m_h->appData() + QStringLiteral("/data/telemetry/events.jsonl"));
    QCOMPARE(test::dumped(r.bodyJson()["upload_url"]), test::dumped(json("")));
    QCOMPARE(test::dumped(r.bodyJson()["file"]), test::dumped(json("telemetry/events.jsonl")));
    // Events in the Vrooli runtime's shape.
    bool sawServiceStart = false;
    const json telemetry = r.bodyJson();
    for (const json &e : telemetry["events"]) {
        QVERIFY(e["ts"].is_string() && e["event"].is_string() && e["details"].is_object());
        QVERIFY(!e.contains("service"));
        if (e["event"] == "service_start") {
            sawServiceStart = true;
            QVERIFY(e["service_id"].is_string());
            QVERIFY(e["details"]["pid"].is_number());
        }
    }
    QVERIFY(sawServiceStart);
    const qint64 pid = m_h->svc(QStringLiteral("b"))->pid();
    QCOMPARE(call("POST", QStringLiteral("/services/b/restart"), admin).status, 202);
    QTRY_VERIFY_WITH_TIMEOUT(m_h->svc(QStringLiteral("b"))->state() == ManagedService::State::Ready
                                 && m_h->svc(QStringLiteral("b"))->pid() != pid,
                             20000);
    QCOMPARE(call("POST", QStringLiteral("/services/nope/restart"), admin).status, 404);
    QCOMPARE(call("POST", QStringLiteral("/services/b/explode"), admin).status, 404);
}

void tst_ControlApi::logsTail()
{
    const QByteArray admin = m_tokens->adminToken();
    // Plain text by default, as the Vrooli runtime answers.
    Reply r = call("GET", QStringLiteral("/logs/tail?serviceId=b&lines=2"), admin);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.headers.value("content-type"), QByteArray("text/plain; charset=utf-8"));
    QCOMPARE(r.body.count('\n'), 2);
    QVERIFY(r.body.endsWith('\n'));
    // JSON when asked for, with the same lines.
    for (const auto &[query, headers] :
         {std::pair {QStringLiteral("&format=json"), QList<QByteArray> {}},
          std::pair {QString(), QList<QByteArray> {"Accept: application/json"}},
          std::pair {QString(), QList<QByteArray> {"Accept: text/html, application/json;q=0.9"}}}) {
        r = call("GET", QStringLiteral("/logs/tail?serviceId=b&lines=2") + query, admin, {},
                 headers);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.headers.value("content-type"), QByteArray("application/json"));
        QCOMPARE(r.bodyJson()["lines"].size(), 2u);
        QCOMPARE(test::dumped(r.bodyJson()["service"]), test::dumped(json("b")));
        QVERIFY(r.bodyJson()["lines"][1].is_string());
    }
    r = call("GET", QStringLiteral("/logs/tail?serviceId=b&lines=999999999"),
             admin); // capped, not refused
    QCOMPARE(r.status, 200);
    QCOMPARE(call("GET", QStringLiteral("/logs/tail?serviceId=zz"), admin).status, 404);
    QCOMPARE(call("GET", QStringLiteral("/logs/tail"), admin).status, 400);
}

void tst_ControlApi::hugeBodyIsRefusedWithoutBuffering()
{
    const qint64 before = rssKiB();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    const qint64 total = 100LL * 1024 * 1024;
    socket.write("POST /secrets HTTP/1.1\r\nHost: " + host() + "\r\nAuthorization: Bearer "
                 + m_tokens->adminToken() + "\r\nContent-Type: application/json\r\nContent-Length: "
                 + QByteArray::number(total) + "\r\n\r\n");
    const QByteArray chunk(64 * 1024, 'x');
    qint64 sent = 0;
    QByteArray answer;
    // Keep sending until the answer arrives or the server stops reading.
    QElapsedTimer t;
    t.start();
    while (sent < total && !answer.contains("\r\n\r\n") && t.elapsed() < 30000
           && socket.state() == QAbstractSocket::ConnectedState) {
        if (socket.bytesToWrite() < 4 * chunk.size()) {
            socket.write(chunk);
            sent += chunk.size();
        }
        socket.waitForBytesWritten(10);
        answer += socket.readAll();
    }
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n"), 10000);
    QVERIFY2(answer.startsWith("HTTP/1.1 413"), answer.left(100).constData());
    QVERIFY(sent < total); // refused before it was all sent
    if (RssIsMeaningful)
        QVERIFY2(rssKiB() - before < 5 * 1024,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(rssKiB() - before)));
}

void tst_ControlApi::chunkedBodyIsCapped()
{
    QByteArray raw = "POST /secrets HTTP/1.1\r\nHost: " + host() + "\r\nAuthorization: Bearer "
        + m_tokens->adminToken()
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 40; ++i)
        raw += "1000\r\n" + QByteArray(0x1000, 'y') + "\r\n";
    raw += "0\r\n\r\n";
    QCOMPARE(send(raw).status, 413);

    // Trailers after a chunked body are checked like the head: the head passed the guard, but
    // the request as a whole now names a foreign Origin.
    const QByteArray body = R"({"id":"opt","value":"from a trailer test"})";
    const QByteArray trailed = "POST /secrets HTTP/1.1\r\nHost: " + host()
        + "\r\nAuthorization: Bearer " + m_tokens->adminToken()
        + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        + QByteArray::number(body.size(), 16) + "\r\n" + body
        + "\r\n0\r\nOrigin: https://evil.example\r\nX-After: 1\r\n\r\n";
    QCOMPARE(send(trailed).status, 403);
}

void tst_ControlApi::oversizedHeadIs431()
{
    const QByteArray raw = "GET /status HTTP/1.1\r\nHost: " + host()
        + "\r\nX-Filler: " + QByteArray(20 * 1024, 'f') + "\r\n\r\n";
    QCOMPARE(send(raw).status, 431);
    QByteArray many = "GET /status HTTP/1.1\r\nHost: " + host() + "\r\n";
    for (int i = 0; i < 150; ++i)
        many += "X-H" + QByteArray::number(i) + ": 1\r\n";
    QCOMPARE(send(many + "\r\n").status, 431);
}

void tst_ControlApi::slowHeadTimesOut()
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET /status HTTP/1.1\r\nHost: "); // and then nothing
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n"),
                             HttpConnection::HeadTimeoutMs + 5000);
    QVERIFY(answer.startsWith("HTTP/1.1 408"));
    QTRY_COMPARE_WITH_TIMEOUT(socket.state(), QAbstractSocket::UnconnectedState, 10000);
}

ApiContext tst_ControlApi::context()
{
    ApiContext ctx;
    ctx.manifest = &m_h->manifest();
    ctx.keeper = &m_h->keeper();
    ctx.redactor = m_h->redactor();
    ctx.supervisor = &m_h->supervisor();
    ctx.audit = m_audit.get();
    ctx.appData = m_h->appData() + QStringLiteral("/data");
    ctx.shutdown = [this] {
        ++m_shutdowns;
    };
    ctx.activate = [this] {
        ++m_activations;
        return m_hasWindow;
    };
    return ctx;
}

void tst_ControlApi::resetApi()
{
    m_api = std::make_unique<ControlApi>(context(), *m_tokens);
    ControlApi *api = m_api.get();
    const int port = m_server->port();
    m_server = std::make_unique<ControlServer>(api);
    QVERIFY(m_server->listen(QStringLiteral("127.0.0.1"), port).ok());
    m_api->setPort(m_server->port());
}

QByteArray tst_ControlApi::exchange(const QByteArray &raw)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(raw);
    QByteArray all;
    const bool closed = QTest::qWaitFor(
        [&] {
            all += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        20000);
    // A server that never closes gives nothing: the caller's checks then fail.
    return closed ? QByteArray(all + socket.readAll()) : QByteArray();
}

void tst_ControlApi::repeatedWrongTokensLockOut()
{
    resetApi(); // the guard rows above spent some of the failure budget
    for (int i = 0; i < AuthThrottle::MaxFailures; ++i)
        QCOMPARE(call("GET", QStringLiteral("/status"), "wrong-token").status, 401);
    // That token is throttled now...
    const Reply locked = call("GET", QStringLiteral("/status"), "wrong-token");
    QCOMPARE(locked.status, 429);
    QVERIFY(locked.headers.value("retry-after").toInt() > 0);
    // ...and nobody else is: the admin, a service, another (wrong) token, no token.
    QCOMPARE(call("GET", QStringLiteral("/status"), m_tokens->adminToken()).status, 200);
    QCOMPARE(
        call("GET", QStringLiteral("/readyz"), m_tokens->serviceToken(QStringLiteral("a"))).status,
        200);
    QCOMPARE(call("GET", QStringLiteral("/status"), "another-wrong-token").status, 401);
    QCOMPARE(call("GET", QStringLiteral("/status"), {}).status, 401);
    QCOMPARE(call("GET", QStringLiteral("/healthz"), {}).status, 200);
}

void tst_ControlApi::tokenlessRequestsNeverLockOut()
{
    // What any web page can make a browser send (<img src=http://127.0.0.1:PORT/status>).
    resetApi();
    for (int i = 0; i < 2 * AuthThrottle::MaxFailures; ++i) {
        const Reply r = call("GET", QStringLiteral("/status"), {});
        QCOMPARE(r.status, 401);
        QCOMPARE(r.headers.value("www-authenticate"), QByteArray("Bearer"));
    }
    QCOMPARE(call("GET", QStringLiteral("/status"), m_tokens->adminToken()).status, 200);
    const Reply own = call("GET", QStringLiteral("/secrets/kb/value"),
                           m_tokens->serviceToken(QStringLiteral("b")));
    QCOMPARE(own.status, 200);
    QCOMPARE(call("GET", QStringLiteral("/status"), {}).status, 401); // still 401, never 429
}

void tst_ControlApi::wrongTokenFloodSparesValidTokens()
{
    resetApi();
    // Many different wrong tokens, each tried once: the flood limit throttles them all...
    int throttled = 0;
    for (int i = 0; i < AuthThrottle::MaxFloodFailures + 10; ++i) {
        const int status
            = call("GET", QStringLiteral("/status"), "guess-" + QByteArray::number(i)).status;
        QVERIFY2(status == 401 || status == 429, qPrintable(QString::number(status)));
        throttled += status == 429 ? 1 : 0;
        // ...while the admin and the services are served all along.
        if (i % 20 == 0) {
            QCOMPARE(call("GET", QStringLiteral("/status"), m_tokens->adminToken()).status, 200);
            QCOMPARE(
                call("GET", QStringLiteral("/ports"), m_tokens->serviceToken(QStringLiteral("b")))
                    .status,
                200);
        }
    }
    QVERIFY(throttled > 0);
    QCOMPARE(call("GET", QStringLiteral("/status"), "guess-new").status, 429);
    QCOMPARE(call("GET", QStringLiteral("/status"), m_tokens->adminToken()).status, 200);
    resetApi(); // the flood limit ends by itself after 30 s; the tests after this one need none
}

void tst_ControlApi::connectionCap()
{
    // The rule with a small cap: once the cap is reached, a new connection closes the oldest
    // one that never showed a valid token; when every connection has shown one, the new one is
    // answered 503 and closed.
    constexpr int Cap = 20;
    m_server->setMaxConnections(Cap);
    auto restore
        = qScopeGuard([this] { m_server->setMaxConnections(ControlServer::MaxConnections); });
    std::vector<std::unique_ptr<QTcpSocket>> idle;
    for (int i = 0; i < Cap; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
        idle.push_back(std::move(s));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connections(), Cap, 20000);
    QCOMPARE(call("GET", QStringLiteral("/healthz"), {}).status, 200);
    QTRY_COMPARE_WITH_TIMEOUT(idle.front()->state(), QAbstractSocket::UnconnectedState, 10000);
    idle.clear();
    QTRY_COMPARE(m_server->connections(), 0);

    // Every connection authenticated (keep-alive, admin token): no room is made.
    const QByteArray status = "GET /status HTTP/1.1\r\nHost: " + host()
        + "\r\nAuthorization: Bearer " + m_tokens->adminToken() + "\r\n\r\n";
    std::vector<std::unique_ptr<QTcpSocket>> admins;
    for (int i = 0; i < Cap; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
        s->write(status);
        admins.push_back(std::move(s));
    }
    for (auto &s : admins)
        QTRY_VERIFY_WITH_TIMEOUT(s->bytesAvailable() > 0, 10000);
    const Reply refused = call("GET", QStringLiteral("/healthz"), {});
    QCOMPARE(refused.status, 503);
    QCOMPARE(QString::fromStdString(refused.bodyJson()["error"]["code"].get<std::string>()),
             QStringLiteral("too_many_connections"));
    for (auto &s : admins)
        QCOMPARE(s->state(), QAbstractSocket::ConnectedState);
    admins.clear();
    QTRY_COMPARE(m_server->connections(), 0);
    QCOMPARE(call("GET", QStringLiteral("/healthz"), {}).status, 200);
}

void tst_ControlApi::stalledBodiesDoNotHoldTheApi()
{
    // As many connections as the cap allows, each a complete head announcing a body that never
    // comes: on the open route, and without a token (refused at the head).
    std::vector<std::unique_ptr<QTcpSocket>> stalled;
    for (int i = 0; i < ControlServer::MaxConnections; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        s->connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
        s->write((i % 2 ? "GET /healthz" : "POST /secrets") + QByteArray(" HTTP/1.1\r\nHost: ")
                 + host() + "\r\nContent-Length: 1000\r\n\r\n{");
        stalled.push_back(std::move(s));
    }
    QTRY_VERIFY_WITH_TIMEOUT(m_server->connections() >= ControlServer::MaxConnections / 2, 20000);
    QElapsedTimer t;
    t.start();
    const Reply admin = call("GET", QStringLiteral("/status"), m_tokens->adminToken());
    QCOMPARE(admin.status, 200);
    QVERIFY2(t.elapsed() < HttpConnection::RequestDeadlineMs,
             qPrintable(QString::number(t.elapsed())));
    // Each stalled request is answered 408 and closed by the body's rate or deadline at most.
    for (auto &s : stalled) {
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += s->readAll()).contains("\r\n\r\n")
                                     || s->state() == QAbstractSocket::UnconnectedState,
                                 HttpConnection::RequestDeadlineMs + 5000);
        QVERIFY2(answer.isEmpty() || answer.startsWith("HTTP/1.1 408")
                     || answer.startsWith("HTTP/1.1 401"),
                 answer.left(40).constData());
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_server->connections(), 0, HttpConnection::RequestDeadlineMs + 5000);
}

void tst_ControlApi::duplicateHeaders_data()
{
    QTest::addColumn<QByteArray>("headers");
    QTest::newRow("Host") << QByteArray("Host: {HOST}\r\nAuthorization: Bearer {ADMIN}\r\n");
    QTest::newRow("Origin") << QByteArray(
        "Origin: http://localhost\r\nOrigin: https://evil.example\r\n"
        "Authorization: Bearer {ADMIN}\r\n");
    QTest::newRow("Authorization")
        << QByteArray("Authorization: Bearer wrong\r\nAuthorization: Bearer {ADMIN}\r\n");
    QTest::newRow("Content-Length") << QByteArray(
        "Authorization: Bearer {ADMIN}\r\nContent-Length: 0\r\nContent-Length: 0\r\n");
}

void tst_ControlApi::duplicateHeaders()
{
    QFETCH(QByteArray, headers);
    headers.replace("{HOST}", host()).replace("{ADMIN}", m_tokens->adminToken());
    const Reply r = send("GET /status HTTP/1.1\r\nHost: " + host() + "\r\n" + headers + "\r\n");
    QCOMPARE(r.status, 400);
    QVERIFY(!r.body.contains("\"status\""));
}

void tst_ControlApi::headAnswersHaveNoBody()
{
    for (const QByteArray &request :
         {QByteArray("HEAD /healthz HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n"),
          QByteArray("HEAD /status HTTP/1.1\r\nHost: {HOST}\r\nConnection: close\r\n\r\n")}) {
        const QByteArray all = exchange(QByteArray(request).replace("{HOST}", host()));
        QVERIFY2(all.startsWith("HTTP/1.1 200") || all.startsWith("HTTP/1.1 401"),
                 all.left(40).constData());
        QVERIFY2(all.endsWith("\r\n\r\n") && all.count("\r\n\r\n") == 1, all.constData());
        QVERIFY(all.contains("Content-Length: "));
    }
}

void tst_ControlApi::continueOnlyAfterTheGuard()
{
    const QByteArray body = R"({"id":"opt","value":"continued"})";
    const QByteArray head = "POST /secrets HTTP/1.1\r\nHost: " + host()
        + "\r\nExpect: 100-continue\r\nConnection: close\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n";
    // Refused by the guard: the refusal, never the go-ahead.
    for (const QByteArray &auth :
         {QByteArray(), QByteArray("Authorization: Bearer wrong\r\n"),
          QByteArray("Authorization: Bearer " + m_tokens->serviceToken(QStringLiteral("a"))
                     + "\r\n")}) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write(head + auth + "\r\n");
        QByteArray answer;
        QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n"), 10000);
        QVERIFY2(!answer.startsWith("HTTP/1.1 100"), answer.constData());
        QVERIFY2(answer.startsWith("HTTP/1.1 401") || answer.startsWith("HTTP/1.1 403"),
                 answer.constData());
    }
    // With the admin token: 100 Continue, then the body is read and answered.
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write(head + "Authorization: Bearer " + m_tokens->adminToken() + "\r\n\r\n");
    QByteArray answer;
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("\r\n\r\n"), 10000);
    QVERIFY2(answer.startsWith("HTTP/1.1 100 Continue\r\n\r\n"), answer.constData());
    socket.write(body);
    QTRY_VERIFY_WITH_TIMEOUT((answer += socket.readAll()).contains("HTTP/1.1 200"), 10000);
}

void tst_ControlApi::activateShowsTheWindowWhenThereIsOne()
{
    const int before = m_activations;
    QCOMPARE(call("POST", QStringLiteral("/activate"), m_tokens->serviceToken(QStringLiteral("a")))
                 .status,
             403);
    QCOMPARE(m_activations, before);
    m_hasWindow = false;
    const Reply headless = call("POST", QStringLiteral("/activate"), m_tokens->adminToken());
    QCOMPARE(headless.status, 409);
    QCOMPARE(QString::fromStdString(headless.bodyJson()["error"]["code"].get<std::string>()),
             QStringLiteral("headless"));
    m_hasWindow = true;
    const Reply shown = call("POST", QStringLiteral("/activate"), m_tokens->adminToken());
    QCOMPARE(shown.status, 200);
    QCOMPARE(m_activations, before + 2);
    QCOMPARE(call("GET", QStringLiteral("/activate"), m_tokens->adminToken()).status, 405);
}

void tst_ControlApi::openApiDocumentsEveryRoute()
{
    const Reply r = call("GET", QStringLiteral("/openapi.json"), m_tokens->adminToken());
    QCOMPARE(r.status, 200);
    const json doc = r.bodyJson();
    QCOMPARE(test::dumped(doc["openapi"]), test::dumped(json("3.0.3")));
    QStringList documented;
    for (auto it = doc["paths"].begin(); it != doc["paths"].end(); ++it)
        for (auto m = it->begin(); m != it->end(); ++m)
            documented << QString::fromStdString(m.key()).toUpper() + QLatin1Char(' ')
                    + QString::fromStdString(it.key());
    documented.sort();
    // The route table, as the document names its paths. HEAD is implied by GET in HTTP.
    QStringList routes;
    for (const ApiRoute &route : m_api->routes().routes()) {
        if (route.method != "HEAD")
            routes << QString::fromLatin1(route.method) + QLatin1Char(' ') + route.pattern;
    }
    routes.sort();
    // Both ways: every route is documented, and every documented path and method is routed.
    for (const QString &route : std::as_const(routes))
        QVERIFY2(documented.contains(route),
                 qPrintable(route + QStringLiteral(" is not documented")));
    for (const QString &path : std::as_const(documented))
        QVERIFY2(routes.contains(path),
                 qPrintable(path + QStringLiteral(" is documented, not routed")));
    QCOMPARE(documented, routes);
    // Every documented route exists (anything but 404 from the router; shutdown is left out here).
    for (const QString &route : routes) {
        if (route.contains(QLatin1String("shutdown")))
            continue;
        QString path = route.section(QLatin1Char(' '), 1);
        path.replace(QLatin1String("{id}/value"), QLatin1String("kb/value"))
            .replace(QLatin1String("{id}/{action}"), QLatin1String("b/restart"));
        path.replace(QLatin1String("{id}"), QLatin1String("opt"));
        if (path == QLatin1String("/logs/tail"))
            path += QLatin1String("?serviceId=b");
        const QByteArray token = path.endsWith(QLatin1String("/value"))
            ? m_tokens->serviceToken(QStringLiteral("b"))
            : m_tokens->adminToken();
        const Reply each = call(route.section(QLatin1Char(' '), 0, 0).toLatin1(), path, token, {},
                                {"Content-Type: application/json"});
        QVERIFY2(each.status != 404 || each.bodyJson()["error"]["code"] != "not_found",
                 qPrintable(route));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_h->svc(QStringLiteral("b"))->state(), ManagedService::State::Ready,
                              20000);
}

void tst_ControlApi::shutdownRoute()
{
    const int before = m_shutdowns;
    QCOMPARE(call("POST", QStringLiteral("/shutdown"), m_tokens->adminToken()).status, 202);
    QTRY_COMPARE(m_shutdowns, before + 1);
    QCOMPARE(call("GET", QStringLiteral("/shutdown"), m_tokens->adminToken()).status, 202);
    QTRY_COMPARE(m_shutdowns, before + 2);
}

void tst_ControlApi::manyKeepAliveConnections()
{
    // 200 keep-alive connections at once, well below the cap, each served in turn: no error,
    // memory flat. (The 100 000-request run is a row of scripts/bench.)
    constexpr int Connections = 200;
    constexpr int Requests = 2000;
    const QByteArray request = "GET /readyz HTTP/1.1\r\nHost: " + host()
        + "\r\nAuthorization: Bearer " + m_tokens->adminToken() + "\r\n\r\n";
    struct Client
    {
        std::unique_ptr<QTcpSocket> socket;
        QByteArray buffer;
    };
    std::vector<Client> clients(Connections);
    int sent = 0;
    int ok = 0;
    int errors = 0;
    const qint64 rssBefore = rssKiB();
    for (Client &c : clients) {
        c.socket = std::make_unique<QTcpSocket>();
        QTcpSocket *s = c.socket.get();
        connect(s, &QTcpSocket::readyRead, s, [&, s, cp = &c] {
            cp->buffer += s->readAll();
            Reply r;
            qsizetype used = 0;
            while (parseReply(cp->buffer, &r, &used)) {
                cp->buffer.remove(0, used);
                (r.status == 200 ? ok : errors)++;
                if (sent < Requests) {
                    ++sent;
                    s->write(request);
                }
            }
        });
        connect(s, &QTcpSocket::disconnected, s, [&errors] { ++errors; });
        connect(s, &QTcpSocket::connected, s, [&, s] {
            ++sent;
            s->write(request);
        });
        s->connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    }
    QElapsedTimer t;
    t.start();
    QTRY_VERIFY_WITH_TIMEOUT(ok + errors >= Requests, 300000);
    const qint64 ms = t.elapsed();
    for (Client &c : clients)
        c.socket->disconnect();
    QCOMPARE(errors, 0);
    QCOMPARE(ok, Requests);
    const qint64 growth = rssKiB() - rssBefore;
    qInfo("%d requests over %d connections in %lld ms (%.0f requests/s); RSS grew %lld KiB",
          Requests, Connections, ms, Requests * 1000.0 / double(ms), growth);
    if (RssIsMeaningful)
        QVERIFY2(growth < 20 * 1024, qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(growth)));
}

void tst_ControlApi::takenPortFallsBackAndNonLoopbackIsRefused()
{
    ControlServer other(
        [](const HttpRequest &, Responder respond) { respond(HttpResponse::json(200, {})); });
    QVERIFY(other.listen(QStringLiteral("127.0.0.1"), m_server->port()).ok()); // taken: falls back
    QVERIFY(other.port() > 0 && other.port() != m_server->port());
    ControlServer exposed(
        [](const HttpRequest &, Responder respond) { respond(HttpResponse::json(200, {})); });
    const Status s = exposed.listen(QStringLiteral("0.0.0.0"), 0);
    QVERIFY(!s.ok());
    QVERIFY(s.error().contains(QLatin1String("loopback")));
    QVERIFY(!exposed.listen(QStringLiteral("192.168.1.10"), 0).ok());
    QVERIFY(exposed.listen(QStringLiteral("::1"), 0).ok()
            || exposed.listen(QStringLiteral("localhost"), 0).ok());
}

QTEST_GUILESS_MAIN(tst_ControlApi)

#include "tst_controlapi.moc"
