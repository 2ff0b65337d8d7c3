#include "ResidentMemory.h"
#include "web/StaticFileResponder.h"
#include "web/UiBundleServer.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>
#include <QWebSocketServer>

#include <http_parser.h>

using namespace steward;
using steward::test::RssIsMeaningful;
using steward::test::rssKiB;

namespace {

// One HTTP answer as a client sees it, parsed with http-parser: chunked bodies decoded, HEAD
// answers without body, `complete` false when the connection ended before the answer did.
struct Reply
{
    int status = 0;
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased
    QByteArray body;
    bool complete = false;
    bool chunked = false;

    QByteArray header(const char *name) const
    {
        for (const auto &[n, v] : headers) {
            if (n == name)
                return v;
        }
        return {};
    }
    bool has(const char *name) const
    {
        return std::any_of(headers.cbegin(), headers.cend(),
                           [name](const auto &h) { return h.first == name; });
    }
};

class ReplyParser
{
public:
    explicit ReplyParser(bool headRequest = false)
        : m_head(headRequest)
    {
        http_parser_init(&m_parser, HTTP_RESPONSE);
        m_parser.data = this;
        http_parser_settings_init(&m_settings);
        m_settings.on_header_field = [](http_parser *p, const char *at, size_t len) {
            auto *self = static_cast<ReplyParser *>(p->data);
            if (self->m_inValue)
                self->flushHeader();
            self->m_field.append(at, qsizetype(len));
            return 0;
        };
        m_settings.on_header_value = [](http_parser *p, const char *at, size_t len) {
            auto *self = static_cast<ReplyParser *>(p->data);
            self->m_inValue = true;
            self->m_value.append(at, qsizetype(len));
            return 0;
        };
        m_settings.on_headers_complete = [](http_parser *p) {
            auto *self = static_cast<ReplyParser *>(p->data);
            if (self->m_inValue)
                self->flushHeader();
            self->m_reply.status = int(p->status_code);
            self->m_reply.chunked = (p->flags & F_CHUNKED) != 0;
            return self->m_head ? 1 : 0;
        };
        m_settings.on_body = [](http_parser *p, const char *at, size_t len) {
            static_cast<ReplyParser *>(p->data)->m_reply.body.append(at, qsizetype(len));
            return 0;
        };
        m_settings.on_message_complete = [](http_parser *p) {
            auto *self = static_cast<ReplyParser *>(p->data);
            self->m_reply.complete = true;
            http_parser_pause(p, 1);
            return 0;
        };
    }
    // Feeds bytes; returns how many belonged to this answer.
    qsizetype feed(const QByteArray &data)
    {
        if (m_reply.complete)
            return 0;
        const size_t n
            = http_parser_execute(&m_parser, &m_settings, data.constData(), size_t(data.size()));
        return m_reply.complete ? qsizetype(n) : data.size();
    }
    void end() { http_parser_execute(&m_parser, &m_settings, nullptr, 0); }
    const Reply &reply() const { return m_reply; }

private:
    void flushHeader()
    {
        m_reply.headers.append({m_field.toLower(), m_value.trimmed()});
        m_field.clear();
        m_value.clear();
        m_inValue = false;
    }
    http_parser m_parser;
    http_parser_settings m_settings;
    Reply m_reply;
    QByteArray m_field;
    QByteArray m_value;
    bool m_inValue = false;
    bool m_head;
};

// Reads one answer from a connected socket (bytes after it stay in `leftover`).
Reply readReply(QTcpSocket &socket, bool headRequest = false, int timeoutMs = 20000,
                QByteArray *leftover = nullptr)
{
    ReplyParser parser(headRequest);
    QByteArray pending = leftover ? std::exchange(*leftover, {}) : QByteArray();
    QElapsedTimer t;
    t.start();
    while (!parser.reply().complete && t.elapsed() < timeoutMs) {
        if (pending.isEmpty()) {
            (void)QTest::qWaitFor(
                [&] {
                    return socket.bytesAvailable() > 0
                        || socket.state() != QAbstractSocket::ConnectedState;
                },
                200);
            pending = socket.readAll();
            if (pending.isEmpty() && socket.state() != QAbstractSocket::ConnectedState) {
                parser.end();
                break;
            }
        }
        const qsizetype used = parser.feed(pending);
        pending.remove(0, used);
    }
    if (leftover)
        *leftover = pending;
    return parser.reply();
}

bool closedByPeer(QTcpSocket &socket, int timeoutMs = 5000)
{
    return QTest::qWaitFor(
        [&] {
            socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        timeoutMs);
}

// A backend for the proxy: records each request's head and body, and answers as the test says.
class FakeBackend : public QObject
{
public:
    struct Request
    {
        QByteArray head;
        QByteArray body;
    };
    // Called once a request (head and body) is in; answers on the socket, or not.
    std::function<void(QTcpSocket *, const Request &)> answer;
    // Bodies of at most this many bytes are kept; beyond, only counted.
    QList<Request> requests;
    qint64 bodyBytes = 0;
    int connections = 0;

    FakeBackend()
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost, 0));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_server.nextPendingConnection()) {
                ++connections;
                auto buffer = std::make_shared<QByteArray>();
                connect(s, &QTcpSocket::readyRead, this, [this, s, buffer] { take(s, *buffer); });
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            }
        });
    }
    int port() const { return m_server.serverPort(); }

