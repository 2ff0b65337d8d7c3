#include "process/HealthProbe.h"

#include <QFile>
#include <QHostAddress>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace steward;

namespace {

struct Answer
{
    bool done = false;
    bool ok = false;
    QString detail;
};

// A server that answers every request with `reply` (nothing when empty).
class TinyServer : public QTcpServer
{
public:
    explicit TinyServer(QByteArray reply)
        : m_reply(std::move(reply))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = nextPendingConnection()) {
                peers << s->peerAddress();
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    s->readAll();
                    if (!m_reply.isEmpty()) {
                        s->write(m_reply);
                        s->disconnectFromHost();
                    }
                });
            }
        });
    }
    QList<QHostAddress> peers;

private:
    QByteArray m_reply;
};

} // namespace

class tst_HealthProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A check is quiet: Qt warns of nothing (it once said "device not open" at every check).
    void init() { QTest::failOnWarning(QRegularExpression(QStringLiteral(".+"))); }
    void http_data();
    void http();
    void healthReadsTheBody_data();
    void healthReadsTheBody();
    void httpTimeout();
    void tcpOpenAndClosed();
    void neverConnectsToItself();
    void command_data();
    void command();
};

void tst_HealthProbe::http_data()
{
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("detail");
    QTest::newRow("200") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok") << true
                         << "HTTP 200";
    QTest::newRow("204") << QByteArray("HTTP/1.0 204 No Content\r\n\r\n") << true << "HTTP 204";
    QTest::newRow("503") << QByteArray("HTTP/1.1 503 Service Unavailable\r\n\r\n") << false
                         << "HTTP 503";
    QTest::newRow("not http") << QByteArray("SSH-2.0-OpenSSH\r\n") << false << "HTTP 0";
}

void tst_HealthProbe::http()
{
    QFETCH(QByteArray, reply);
    QFETCH(bool, ok);
    QFETCH(QString, detail);
    TinyServer server(reply);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    Answer a;
    QObject ctx;
    HealthProbe::http(server.serverPort(), QStringLiteral("/healthz"), 2000, &ctx,
                      [&](bool r, const QString &d) {
                          a = {true, r, d};
                      });
    QTRY_VERIFY(a.done);
    QCOMPARE(a.ok, ok);
    QCOMPARE(a.detail, detail);
}

void tst_HealthProbe::healthReadsTheBody_data()
{
    // As in the v0.1 reference runtime: exactly /health also reads the JSON body.
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<bool>("ok");
    const QByteArray head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    auto sized = [&](const QByteArray &body) -> QByteArray {
        return head + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
    };
    QTest::newRow("healthy") << sized(R"({"status":"healthy"})") << true;
    QTest::newRow("degraded") << sized(R"({"status":"degraded","checks":{}})") << true;
    QTest::newRow("readiness") << sized(R"({"readiness":true})") << true;
    QTest::newRow("unhealthy with 200") << sized(R"({"status":"unhealthy"})") << false;
    QTest::newRow("readiness false") << sized(R"({"readiness":false})") << false;
    QTest::newRow("not json") << sized("ok") << false;
    const QByteArray chunked = head
        + "Transfer-Encoding: chunked\r\n\r\n9\r\n{\"status\"\r\nb\r\n:\"healthy\"}\r\n0\r\n\r\n";
    QTest::newRow("chunked") << chunked << true;
    QTest::newRow("ended by the connection")
        << QByteArray(head + "\r\n{\"status\":\"healthy\"}") << true;
    QTest::newRow("503 whatever the body") << QByteArray(
        "HTTP/1.1 503 Unavailable\r\nContent-Length: 20\r\n\r\n{\"status\":\"healthy\"}")
                                           << false;
}

void tst_HealthProbe::healthReadsTheBody()
{
    QFETCH(QByteArray, reply);
    QFETCH(bool, ok);
    TinyServer server(reply);
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    Answer a;
    QObject ctx;
    HealthProbe::http(server.serverPort(), QStringLiteral("/health"), 2000, &ctx,
                      [&](bool r, const QString &d) {
                          a = {true, r, d};
                      });
    QTRY_VERIFY(a.done);
    QVERIFY2(a.ok == ok, qPrintable(a.detail));
}

