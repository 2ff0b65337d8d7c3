#include "ProxiedRequest.h"

#include "SocketTunnel.h"
#include "UiReverseProxy.h"
#include "api/HttpExchange.h"

#include <QHostAddress>
#include <QTcpSocket>
#include <QTimer>

namespace steward {

namespace {

constexpr qint64 HighWater = 256 * 1024;
constexpr qint64 Chunk = 64 * 1024;
// The backend's answer head may be as large as a request head we accept, and a little more.
constexpr qsizetype MaxAnswerHeadBytes = 64 * 1024;

using Headers = QList<std::pair<QByteArray, QByteArray>>;

// Hop-by-hop headers (RFC 9110 7.6.1) stop at a proxy, with any header the Connection header
// names; the framing is redone by each side. Checked for every header of every request and
// answer, so without building a set each time.
bool isHopByHop(QByteArrayView name, const QList<QByteArray> &namedByConnection)
{
    static const char *const fixed[] = {"connection",
                                        "keep-alive",
                                        "proxy-connection",
                                        "proxy-authenticate",
                                        "proxy-authorization",
                                        "te",
                                        "trailer",
                                        "transfer-encoding",
                                        "upgrade",
                                        "content-length"};
    for (const char *f : fixed) {
        if (name.compare(f, Qt::CaseInsensitive) == 0)
            return true;
    }
    for (const QByteArray &n : namedByConnection) {
        if (name.compare(n, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

// The headers a Connection header names (never Host, which a proxy must pass on).
QList<QByteArray> namedByConnection(const Headers &headers)
{
    QList<QByteArray> out;
    for (const auto &[name, value] : headers) {
        if (name.compare("connection", Qt::CaseInsensitive) != 0)
            continue;
        for (const QByteArray &token : value.split(',')) {
            const QByteArray t = token.trimmed();
            if (!t.isEmpty() && t.compare("host", Qt::CaseInsensitive) != 0)
                out.append(t);
        }
    }
    return out;
}

Headers endToEnd(const Headers &headers)
{
    const QList<QByteArray> named = namedByConnection(headers);
    Headers out;
    for (const auto &header : headers) {
        if (!isHopByHop(header.first, named))
            out.append(header);
    }
    return out;
}

QByteArray headerValue(const Headers &headers, const char *name)
{
    for (const auto &[n, v] : headers) {
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

} // namespace

ProxiedRequest::ProxiedRequest(HttpExchange *exchange, UiReverseProxy *proxy)
    : QObject(proxy)
    , m_exchange(exchange)
    , m_proxy(proxy)
    , m_timeout(new QTimer(this))
{
    http_parser_init(&m_parser, HTTP_RESPONSE);
    m_parser.data = this;
    http_parser_settings_init(&m_settings);
    m_settings.on_message_begin = &ProxiedRequest::onMessageBegin;
    m_settings.on_status = &ProxiedRequest::onStatus;
    m_settings.on_header_field = &ProxiedRequest::onHeaderField;
    m_settings.on_header_value = &ProxiedRequest::onHeaderValue;
    m_settings.on_headers_complete = &ProxiedRequest::onHeadersComplete;
    m_settings.on_body = &ProxiedRequest::onBody;
    m_settings.on_message_complete = &ProxiedRequest::onMessageComplete;

    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this, [this] {
        fail(504, "gateway_timeout",
             QStringLiteral("the API service (%1) did not answer within %2 ms")
                 .arg(m_proxy->settings().service)
                 .arg(m_proxy->settings().responseTimeoutMs));
    });
    connect(exchange, &HttpExchange::bodyReadable, this, &ProxiedRequest::pumpBody);
    connect(exchange, &HttpExchange::outputDrained, this, &ProxiedRequest::readBackend);
    connect(exchange, &HttpExchange::clientGone, this,
            [this] { finish(m_headReceived ? m_status : 0); });
    m_head = backendHead();
}

ProxiedRequest::~ProxiedRequest()
{
    dropBackend();
}

QByteArray ProxiedRequest::backendHead() const
{
    const HttpRequest &r = m_exchange->request();
    // Besides the hop-by-hop headers: Expect (the client had its 100 Continue from us) and the
    // X-Forwarded-* headers, which are set below.
    const QList<QByteArray> named = namedByConnection(r.headerList)
        + QList<QByteArray> {"expect", "x-forwarded-host", "x-forwarded-proto"};
    QByteArray out = r.method + ' ' + r.target + " HTTP/1.1\r\n";
    QByteArray forwardedFor;
    for (const auto &[name, value] : r.headerList) {
        if (name.compare("x-forwarded-for", Qt::CaseInsensitive) == 0)
            forwardedFor += (forwardedFor.isEmpty() ? "" : ", ") + value;
        else if (!isHopByHop(name, named))
            out += name + ": " + value + "\r\n";
    }
    // Host stays as the browser sent it (as Go's reverse proxy does), so a backend that compares
    // a WebSocket's Origin with its Host sees the page's own origin.
    const QByteArray host = r.header("host");
    if (host.isEmpty())
        out += "Host: 127.0.0.1:" + QByteArray::number(m_proxy->settings().port) + "\r\n";
    bool v4 = false;
    const quint32 ip4 = r.peer.toIPv4Address(&v4);
    const QByteArray peer = (v4 ? QHostAddress(ip4) : r.peer).toString().toLatin1();
    out += "X-Forwarded-For: " + forwardedFor + (forwardedFor.isEmpty() ? "" : ", ") + peer
        + "\r\n";
    if (!host.isEmpty())
        out += "X-Forwarded-Host: " + host + "\r\n";
    out += "X-Forwarded-Proto: http\r\n";
    if (r.upgrade)
        out += "Connection: Upgrade\r\nUpgrade: " + r.header("upgrade") + "\r\n";
    if (r.headers.contains("transfer-encoding"))
        out += "Transfer-Encoding: chunked\r\n";
    else if (r.headers.contains("content-length"))
        out += "Content-Length: " + r.header("content-length") + "\r\n";
    return out + "\r\n";
}

void ProxiedRequest::start()
{
    if (!m_exchange)
        return finish(0);
    m_chunked = m_exchange->request().headers.contains("transfer-encoding");
    if (m_proxy->settings().port <= 0)
        return fail(502, "bad_gateway", QStringLiteral("this app has no API service to answer"));
    m_timeout->start(m_proxy->settings().responseTimeoutMs);
    connectBackend(false);
}

void ProxiedRequest::connectBackend(bool fresh)
{
    m_backend = fresh ? nullptr : m_proxy->takeIdle();
    m_reused = m_backend != nullptr;
    if (!m_backend)
        m_backend = new QTcpSocket();
    m_backend->setParent(this);
    // What the client has not taken yet waits in the kernel, and TCP slows the backend down.
    m_backend->setReadBufferSize(HighWater);
    connect(m_backend, &QTcpSocket::connected, this, &ProxiedRequest::sendHead);
    connect(m_backend, &QTcpSocket::readyRead, this, &ProxiedRequest::readBackend);
    connect(m_backend, &QTcpSocket::bytesWritten, this, &ProxiedRequest::pumpBody);
    connect(m_backend, &QTcpSocket::disconnected, this, [this] {
        m_backendEof = true;
        readBackend();
    });
    connect(m_backend, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError e) {
        if (e != QAbstractSocket::RemoteHostClosedError) // disconnected() follows that one
            backendFailed(m_backend->errorString());
    });
    if (m_reused)
        sendHead();
    else
        m_backend->connectToHost(QHostAddress::LocalHost, quint16(m_proxy->settings().port));
}

void ProxiedRequest::sendHead()
{
    if (m_finished || m_headSent)
        return;
    m_headSent = true;
    if (!m_reused) // a request's last short piece goes out at once, not after a delayed ACK
        m_backend->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    m_backend->write(m_head);
    pumpBody();
    m_backend->flush(); // now, not at the next turn of the event loop
}

void ProxiedRequest::pumpBody()
{
    if (m_finished || !m_headSent || m_bodyDone || !m_exchange || m_switching)
        return;
    while (m_backend->bytesToWrite() < HighWater) {
        const QByteArray data = m_exchange->readBody();
        if (!data.isEmpty()) {
            m_bodyStarted = true;
            if (m_chunked) {
                m_backend->write(QByteArray::number(data.size(), 16) + "\r\n");
                m_backend->write(data);
                m_backend->write("\r\n", 2);
            } else {
                m_backend->write(data);
            }
        }
        if (m_exchange->bodyFinished()) {
            if (m_chunked)
                m_backend->write("0\r\n\r\n", 5);
            m_bodyDone = true;
            return;
        }
        if (data.isEmpty())
            return;
    }
}

void ProxiedRequest::readBackend()
{
    if (m_finished || m_switching || !m_backend)
        return;
    for (;;) {
        // The client takes the answer only so fast: the rest waits (outputDrained resumes).
        if (m_headReceived && m_exchange && !m_exchange->canWrite())
            return;
        if (m_unparsed.isEmpty())
            m_unparsed = m_backend->read(Chunk);
        if (m_unparsed.isEmpty()) {
            if (m_backendEof)
                backendEnded();
            return;
        }
        m_gotBytes = true;
        const size_t n = http_parser_execute(&m_parser, &m_settings, m_unparsed.constData(),
                                             size_t(m_unparsed.size()));
        const http_errno err = HTTP_PARSER_ERRNO(&m_parser);
        if (m_finished)
            return; // the client left while we wrote to it
        if (err == HPE_PAUSED) {
            http_parser_pause(&m_parser, 0);
        } else if (err != HPE_OK) {
            return backendFailed(QStringLiteral("a malformed answer (%1)")
                                     .arg(QLatin1String(http_errno_description(err))));
        }
        m_unparsed.remove(0, qsizetype(n));
        if (m_switching)
            return switchProtocols();
        if (m_complete)
            return complete(http_should_keep_alive(&m_parser) != 0 && m_unparsed.isEmpty());
    }
}

void ProxiedRequest::backendEnded()
{
    if (m_headReceived) {
        // The end of a body that runs until the connection closes, or an answer cut short.
        http_parser_execute(&m_parser, &m_settings, nullptr, 0);
        if (m_complete)
            return complete(false);
        if (m_exchange)
            m_exchange->abort(); // the client must not take a truncated answer for a whole one
        return finish(m_status);
    }
    backendFailed(QStringLiteral("it closed the connection without answering"));
}

void ProxiedRequest::backendFailed(const QString &why)
{
    if (m_finished)
        return;
    if (m_headReceived) {
        if (m_exchange)
            m_exchange->abort();
        return finish(m_status);
    }
    // A pooled connection the backend had closed meanwhile: once more on a new one, as long as
    // no body went out that could not be sent again.
    if (m_reused && !m_retried && !m_gotBytes && !m_bodyStarted) {
        m_retried = true;
        dropBackend();
        m_headSent = false;
        m_backendEof = false;
        m_unparsed.clear();
        http_parser_init(&m_parser, HTTP_RESPONSE);
        return connectBackend(true);
    }
    fail(502, "bad_gateway",
         QStringLiteral("the API service (%1) cannot be reached: %2")
             .arg(m_proxy->settings().service, why));
}

void ProxiedRequest::switchProtocols()
{
    m_timeout->stop();
    Headers headers = endToEnd(m_headers);
    headers.append({QByteArrayLiteral("Connection"), QByteArrayLiteral("Upgrade")});
    headers.append({QByteArrayLiteral("Upgrade"), headerValue(m_headers, "upgrade")});
    QByteArray fromClient;
    QTcpSocket *client = m_exchange ? m_exchange->switchProtocols(headers, &fromClient) : nullptr;
    if (!client)
        return finish(0);
    QTcpSocket *backend = m_backend;
    backend->disconnect(this);
    m_backend = nullptr;
    m_proxy->adopt(new SocketTunnel(client, fromClient, backend, m_unparsed));
    m_unparsed.clear();
    finish(101);
}

void ProxiedRequest::complete(bool keepAlive)
{
    m_timeout->stop();
    if (keepAlive && m_bodyDone && m_backend && m_backend->bytesAvailable() == 0) {
        m_backend->disconnect(this);
        m_proxy->release(m_backend);
        m_backend = nullptr;
    }
    finish(m_status);
}

void ProxiedRequest::fail(int status, const char *code, const QString &message)
{
    if (m_finished)
        return;
    if (m_exchange && !m_exchange->headWritten()) {
        m_exchange->respond(HttpResponse::error(status, code, message));
        m_status = status;
    } else if (m_exchange) {
        m_exchange->abort();
    }
    finish(m_status);
}

void ProxiedRequest::abort()
{
    if (m_exchange && !m_exchange->headWritten())
        m_exchange->abort();
    finish(m_status);
}

void ProxiedRequest::finish(int status)
{
    if (m_finished)
        return;
    m_finished = true;
    m_timeout->stop();
    dropBackend();
    Q_EMIT finished(status);
    deleteLater();
}

void ProxiedRequest::dropBackend()
{
    if (!m_backend)
        return;
    m_backend->disconnect(this);
    m_backend->abort();
    m_backend->deleteLater();
    m_backend = nullptr;
}

int ProxiedRequest::onMessageBegin(http_parser *p)
{
    auto *self = static_cast<ProxiedRequest *>(p->data);
    self->m_headers.clear();
    self->m_reason.clear();
    self->m_field.clear();
    self->m_value.clear();
    self->m_inValue = false;
    self->m_interim = false;
    return 0;
}

int ProxiedRequest::onStatus(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<ProxiedRequest *>(p->data);
    self->m_reason.append(at, qsizetype(len));
    self->m_headBytes += qsizetype(len);
    return self->m_headBytes > MaxAnswerHeadBytes ? 1 : 0;
}

int ProxiedRequest::onHeaderField(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<ProxiedRequest *>(p->data);
    if (self->m_inValue) {
        self->m_headers.append({self->m_field, self->m_value.trimmed()});
        self->m_field.clear();
        self->m_value.clear();
        self->m_inValue = false;
    }
    self->m_field.append(at, qsizetype(len));
    self->m_headBytes += qsizetype(len);
    return self->m_headBytes > MaxAnswerHeadBytes ? 1 : 0;
}

int ProxiedRequest::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<ProxiedRequest *>(p->data);
    self->m_inValue = true;
    self->m_value.append(at, qsizetype(len));
    self->m_headBytes += qsizetype(len);
    return self->m_headBytes > MaxAnswerHeadBytes ? 1 : 0;
}

int ProxiedRequest::onHeadersComplete(http_parser *p)
{
    auto *self = static_cast<ProxiedRequest *>(p->data);
    if (self->m_inValue)
        self->m_headers.append({self->m_field, self->m_value.trimmed()});
    self->m_inValue = false;
    self->m_headBytes = 0;
    const int status = int(p->status_code);
    HttpExchange *exchange = self->m_exchange;
    if (status == 101 && exchange && exchange->request().upgrade) {
        self->m_switching = true;
        return 2; // no body: what follows is the new protocol
    }
    if (status >= 100 && status < 200) {
        self->m_interim = true; // 100 Continue, 103 Early Hints: the real answer follows
        return 0;
    }
    self->m_headReceived = true;
    self->m_status = status;
    self->m_timeout->stop();
    const bool head = exchange && exchange->request().method == "HEAD";
    if (exchange) {
        const qint64 length = (p->flags & F_CONTENTLENGTH) && !(p->flags & F_CHUNKED)
            ? qint64(p->content_length)
            : -1;
        exchange->writeHead(status, endToEnd(self->m_headers), length, self->m_reason);
    }
    return head ? 1 : 0; // an answer to HEAD has no body, whatever it announces
}

int ProxiedRequest::onBody(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<ProxiedRequest *>(p->data);
    if (HttpExchange *exchange = self->m_exchange) {
        exchange->write(QByteArray::fromRawData(at, qsizetype(len)));
        if (!exchange->canWrite())
            http_parser_pause(p, 1);
    }
    return 0;
}

int ProxiedRequest::onMessageComplete(http_parser *p)
{
    auto *self = static_cast<ProxiedRequest *>(p->data);
    if (self->m_interim)
        return 0;
    if (self->m_switching)
        return 0;
    self->m_complete = true;
    if (HttpExchange *exchange = self->m_exchange)
        exchange->end();
    http_parser_pause(p, 1);
    return 0;
}

} // namespace steward