private:
    // Requests are parsed just enough: a head, then Content-Length bytes or chunks to "0\r\n\r\n".
    void take(QTcpSocket *s, QByteArray &buffer)
    {
        buffer += s->readAll();
        for (;;) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                return;
            Request r;
            r.head = buffer.left(end + 4);
            const QByteArray lower = r.head.toLower();
            qsizetype used = end + 4;
            if (lower.contains("transfer-encoding: chunked")) {
                qsizetype at = used;
                for (;;) {
                    const qsizetype eol = buffer.indexOf("\r\n", at);
                    if (eol < 0)
                        return;
                    const qint64 size = buffer.mid(at, eol - at).toLongLong(nullptr, 16);
                    if (buffer.size() < eol + 2 + size + 2)
                        return;
                    r.body += buffer.mid(eol + 2, size);
                    at = eol + 2 + size + 2;
                    if (size == 0)
                        break;
                }
                used = at;
            } else if (const qsizetype cl = lower.indexOf("content-length:"); cl >= 0) {
                const qint64 length = lower.mid(cl + 15, lower.indexOf("\r\n", cl) - cl - 15)
                                          .trimmed()
                                          .toLongLong();
                if (buffer.size() < used + length)
                    return;
                r.body = buffer.mid(used, length);
                used += length;
            }
            buffer.remove(0, used);
            bodyBytes += r.body.size();
            if (r.body.size() > 64 * 1024)
                r.body = QByteArray::number(r.body.size()) + " bytes";
            requests.append(r);
            if (answer)
                answer(s, r);
        }
    }

    QTcpServer m_server;
};

QByteArray ok(const QByteArray &body, const QByteArray &extra = {})
{
    return "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\n" + extra + "\r\n" + body;
}

} // namespace

// UiBundleServer over real sockets: the files of a temporary asset folder (types, validators,
// conditional and range requests, precompressed siblings, fallback, refusals, limits) and the
// /api and /ws forwarding to a fake backend and a real WebSocket server (headers, streaming both
// ways, kept connections, 502, 504, upgrades).
class tst_UiBundleServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanup();

    void servesFilesWithTypesAndValidators();
    void headHasNoBody();
    void conditional_data();
    void conditional();
    void range_data();
    void range();
    void precompressed_data();
    void precompressed();
    void fallbackAndRefusals_data();
    void fallbackAndRefusals();
    void onlyGetAndHead();
    void guard_data();
    void guard();
    void keepAliveAndPipelining();
    void limitsOfTheControlApi();
    void slowHeadTimesOut();
    void largeFileIsStreamedNotRead();
    void clientLeavingMidFileIsHarmless();
    void requestLogHasNoQueryString();

    void proxyForwardsHeadersBothWays();
    void proxyStreamsLargeBodiesBothWays();
    void proxyKeepsBackendConnections();
    void proxyRetriesAConnectionTheBackendClosed();
    void proxyBackendDownIs502();
    void proxyNoApiServiceIs502();
    void proxySlowBackendIs504();
    void proxyBackendBreakingOffCutsTheAnswer();
    void proxyHeadAndNoContent();
    void webSocketUpgradeRoundTrips();
    void refusedUpgradeIsAnsweredAndClosed();
    void stopClosesEverything();

private:
    UiBundleServer *server(int apiPort = 0, int proxyTimeoutMs = 60000);
    Reply get(const QByteArray &path, const QList<QByteArray> &headers = {},
              const QByteArray &method = "GET");
    QByteArray request(const QByteArray &method, const QByteArray &path,
                       const QList<QByteArray> &headers = {}, const QByteArray &body = {}) const;
    void write(const QString &relative, const QByteArray &content);

    QTemporaryDir m_dir;
    QString m_root;
    std::unique_ptr<UiBundleServer> m_server;
    QByteArray m_appJs;
};

void tst_UiBundleServer::write(const QString &relative, const QByteArray &content)
{
    const QString path = m_root + QLatin1Char('/') + relative;
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

void tst_UiBundleServer::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_root = m_dir.filePath(QStringLiteral("site"));
    write(QStringLiteral("index.html"), "<!doctype html><title>app</title>");
    for (int i = 0; i < 2000; ++i)
        m_appJs += "console.log(" + QByteArray::number(i) + ");\n";
    write(QStringLiteral("app.js"), m_appJs);
    write(QStringLiteral("style.css"), "body{}");
    write(QStringLiteral("data.json"), "{}");
    write(QStringLiteral("logo.svg"), "<svg/>");
    write(QStringLiteral("font.woff2"), "wOF2");
    write(QStringLiteral("module.wasm"), "\0asm");
    write(QStringLiteral("bundle.js"), "identity");
    write(QStringLiteral("bundle.js.gz"), "gzipped");
    write(QStringLiteral("bundle.js.br"), "brotli");
    write(QStringLiteral("only-gz.css"), "identity");
    write(QStringLiteral("only-gz.css.gz"), "gzipped");
    write(QStringLiteral("digits.txt"), "0123456789abcdefghij");
    QFile outside(m_dir.filePath(QStringLiteral("secret.txt")));
    QVERIFY(outside.open(QIODevice::WriteOnly));
    outside.write("the secret");
}

void tst_UiBundleServer::cleanup()
{
    m_server.reset();
}

UiBundleServer *tst_UiBundleServer::server(int apiPort, int proxyTimeoutMs)
{
    UiBundleServer::Settings s;
    s.root = m_root;
    s.apiPort = apiPort;
    s.apiService = QStringLiteral("api");
    s.proxyTimeoutMs = proxyTimeoutMs;
    m_server = std::make_unique<UiBundleServer>(s);
    const Status st = m_server->start();
    if (!st)
        qWarning("%s", qPrintable(st.error()));
    return m_server.get();
}