void tst_HealthProbe::httpTimeout()
{
    TinyServer silent {QByteArray()};
    QVERIFY(silent.listen(QHostAddress::LocalHost, 0));
    Answer a;
    QObject ctx;
    HealthProbe::http(silent.serverPort(), QStringLiteral("/"), 200, &ctx,
                      [&](bool r, const QString &d) {
                          a = {true, r, d};
                      });
    QTRY_VERIFY(a.done);
    QVERIFY(!a.ok);
    QCOMPARE(a.detail, QStringLiteral("no HTTP answer within 200 ms"));
}

void tst_HealthProbe::tcpOpenAndClosed()
{
    TinyServer server {QByteArray()};
    QVERIFY(server.listen(QHostAddress::LocalHost, 0));
    Answer open;
    QObject ctx;
    HealthProbe::tcp(server.serverPort(), 1000, &ctx, [&](bool r, const QString &d) {
        open = {true, r, d};
    });
    QTRY_VERIFY(open.done);
    QVERIFY(open.ok);
#ifdef Q_OS_LINUX
    QTRY_COMPARE(server.peers.size(), 1);
    QCOMPARE(server.peers.first(), QHostAddress(QStringLiteral("127.0.0.2")));
#endif
    const quint16 port = server.serverPort();
    server.close();
    Answer closed;
    HealthProbe::tcp(port, 1000, &ctx, [&](bool r, const QString &d) { closed = {true, r, d}; });
    QTRY_VERIFY(closed.done);
    QVERIFY(!closed.ok);
}

void tst_HealthProbe::neverConnectsToItself()
{
    // A closed port inside the ephemeral range, probed over and over: a probe that could pick
    // the same source port would sooner or later "connect" to itself and report it open.
    // Any free port of the kernel's ephemeral range will do: a fixed one may be in use by a
    // test running beside this one.
    quint16 low = 32768;
    quint16 high = 60999;
    QFile range(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (range.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> bounds = range.readAll().simplified().split(' ');
        if (bounds.size() == 2) {
            low = quint16(bounds.at(0).toUInt());
            high = quint16(bounds.at(1).toUInt());
        }
    }
    QTcpServer finder;
    quint16 port = 0;
    for (quint32 candidate = low + (high - low) / 2; candidate <= high && port == 0; ++candidate)
        if (finder.listen(QHostAddress::LocalHost, quint16(candidate)))
            port = finder.serverPort();
    QVERIFY2(port != 0, "no free port in the ephemeral range");
    finder.close();
    int done = 0;
    int opened = 0;
    QObject ctx;
    for (int i = 0; i < 2000; ++i)
        HealthProbe::tcp(port, 1000, &ctx, [&](bool r, const QString &) {
            ++done;
            opened += r ? 1 : 0;
        });
    QTRY_COMPARE_WITH_TIMEOUT(done, 2000, 30000);
    QCOMPARE(opened, 0);
    QTcpServer again; // and the port is still free for the service
    QVERIFY(again.listen(QHostAddress::LocalHost, port));
}

void tst_HealthProbe::command_data()
{
    QTest::addColumn<QStringList>("argv");
    QTest::addColumn<int>("timeout");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("detail");
    QTest::newRow("exit 0") << QStringList {QStringLiteral("true")} << 5000 << true
                            << "exit code 0";
    QTest::newRow("exit 1") << QStringList {QStringLiteral("false")} << 5000 << false
                            << "exit code 1";
    QTest::newRow("too slow") << QStringList {QStringLiteral("sleep"), QStringLiteral("5")} << 200
                              << false << "the check command ran longer than 200 ms";
    QTest::newRow("missing") << QStringList {QStringLiteral("/nonexistent/check")} << 5000 << false
                             << "cannot run the check command";
}

void tst_HealthProbe::command()
{
    QFETCH(QStringList, argv);
    QFETCH(int, timeout);
    QFETCH(bool, ok);
    QFETCH(QString, detail);
    Answer a;
    QObject ctx;
    HealthProbe::command(argv, QDir::tempPath(), QProcessEnvironment::systemEnvironment(), timeout,
                         &ctx, [&](bool r, const QString &d) {
                             a = {true, r, d};
                         });
    QTRY_VERIFY(a.done);
    QCOMPARE(a.ok, ok);
    QVERIFY2(a.detail.startsWith(detail), qPrintable(a.detail));
}

QTEST_GUILESS_MAIN(tst_HealthProbe)
#include "tst_healthprobe.moc"