QByteArray tst_UiBundleServer::request(const QByteArray &method, const QByteArray &path,
                                       const QList<QByteArray> &headers,
                                       const QByteArray &body) const
{
    QByteArray raw = method + ' ' + path
        + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_server->port()) + "\r\n";
    for (const QByteArray &h : headers)
        raw += h + "\r\n";
    if (!body.isEmpty())
        raw += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    return raw + "\r\n" + body;
}

Reply tst_UiBundleServer::get(const QByteArray &path, const QList<QByteArray> &headers,
                              const QByteArray &method)
{
    if (!m_server)
        server();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request(method, path, headers));
    return readReply(socket, method == "HEAD");
}

void tst_UiBundleServer::servesFilesWithTypesAndValidators()
{
    server();
    const Reply r = get("/app.js");
    QCOMPARE(r.status, 200);
    QVERIFY(r.complete);
    QCOMPARE(r.body, m_appJs);
    QCOMPARE(r.header("content-type"), QByteArray("text/javascript; charset=utf-8"));
    QCOMPARE(r.header("content-length"), QByteArray::number(m_appJs.size()));
    QVERIFY(r.header("etag").startsWith('"'));
    const QDateTime modified = QFileInfo(m_root + QStringLiteral("/app.js")).lastModified();
    QCOMPARE(r.header("last-modified"), StaticFileResponder::httpDate(modified));
    QCOMPARE(StaticFileResponder::parseHttpDate(r.header("last-modified")).toSecsSinceEpoch(),
             modified.toSecsSinceEpoch());
    QCOMPARE(r.header("cache-control"), QByteArray("no-cache"));
    QCOMPARE(r.header("accept-ranges"), QByteArray("bytes"));
    QCOMPARE(r.header("x-content-type-options"), QByteArray("nosniff"));
    QVERIFY(!r.has("vary")); // no precompressed sibling

    const QList<std::pair<QByteArray, QByteArray>> types {
        {"/", "text/html; charset=utf-8"},
        {"/style.css", "text/css; charset=utf-8"},
        {"/data.json", "application/json"},
        {"/logo.svg", "image/svg+xml"},
        {"/font.woff2", "font/woff2"},
        {"/module.wasm", "application/wasm"},
        {"/digits.txt", "text/plain; charset=utf-8"}};
    for (const auto &[path, type] : types)
        QCOMPARE(get(path).header("content-type"), type);
}

void tst_UiBundleServer::headHasNoBody()
{
    server();
    const Reply get1 = get("/app.js");
    const Reply head = get("/app.js", {}, "HEAD");
    QCOMPARE(head.status, 200);
    QVERIFY(head.complete);
    QVERIFY(head.body.isEmpty());
    QCOMPARE(head.header("content-length"), QByteArray::number(m_appJs.size()));
    QCOMPARE(head.header("etag"), get1.header("etag"));
}

void tst_UiBundleServer::conditional_data()
{
    QTest::addColumn<QByteArray>("header"); // @ETAG@ and @DATE@ stand for the file's own
    QTest::addColumn<int>("status");
    QTest::newRow("If-None-Match: same") << QByteArray("If-None-Match: @ETAG@") << 304;
    QTest::newRow("If-None-Match: weak") << QByteArray("If-None-Match: W/@ETAG@") << 304;
    QTest::newRow("If-None-Match: in a list")
        << QByteArray("If-None-Match: \"other\", @ETAG@") << 304;
    QTest::newRow("If-None-Match: *") << QByteArray("If-None-Match: *") << 304;
    QTest::newRow("If-None-Match: other") << QByteArray("If-None-Match: \"other\"") << 200;
    QTest::newRow("If-Modified-Since: same") << QByteArray("If-Modified-Since: @DATE@") << 304;
    QTest::newRow("If-Modified-Since: later")
        << QByteArray("If-Modified-Since: Fri, 01 Jan 2100 00:00:00 GMT") << 304;
    QTest::newRow("If-Modified-Since: earlier")
        << QByteArray("If-Modified-Since: Thu, 01 Jan 1998 00:00:00 GMT") << 200;
    QTest::newRow("If-Modified-Since: RFC 850")
        << QByteArray("If-Modified-Since: Friday, 01-Jan-99 00:00:00 GMT") << 200;
    QTest::newRow("If-Modified-Since: garbage") << QByteArray("If-Modified-Since: soon") << 200;
    QTest::newRow("If-None-Match wins over If-Modified-Since")
        << QByteArray("If-None-Match: \"other\"\r\nIf-Modified-Since: @DATE@") << 200;
}

void tst_UiBundleServer::conditional()
{
    QFETCH(QByteArray, header);
    QFETCH(int, status);
    server();
    const Reply first = get("/app.js");
    header.replace("@ETAG@", first.header("etag"));
    header.replace("@DATE@", first.header("last-modified"));
    const Reply r = get("/app.js", {header});
    QCOMPARE(r.status, status);
    QVERIFY(r.complete);
    if (status == 304) {
        QVERIFY(r.body.isEmpty());
        QCOMPARE(r.header("etag"), first.header("etag"));
        QVERIFY(!r.has("content-length"));
    } else {
        QCOMPARE(r.body, m_appJs);
    }
}

void tst_UiBundleServer::range_data()
{
    QTest::addColumn<QByteArray>("header"); // @ETAG@: the file's own
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentRange");
    const QByteArray all = "0123456789abcdefghij";
    QTest::newRow("first bytes") << QByteArray("Range: bytes=0-3") << 206 << QByteArray("0123")
                                 << QByteArray("bytes 0-3/20");
    QTest::newRow("middle") << QByteArray("Range: bytes=10-12") << 206 << QByteArray("abc")
                            << QByteArray("bytes 10-12/20");
    QTest::newRow("open end") << QByteArray("Range: bytes=15-") << 206 << QByteArray("fghij")
                              << QByteArray("bytes 15-19/20");
    QTest::newRow("suffix") << QByteArray("Range: bytes=-4") << 206 << QByteArray("ghij")
                            << QByteArray("bytes 16-19/20");
    QTest::newRow("past the end, clamped") << QByteArray("Range: bytes=18-99") << 206
                                           << QByteArray("ij") << QByteArray("bytes 18-19/20");
    QTest::newRow("suffix longer than the file")
        << QByteArray("Range: bytes=-99") << 206 << all << QByteArray("bytes 0-19/20");
    QTest::newRow("beyond the end")
        << QByteArray("Range: bytes=20-") << 416 << QByteArray() << QByteArray("bytes */20");
    QTest::newRow("empty suffix") << QByteArray("Range: bytes=-0") << 416 << QByteArray()
                                  << QByteArray("bytes */20");
    QTest::newRow("reversed: ignored")
        << QByteArray("Range: bytes=5-2") << 200 << all << QByteArray();
    QTest::newRow("several: served whole")
        << QByteArray("Range: bytes=0-1,4-5") << 200 << all << QByteArray();
    QTest::newRow("other unit: ignored")
        << QByteArray("Range: items=0-1") << 200 << all << QByteArray();
    QTest::newRow("garbage: ignored")
        << QByteArray("Range: bytes=a-b") << 200 << all << QByteArray();
    QTest::newRow("If-Range: current") << QByteArray("Range: bytes=0-1\r\nIf-Range: @ETAG@") << 206
                                       << QByteArray("01") << QByteArray("bytes 0-1/20");
    QTest::newRow("If-Range: old version")
        << QByteArray("Range: bytes=0-1\r\nIf-Range: \"old\"") << 200 << all << QByteArray();
}

void tst_UiBundleServer::range()
{
    QFETCH(QByteArray, header);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentRange);
    server();
    header.replace("@ETAG@", get("/digits.txt").header("etag"));
    const Reply r = get("/digits.txt", {header});
    QCOMPARE(r.status, status);
    QVERIFY(r.complete);
    QCOMPARE(r.body, body);
    QCOMPARE(r.header("content-range"), contentRange);
    if (status != 416)
        QCOMPARE(r.header("content-length"), QByteArray::number(body.size()));
}

void tst_UiBundleServer::precompressed_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QByteArray>("acceptEncoding");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("contentEncoding");
    QTest::newRow("none") << QByteArray("/bundle.js") << QByteArray() << QByteArray("identity")
                          << QByteArray();
    QTest::newRow("gzip") << QByteArray("/bundle.js") << QByteArray("gzip") << QByteArray("gzipped")
                          << QByteArray("gzip");
    QTest::newRow("br first") << QByteArray("/bundle.js") << QByteArray("gzip, deflate, br")
                              << QByteArray("brotli") << QByteArray("br");
    QTest::newRow("br refused with q=0")
        << QByteArray("/bundle.js") << QByteArray("br;q=0, gzip;q=0.5") << QByteArray("gzipped")
        << QByteArray("gzip");
    QTest::newRow("all refused") << QByteArray("/bundle.js") << QByteArray("br;q=0, gzip;q=0")
                                 << QByteArray("identity") << QByteArray();
    QTest::newRow("star") << QByteArray("/bundle.js") << QByteArray("*") << QByteArray("brotli")
                          << QByteArray("br");
    QTest::newRow("identity only") << QByteArray("/bundle.js") << QByteArray("identity")
                                   << QByteArray("identity") << QByteArray();
    QTest::newRow("only a .gz sibling") << QByteArray("/only-gz.css") << QByteArray("br, gzip")
                                        << QByteArray("gzipped") << QByteArray("gzip");
}

void tst_UiBundleServer::precompressed()
{
    QFETCH(QByteArray, path);
    QFETCH(QByteArray, acceptEncoding);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, contentEncoding);
    server();
    const Reply r
        = get(path,
              acceptEncoding.isEmpty() ? QList<QByteArray>()
                                       : QList<QByteArray> {"Accept-Encoding: " + acceptEncoding});
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, body);
    QCOMPARE(r.header("content-encoding"), contentEncoding);
    QCOMPARE(r.header("vary"), QByteArray("Accept-Encoding"));
    // The type is the original file's, and each encoding is its own version.
    QCOMPARE(r.header("content-type"), StaticFileResponder::contentType(QString::fromLatin1(path)));
    const Reply identity = get(path);
    QCOMPARE(r.header("etag") == identity.header("etag"), contentEncoding.isEmpty());
}

void tst_UiBundleServer::fallbackAndRefusals_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("app route") << QByteArray("/settings/profile?tab=2") << 200;
    QTest::newRow("missing asset") << QByteArray("/missing.js") << 200;
    QTest::newRow("control API route") << QByteArray("/secrets") << 200;
    QTest::newRow("control API shutdown") << QByteArray("/shutdown") << 200;
    QTest::newRow("dot-dot") << QByteArray("/../secret.txt") << 404;
    QTest::newRow("encoded dot-dot") << QByteArray("/%2e%2e/secret.txt") << 404;
    QTest::newRow("encoded slash") << QByteArray("/..%2fsecret.txt") << 404;
    QTest::newRow("backslash") << QByteArray("/..\\secret.txt") << 404;
    QTest::newRow("absolute") << QByteArray("//etc/passwd") << 404;
    QTest::newRow("NUL") << QByteArray("/index.html%00") << 404;
    QTest::newRow("absolute-form URL") << QByteArray("http://127.0.0.1/../secret.txt") << 404;
}

void tst_UiBundleServer::fallbackAndRefusals()
{
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    server();
    const Reply r = get(target);
    QCOMPARE(r.status, status);
    QVERIFY(!r.body.contains("the secret"));
    if (status == 200) {
        QCOMPARE(r.body, QByteArray("<!doctype html><title>app</title>"));
        QCOMPARE(r.header("content-type"), QByteArray("text/html; charset=utf-8"));
    } else {
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QVERIFY(r.body.contains("\"not_found\""));
    }
}

void tst_UiBundleServer::onlyGetAndHead()
{
    server();
    for (const QByteArray method : {"POST", "PUT", "DELETE", "OPTIONS"}) {
        const Reply r = get("/index.html", {}, method);
        QCOMPARE(r.status, 405);
        QCOMPARE(r.header("allow"), QByteArray("GET, HEAD"));
    }
}

void tst_UiBundleServer::guard_data()
{
    QTest::addColumn<QByteArray>("host"); // @PORT@: the server's
    QTest::addColumn<QByteArray>("origin");
    QTest::addColumn<int>("status");
    QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1:@PORT@") << QByteArray() << 200;
    QTest::newRow("localhost") << QByteArray("localhost:@PORT@") << QByteArray() << 200;
    QTest::newRow("[::1]") << QByteArray("[::1]:@PORT@") << QByteArray() << 200;
    QTest::newRow("rebinding name") << QByteArray("evil.example:@PORT@") << QByteArray() << 421;
    QTest::newRow("other port") << QByteArray("127.0.0.1:1") << QByteArray() << 421;
    QTest::newRow("no port") << QByteArray("127.0.0.1") << QByteArray() << 421;
    QTest::newRow("same origin") << QByteArray("127.0.0.1:@PORT@")
                                 << QByteArray("http://127.0.0.1:@PORT@") << 200;
    QTest::newRow("other site") << QByteArray("127.0.0.1:@PORT@")
                                << QByteArray("https://evil.example") << 403;
    QTest::newRow("null origin") << QByteArray("127.0.0.1:@PORT@") << QByteArray("null") << 403;
}

void tst_UiBundleServer::guard()
{
    QFETCH(QByteArray, host);
    QFETCH(QByteArray, origin);
    QFETCH(int, status);
    FakeBackend backend;
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &) {
        s->write(ok("api"));
    };
    server(backend.port());
    const QByteArray port = QByteArray::number(m_server->port());
    host.replace("@PORT@", port);
    origin.replace("@PORT@", port);
    // The guard stands before the files and the API alike.
    for (const QByteArray path : {"/index.html", "/api/x"}) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n"
                     + (origin.isEmpty() ? QByteArray() : "Origin: " + origin + "\r\n") + "\r\n");
        QCOMPARE(readReply(socket).status, status);
    }
    QCOMPARE(backend.requests.size(), status == 200 ? 1 : 0);
}

void tst_UiBundleServer::keepAliveAndPipelining()
{
    server();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    // Three requests in one write; the answers come in order on the same connection.
    socket.write(request("GET", "/digits.txt") + request("HEAD", "/app.js")
                 + request("GET", "/style.css"));
    QByteArray leftover;
    const Reply a = readReply(socket, false, 20000, &leftover);
    const Reply b = readReply(socket, true, 20000, &leftover);
    const Reply c = readReply(socket, false, 20000, &leftover);
    QCOMPARE(a.body, QByteArray("0123456789abcdefghij"));
    QCOMPARE(b.status, 200);
    QVERIFY(b.body.isEmpty());
    QCOMPARE(c.body, QByteArray("body{}"));
    QCOMPARE(c.header("connection"), QByteArray("keep-alive"));
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    // HTTP/1.0 without keep-alive: closed after the answer.
    socket.write("GET /style.css HTTP/1.0\r\nHost: 127.0.0.1:"
                 + QByteArray::number(m_server->port()) + "\r\n\r\n");
    QCOMPARE(readReply(socket, false, 20000, &leftover).body, QByteArray("body{}"));
    QVERIFY(closedByPeer(socket));
}

void tst_UiBundleServer::limitsOfTheControlApi()
{
    server();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write(request("GET", "/", {"X-Big: " + QByteArray(20 * 1024, 'a')}));
    QCOMPARE(readReply(socket).status, 431);

    QTcpSocket post;
    post.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(post.waitForConnected(5000));
    post.write("GET / HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(m_server->port())
               + "\r\nContent-Length: 1000000\r\n\r\n");
    QCOMPARE(readReply(post).status, 413);
}

void tst_UiBundleServer::slowHeadTimesOut()
{
    server();
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write("GET / HTTP/1.1\r\nHost: 127.0.0.1");
    const Reply r = readReply(socket, false, 10000);
    QCOMPARE(r.status, 408);
    QVERIFY(closedByPeer(socket));
}

void tst_UiBundleServer::largeFileIsStreamedNotRead()
{
    // 256 MiB, sparse: reading it whole would show in RSS; streaming it does not.
    const qint64 size = 256LL * 1024 * 1024;
    {
        QFile big(m_root + QStringLiteral("/big.bin"));
        QVERIFY(big.open(QIODevice::WriteOnly));
        QVERIFY(big.resize(size));
    }
    server();
    const qint64 before = rssKiB();
    qint64 peak = before;
    QTcpSocket socket;
    socket.setReadBufferSize(256 * 1024);
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write(request("GET", "/big.bin"));
    qint64 received = 0;
    QByteArray head;
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 120000) {
        (void)QTest::qWaitFor([&] { return socket.bytesAvailable() > 0; }, 100);
        const QByteArray data = socket.readAll();
        if (head.isEmpty() || !head.contains("\r\n\r\n")) {
            head += data;
            if (const qsizetype end = head.indexOf("\r\n\r\n"); end >= 0)
                received += head.size() - end - 4;
        } else {
            received += data.size();
        }
        peak = std::max(peak, rssKiB());
        if (received >= size)
            break;
    }
    QFile::remove(m_root + QStringLiteral("/big.bin"));
    QVERIFY2(head.startsWith("HTTP/1.1 200"), head.left(80).constData());
    QCOMPARE(received, size);
    if (RssIsMeaningful)
        QVERIFY2(peak - before < 32 * 1024,
                 qPrintable(QStringLiteral("RSS grew by %1 KiB").arg(peak - before)));
}

void tst_UiBundleServer::clientLeavingMidFileIsHarmless()
{
    // Clients that reset the connection while a file is on its way, at every moment they can.
    write(QStringLiteral("four-mib.bin"), QByteArray(4 * 1024 * 1024, 'f'));
    server();
    for (int i = 0; i < 30; ++i) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write(i % 2 ? request("GET", "/four-mib.bin")
                           : "GET /four-mib.bin HTTP/1.0\r\nHost: 127.0.0.1:"
                             + QByteArray::number(m_server->port()) + "\r\n\r\n");
        socket.flush();
        if (i % 3)
            QVERIFY(QTest::qWaitFor([&] { return socket.bytesAvailable() > 0; }, 5000));
        socket.abort(); // unread data: a reset
    }
    QCOMPARE(get("/app.js").body, m_appJs);
    QVERIFY(m_server->isListening());
}

void tst_UiBundleServer::requestLogHasNoQueryString()
{
    FakeBackend backend;
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &) {
        s->write(ok("api"));
    };
    server(backend.port());
    QSignalSpy logged(m_server.get(), &UiBundleServer::requestsLogged);
    QCOMPARE(get("/app.js?token=s3cr3t-value").status, 200);
    QCOMPARE(get("/api/items?token=s3cr3t-value&x=1").status, 200);
    QCOMPARE(get("/../x?token=s3cr3t-value").status, 404);
    QByteArray lines;
    QTRY_VERIFY((lines += logged.isEmpty() ? QByteArray() : logged.takeFirst().at(0).toByteArray())
                    .count('\n')
                >= 3);
    QVERIFY2(!lines.contains("s3cr3t") && !lines.contains("token"), lines.constData());
    const QList<QByteArray> each = lines.trimmed().split('\n');
    QVERIFY2(each.at(0).startsWith("GET /app.js 200 ") && each.at(0).endsWith(" ms"),
             lines.constData());
    QVERIFY2(each.at(1).startsWith("GET /api/items 200 "), lines.constData());
    QVERIFY2(each.at(2).startsWith("GET /../x 404 "), lines.constData());
}

void tst_UiBundleServer::proxyForwardsHeadersBothWays()
{
    FakeBackend backend;
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &) {
        // Hop-by-hop headers of the answer, and a chunked body: the client gets neither as is.
        s->write("HTTP/1.1 201 Made\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\n"
                 "Set-Cookie: b=2\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
                 "Keep-Alive: timeout=5\r\nTransfer-Encoding: chunked\r\n\r\n"
                 "5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n");
    };
    server(backend.port());
    const QByteArray host = "127.0.0.1:" + QByteArray::number(m_server->port());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write("POST /api/items/%7e1?sort=asc&q=a%20b HTTP/1.1\r\nHost: " + host
                 + "\r\nConnection: keep-alive, X-Private\r\nX-Private: hop\r\n"
                   "Keep-Alive: timeout=5\r\nTE: trailers\r\nProxy-Authorization: Basic eA==\r\n"
                   "Authorization: Bearer app-token\r\nCookie: s=1\r\nAccept: text/html\r\n"
                   "Accept: application/json\r\nX-Forwarded-For: 10.0.0.1\r\n"
                   "X-Forwarded-Host: evil\r\nContent-Type: application/json\r\n"
                   "Content-Length: 7\r\n\r\n{\"x\":1}");
    const Reply r = readReply(socket);
    QCOMPARE(r.status, 201);
    QCOMPARE(r.body, QByteArray("{\"a\": 1}"));
    QVERIFY(!r.has("x-hop") && !r.has("keep-alive"));
    QCOMPARE(r.header("connection"), QByteArray("keep-alive"));
    QVERIFY(r.chunked); // length unknown: chunked again, by us
    int cookies = 0;
    for (const auto &h : r.headers)
        cookies += h.first == "set-cookie" ? 1 : 0;
    QCOMPARE(cookies, 2);

    QCOMPARE(backend.requests.size(), 1);
    const QByteArray head = backend.requests.first().head;
    QVERIFY2(head.startsWith("POST /api/items/%7e1?sort=asc&q=a%20b HTTP/1.1\r\n"),
             head.constData());
    const QList<QByteArray> kept {"Host: " + host,
                                  "Authorization: Bearer app-token",
                                  "Cookie: s=1",
                                  "Accept: text/html",
                                  "Accept: application/json",
                                  "X-Forwarded-For: 10.0.0.1, 127.0.0.1",
                                  "X-Forwarded-Host: " + host,
                                  "X-Forwarded-Proto: http",
                                  "Content-Length: 7"};
    for (const QByteArray &header : kept) {
        const QByteArray line = header + "\r\n";
        QVERIFY2(head.contains(line), QByteArray(header + " missing in:\n" + head).constData());
    }
    for (const QByteArray dropped :
         {"X-Private", "Keep-Alive", "TE:", "Proxy-Authorization", "Connection", "evil"})
        QVERIFY2(!head.contains(dropped), QByteArray(dropped + " in:\n" + head).constData());
    QCOMPARE(backend.requests.first().body, QByteArray("{\"x\":1}"));
}

void tst_UiBundleServer::proxyStreamsLargeBodiesBothWays()
{
    const qint64 answerSize = 8 * 1024 * 1024;
    FakeBackend backend;
    backend.answer = [answerSize](QTcpSocket *s, const FakeBackend::Request &) {
        s->write("HTTP/1.1 200 OK\r\nContent-Length: " + QByteArray::number(answerSize)
                 + "\r\n\r\n");
        s->write(QByteArray(answerSize, 'z'));
    };
    server(backend.port());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    // 4 MiB up, chunked: far above the 64 KiB a file request may carry, so it must stream.
    const qint64 upSize = 4 * 1024 * 1024;
    socket.write("PUT /api/upload HTTP/1.1\r\nHost: 127.0.0.1:"
                 + QByteArray::number(m_server->port()) + "\r\nTransfer-Encoding: chunked\r\n\r\n");
    const QByteArray chunk(64 * 1024, 'u');
    for (qint64 sent = 0; sent < upSize; sent += chunk.size()) {
        socket.write(QByteArray::number(chunk.size(), 16) + "\r\n" + chunk + "\r\n");
        (void)QTest::qWaitFor([&] { return socket.bytesToWrite() < 1024 * 1024; }, 1000);
    }
    socket.write("0\r\n\r\n");
    const Reply r = readReply(socket, false, 60000);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body.size(), answerSize);
    QCOMPARE(backend.bodyBytes, upSize);
    QVERIFY(backend.requests.first().head.contains("Transfer-Encoding: chunked\r\n"));
}

void tst_UiBundleServer::proxyKeepsBackendConnections()
{
    FakeBackend backend;
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &) {
        s->write(ok("ok"));
    };
    server(backend.port());
    for (int i = 0; i < 5; ++i)
        QCOMPARE(get("/api/n").body, QByteArray("ok"));
    QCOMPARE(backend.requests.size(), 5);
    QCOMPARE(backend.connections, 1);
}

void tst_UiBundleServer::proxyRetriesAConnectionTheBackendClosed()
{
    FakeBackend backend;
    // Answers as if it kept the connection, then closes it while it waits in the pool.
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &) {
        s->write(ok("ok"));
        s->disconnectFromHost();
    };
    server(backend.port());
    for (int i = 0; i < 3; ++i)
        QCOMPARE(get("/api/n").status, 200);
    QCOMPARE(backend.requests.size(), 3);
}

void tst_UiBundleServer::proxyBackendDownIs502()
{
    // A port nobody listens on.
    QTcpServer probe;
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    const int port = probe.serverPort();
    probe.close();
    server(port);
    for (const QByteArray path : {"/api/x", "/ws"}) {
        const Reply r = get(path);
        QCOMPARE(r.status, 502);
        QCOMPARE(r.header("content-type"), QByteArray("application/json"));
        QVERIFY2(r.body.contains("\"bad_gateway\"") && r.body.contains("cannot be reached"),
                 r.body.constData());
    }
}

void tst_UiBundleServer::proxyNoApiServiceIs502()
{
    server(0);
    const Reply r = get("/api/x");
    QCOMPARE(r.status, 502);
    QVERIFY(r.body.contains("no API service"));
    QCOMPARE(get("/app.js").status, 200);
}

void tst_UiBundleServer::proxySlowBackendIs504()
{
    FakeBackend backend; // takes the request and never answers
    server(backend.port(), 300);
    QElapsedTimer t;
    t.start();
    const Reply r = get("/api/slow");
    QCOMPARE(r.status, 504);
    QVERIFY(t.elapsed() >= 250);
    QCOMPARE(r.header("content-type"), QByteArray("application/json"));
    QVERIFY2(r.body.contains("\"gateway_timeout\"") && r.body.contains("300 ms"),
             r.body.constData());
    QCOMPARE(backend.requests.size(), 1);
}

void tst_UiBundleServer::proxyBackendBreakingOffCutsTheAnswer()
{
    FakeBackend backend;
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &r) {
        if (r.head.contains("/api/length"))
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly part");
        else
            s->write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\npart\r\n");
        s->disconnectFromHost();
    };
    server(backend.port());
    for (const QByteArray path : {"/api/length", "/api/chunked"}) {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
        QVERIFY(socket.waitForConnected(5000));
        socket.write(request("GET", path));
        const Reply r = readReply(socket);
        QCOMPARE(r.status, 200);
        // Never taken for a complete answer: the connection ends before the body does.
        QVERIFY2(!r.complete, path.constData());
        QVERIFY(closedByPeer(socket));
    }
}

void tst_UiBundleServer::proxyHeadAndNoContent()
{
    FakeBackend backend;
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &r) {
        if (r.head.startsWith("HEAD"))
            s->write("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n");
        else
            s->write("HTTP/1.1 204 No Content\r\n\r\n");
    };
    server(backend.port());
    const Reply head = get("/api/x", {}, "HEAD");
    QCOMPARE(head.status, 200);
    QCOMPARE(head.header("content-length"), QByteArray("1234"));
    QVERIFY(head.body.isEmpty());
    const Reply empty = get("/api/x", {}, "DELETE");
    QCOMPARE(empty.status, 204);
    QVERIFY(empty.complete);
    // Both answers came back on one kept backend connection.
    QCOMPARE(backend.connections, 1);
}

void tst_UiBundleServer::webSocketUpgradeRoundTrips()
{
    QWebSocketServer echo(QStringLiteral("echo"), QWebSocketServer::NonSecureMode);
    QVERIFY(echo.listen(QHostAddress::LocalHost, 0));
    QString path;
    QByteArray origin;
    connect(&echo, &QWebSocketServer::newConnection, this, [&] {
        QWebSocket *ws = echo.nextPendingConnection();
        path = ws->requestUrl().path();
        origin = ws->request().rawHeader("Origin");
        connect(ws, &QWebSocket::textMessageReceived, ws,
                [ws](const QString &m) { ws->sendTextMessage(QStringLiteral("echo: ") + m); });
        connect(ws, &QWebSocket::binaryMessageReceived, ws,
                [ws](const QByteArray &m) { ws->sendBinaryMessage(m); });
        connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
    });
    server(echo.serverPort());
    QSignalSpy logged(m_server.get(), &UiBundleServer::requestsLogged);

    const QString url = QStringLiteral("ws://127.0.0.1:%1/ws/chat?room=1").arg(m_server->port());
    QNetworkRequest request {QUrl(url)};
    request.setRawHeader("Origin", "http://127.0.0.1:" + QByteArray::number(m_server->port()));
    QWebSocket client;
    QSignalSpy text(&client, &QWebSocket::textMessageReceived);
    QSignalSpy binary(&client, &QWebSocket::binaryMessageReceived);
    client.open(request);
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 10000);
    QCOMPARE(path, QStringLiteral("/ws/chat"));
    QCOMPARE(origin, "http://127.0.0.1:" + QByteArray::number(m_server->port()));
    client.sendTextMessage(QStringLiteral("hello"));
    QVERIFY(text.wait(10000));
    QCOMPARE(text.takeFirst().at(0).toString(), QStringLiteral("echo: hello"));
    // Larger than any buffer on the way, both ways.
    const QByteArray big(3 * 1024 * 1024, 'w');
    client.sendBinaryMessage(big);
    QTRY_VERIFY_WITH_TIMEOUT(!binary.isEmpty(), 20000);
    QCOMPARE(binary.takeFirst().at(0).toByteArray(), big);
    QCOMPARE(m_server->isListening(), true);
    client.close();
    QTRY_COMPARE(client.state(), QAbstractSocket::UnconnectedState);
    QByteArray lines;
    QTRY_VERIFY((lines += logged.isEmpty() ? QByteArray() : logged.takeFirst().at(0).toByteArray())
                    .contains("GET /ws/chat 101 "));
    QVERIFY(!lines.contains("room"));
}

void tst_UiBundleServer::refusedUpgradeIsAnsweredAndClosed()
{
    FakeBackend backend;
    backend.answer = [](QTcpSocket *s, const FakeBackend::Request &) {
        s->write("HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\n\r\nno");
    };
    server(backend.port());
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(m_server->port()));
    QVERIFY(socket.waitForConnected(5000));
    socket.write(request("GET", "/ws",
                         {"Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Version: 13",
                          "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="}));
    const Reply r = readReply(socket);
    QCOMPARE(r.status, 403);
    QCOMPARE(r.body, QByteArray("no"));
    QVERIFY(closedByPeer(socket));
    const QByteArray head = backend.requests.first().head;
    QVERIFY(head.contains("Connection: Upgrade\r\n") && head.contains("Upgrade: websocket\r\n"));
}

void tst_UiBundleServer::stopClosesEverything()
{
    QWebSocketServer echo(QStringLiteral("echo"), QWebSocketServer::NonSecureMode);
    QVERIFY(echo.listen(QHostAddress::LocalHost, 0));
    server(echo.serverPort());
    const int port = m_server->port();
    QWebSocket client;
    client.open(QUrl(QStringLiteral("ws://127.0.0.1:%1/ws").arg(port)));
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::ConnectedState, 10000);
    QTcpSocket idle;
    idle.connectToHost(QHostAddress::LocalHost, quint16(port));
    QVERIFY(idle.waitForConnected(5000));

    m_server->stop();
    QVERIFY(!m_server->isListening());
    QTRY_COMPARE_WITH_TIMEOUT(client.state(), QAbstractSocket::UnconnectedState, 10000);
    QVERIFY(closedByPeer(idle));
    QTcpSocket again;
    again.connectToHost(QHostAddress::LocalHost, quint16(port));
    QVERIFY(!again.waitForConnected(2000));
}

QTEST_GUILESS_MAIN(tst_UiBundleServer)
#include "tst_uibundleserver.moc"
