#include "HttpConnection.h"

#include <QIODevice>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace steward {

namespace {
constexpr int LingerMs = 2000;
// A streamed request body is handed over in pieces of about this size; parsing waits until the
// exchange took what it has.
constexpr qsizetype StreamedBodyChunk = 64 * 1024;
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, Handler handler, QObject *parent)
    : HttpConnection(socket, parent)
{
    m_handler = std::move(handler);
}

HttpConnection::HttpConnection(QTcpSocket *socket, ExchangeHandler handler,
                               StreamPolicy streamsBody, QObject *parent)
    : HttpConnection(socket, parent)
{
    m_exchangeHandler = std::move(handler);
    m_streamsBody = std::move(streamsBody);
}

HttpConnection::HttpConnection(QTcpSocket *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_headTimer(new QTimer(this))
    , m_idleTimer(new QTimer(this))
    , m_requestTimer(new QTimer(this))
    , m_bodyRateTimer(new QTimer(this))
{
    socket->setParent(this);
    // Bounded read buffer: while a request is being answered, a client that keeps sending is
    // slowed down by TCP instead of growing our memory.
    socket->setReadBufferSize(MaxHeadBytes + MaxBodyBytes + 4096);
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    http_parser_settings_init(&m_settings);
    m_settings.on_message_begin = &HttpConnection::onMessageBegin;
    m_settings.on_url = &HttpConnection::onUrl;
    m_settings.on_header_field = &HttpConnection::onHeaderField;
    m_settings.on_header_value = &HttpConnection::onHeaderValue;
    m_settings.on_headers_complete = &HttpConnection::onHeadersComplete;
    m_settings.on_body = &HttpConnection::onBody;
    m_settings.on_message_complete = &HttpConnection::onMessageComplete;

    m_headTimer->setSingleShot(true);
    m_idleTimer->setSingleShot(true);
    connect(m_headTimer, &QTimer::timeout, this, [this] {
        reject(408, "request_timeout",
               QStringLiteral("the request head did not arrive within %1 ms").arg(HeadTimeoutMs));
    });
    connect(m_idleTimer, &QTimer::timeout, this, [this] { m_socket->abort(); });
    m_requestTimer->setSingleShot(true);
    connect(m_requestTimer, &QTimer::timeout, this, [this] {
        reject(408, "request_timeout",
               QStringLiteral("the request did not arrive within %1 ms").arg(RequestDeadlineMs));
    });
    m_bodyRateTimer->setInterval(1000);
    connect(m_bodyRateTimer, &QTimer::timeout, this, &HttpConnection::checkBodyRate);
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::onReadable);
    connect(socket, &QTcpSocket::bytesWritten, this, &HttpConnection::onBytesWritten);
    connect(socket, &QTcpSocket::disconnected, this, &HttpConnection::finish);
    connect(socket, &QTcpSocket::errorOccurred, this,
            [this](QAbstractSocket::SocketError) { finish(); });
    m_idleTimer->start(IdleTimeoutMs);
}

HttpConnection::~HttpConnection()
{
    *m_alive = false;
}

void HttpConnection::evict()
{
    if (m_socket)
        m_socket->abort();
    finish();
}

void HttpConnection::checkBodyRate()
{
    const qint64 elapsed = m_bodyClock.elapsed();
    if (elapsed >= BodyGraceMs && m_bodyReceived * 1000 < MinBodyBytesPerSecond * elapsed)
        reject(408, "request_timeout",
               QStringLiteral("the request body arrives slower than %1 bytes per second")
                   .arg(MinBodyBytesPerSecond));
}

void HttpConnection::finish()
{
    if (!*m_alive)
        return;
    *m_alive = false;
    m_headTimer->stop();
    m_idleTimer->stop();
    m_requestTimer->stop();
    m_bodyRateTimer->stop();
    m_bodySource.reset();
    if (m_exchange && !m_exchange->m_ended)
        Q_EMIT m_exchange->clientGone();
    Q_EMIT closed();
    deleteLater();
}

void HttpConnection::onReadable()
{
    if (m_closing) {
        // Lingering close: drain and drop what the client still sends, never buffering it.
        char sink[16384];
        while (m_socket->read(sink, sizeof sink) > 0) { }
        return;
    }
    // After an upgrade request, what follows is another protocol: it waits in the socket for
    // whoever takes the connection over.
    if (!m_busy && !m_bodyPaused && !m_upgraded)
        parseBuffered();
}

void HttpConnection::parseBuffered()
{
    // Handlers run from inside this loop; a call they cause comes back here and the loop goes on.
    if (m_parsing)
        return;
    m_parsing = true;
    while (!m_busy && !m_bodyPaused && !m_upgraded && !m_closing && *m_alive) {
        if (m_pending.isEmpty()) {
            m_pending = m_socket->read(16384);
            if (m_pending.isEmpty())
                break;
        }
        bool bodyArrived = false;
        const qsizetype bodyBefore = m_exchange ? m_exchange->m_body.size() : 0;
        const bool finishedBefore = m_exchange && m_exchange->m_bodyFinished;
        const size_t n = http_parser_execute(&m_parser, &m_settings, m_pending.constData(),
                                             size_t(m_pending.size()));
        const http_errno err = HTTP_PARSER_ERRNO(&m_parser);
        if (m_refusal) {
            refuse(*m_refusal);
            break;
        }
        if (m_rejectStatus) {
            reject(m_rejectStatus, m_rejectCode, m_rejectMessage);
            break;
        }
        if (err == HPE_PAUSED) {
            // A request is with the handler, or its body waits to be read: keep the rest.
            http_parser_pause(&m_parser, 0);
            m_pending.remove(0, qsizetype(n));
        } else if (err != HPE_OK) {
            reject(400, "bad_request",
                   QStringLiteral("malformed HTTP request: %1")
                       .arg(QLatin1String(http_errno_description(err))));
            break;
        } else {
            m_pending.remove(0, qsizetype(n));
        }
        if (m_streaming && m_exchange)
            bodyArrived = m_exchange->m_body.size() != bodyBefore
                || m_exchange->m_bodyFinished != finishedBefore;
        if (m_dispatchPending)
            dispatchExchange();
        if (bodyArrived && m_exchange && !m_exchange->m_ended)
            Q_EMIT m_exchange->bodyReadable();
    }
    m_parsing = false;
}

void HttpConnection::reject(int status, const char *code, const QString &message)
{
    if (m_closing)
        return;
    if (m_exchange) {
        // The request in progress cannot be completed: its handler lets go of it, and an answer
        // already started is cut off rather than followed by an error.
        HttpExchange *exchange = m_exchange;
        if (!exchange->m_ended)
            Q_EMIT exchange->clientGone();
        exchange->m_ended = true;
        if (exchange->m_headWritten)
            return exchangeAbort();
    }
    refuse(HttpResponse::error(status, code, message));
}

void HttpConnection::refuse(const HttpResponse &response)
{
    if (m_closing)
        return;
    m_requestTimer->stop();
    m_bodyRateTimer->stop();
    send(response, false, m_request.method == "HEAD");
}

void HttpConnection::send(const HttpResponse &response, bool keepAlive, bool headOnly)
{
    const bool keep = keepAlive && !response.close;
    QByteArray out = response.serialize(keep);
    if (headOnly)
        out.chop(response.body.size()); // the head says what a GET would get, no more
    m_socket->write(out);
    if (keep)
        return;
    closeGracefully();
}

void HttpConnection::closeGracefully()
{
    if (m_closing)
        return;
    m_closing = true;
    m_headTimer->stop();
    m_idleTimer->stop();
    // Finish writing, then half-close and drain for a moment, so a client still sending a body
    // we refused reads our answer instead of a connection reset.
    auto close = [this] {
#ifdef Q_OS_UNIX
        ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
#endif
        QTimer::singleShot(LingerMs, this, [this] { m_socket->abort(); });
        onReadable();
    };
    if (m_socket->bytesToWrite() == 0)
        close();
    else
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this, close] {
            if (m_socket->bytesToWrite() == 0)
                close();
        });
}

void HttpConnection::addHeader()
{
    const QByteArray value = m_value.trimmed();
    m_request.headers.insert(m_field.toLower(), value);
    m_request.headerList.append({m_field, value});
}

int HttpConnection::onMessageBegin(http_parser *p)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    self->m_request = HttpRequest();
    self->m_request.peer = self->m_socket->peerAddress();
    self->m_url.clear();
    self->m_field.clear();
    self->m_value.clear();
    self->m_inValue = false;
    self->m_headBytes = 0;
    self->m_bodyReceived = 0;
    self->m_idleTimer->stop();
    self->m_headTimer->start(HeadTimeoutMs);
    self->m_requestTimer->start(RequestDeadlineMs);
    return 0;
}

int HttpConnection::refuseHead()
{
    m_rejectStatus = 431;
    m_rejectCode = "headers_too_large";
    m_rejectMessage
        = QStringLiteral("the request head is larger than %1 bytes or has more than %2 headers")
              .arg(MaxHeadBytes)
              .arg(MaxHeaders);
    return 1; // stops the parser
}

int HttpConnection::onUrl(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    self->m_url.append(at, qsizetype(len));
    self->m_headBytes += qsizetype(len);
    return self->m_headBytes > MaxHeadBytes ? self->refuseHead() : 0;
}

int HttpConnection::onHeaderField(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    // A chunked body's trailers come through here after the head check: the API checks the
    // whole request again then.
    self->m_request.admitted.reset();
    if (self->m_inValue) {
        self->addHeader();
        self->m_field.clear();
        self->m_value.clear();
        self->m_inValue = false;
    }
    self->m_field.append(at, qsizetype(len));
    self->m_headBytes += qsizetype(len);
    const bool tooMany = self->m_request.headers.size() >= MaxHeaders;
    return self->m_headBytes > MaxHeadBytes || tooMany ? self->refuseHead() : 0;
}

int HttpConnection::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    self->m_inValue = true;
    self->m_value.append(at, qsizetype(len));
    self->m_headBytes += qsizetype(len);
    return self->m_headBytes > MaxHeadBytes ? self->refuseHead() : 0;
}

int HttpConnection::onHeadersComplete(http_parser *p)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    if (self->m_inValue)
        self->addHeader();
    self->m_headTimer->stop();
    self->m_request.method = http_method_str(http_method(p->method));
    const qsizetype q = self->m_url.indexOf('?');
    self->m_request.path = QUrl::fromPercentEncoding(q < 0 ? self->m_url : self->m_url.left(q));
    if (q >= 0)
        self->m_request.query = QUrlQuery(QString::fromUtf8(self->m_url.mid(q + 1)));
    self->m_request.target = self->m_url;
    self->m_request.versionMinor = p->http_major == 1 ? int(p->http_minor) : 0;
    self->m_request.upgrade = p->upgrade != 0;
    self->m_keepAlive = http_should_keep_alive(p) != 0;
    // A repeated header that decides where a request goes, who sends it or where it ends is an
    // attempt to make two readers of it disagree (RFC 9112 says 400 for Host).
    for (const char *name : {"host", "origin", "authorization", "content-length"}) {
        int seen = 0;
        for (const auto &header : std::as_const(self->m_request.headerList))
            seen += header.first.compare(name, Qt::CaseInsensitive) == 0 ? 1 : 0;
        if (seen > 1) {
            self->m_rejectStatus = 400;
            self->m_rejectCode = "duplicate_header";
            self->m_rejectMessage
                = QStringLiteral("the request repeats the %1 header").arg(QLatin1String(name));
            return -1;
        }
    }
    if (self->m_exchangeHandler) {
        self->m_requestComplete = false;
        self->m_streaming = self->m_streamsBody && self->m_streamsBody(self->m_request);
        if (self->m_streaming) {
            // Handed over now; the body follows as it arrives, as large and for as long as the
            // handler allows.
            self->m_requestTimer->stop();
            self->m_exchange = new HttpExchange(self, self->m_request, self);
            self->m_dispatchPending = true;
            if (self->m_request.header("expect").toLower() == "100-continue")
                self->m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            http_parser_pause(p, 1);
            return 0;
        }
    }
    // Refuse a declared large body before a byte of it is read.
    if ((p->flags & F_CONTENTLENGTH) && p->content_length > quint64(MaxBodyBytes)) {
        self->m_rejectStatus = 413;
        self->m_rejectCode = "body_too_large";
        self->m_rejectMessage
            = QStringLiteral("request bodies may be at most %1 bytes").arg(MaxBodyBytes);
        return -1;
    }
    if (self->m_headCheck) {
        bool authenticated = false;
        self->m_refusal = self->m_headCheck(self->m_request, &authenticated);
        if (self->m_refusal)
            return -1;
        self->m_authenticated = self->m_authenticated || authenticated;
    }
    // Only now, after the guard: a refused client never gets the go-ahead to send its body.
    if (self->m_request.header("expect").toLower() == "100-continue")
        self->m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    if ((p->flags & F_CHUNKED) || ((p->flags & F_CONTENTLENGTH) && p->content_length > 0)) {
        self->m_bodyClock.start();
        self->m_bodyRateTimer->start();
    }
    return 0;
}

int HttpConnection::onBody(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    if (self->m_streaming) {
        // Once the answer is complete, the rest of the body is read and dropped.
        if (!self->m_exchange || self->m_exchange->m_ended)
            return 0;
        self->m_exchange->m_body.append(at, qsizetype(len));
        if (self->m_exchange->m_body.size() >= StreamedBodyChunk) {
            self->m_bodyPaused = true;
            http_parser_pause(p, 1);
        }
        return 0;
    }
    if (self->m_request.body.size() + qsizetype(len) > MaxBodyBytes) {
        self->m_rejectStatus = 413;
        self->m_rejectCode = "body_too_large";
        self->m_rejectMessage
            = QStringLiteral("request bodies may be at most %1 bytes").arg(MaxBodyBytes);
        return 1;
    }
    self->m_request.body.append(at, qsizetype(len));
    self->m_bodyReceived += qint64(len);
    return 0;
}

int HttpConnection::onMessageComplete(http_parser *p)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    self->m_busy = true;
    self->m_requestTimer->stop();
    self->m_bodyRateTimer->stop();
    // An upgrade request is the last HTTP on this connection.
    self->m_upgraded = p->upgrade != 0;
    if (self->m_exchangeHandler) {
        self->m_requestComplete = true;
        if (!self->m_streaming) {
            self->m_exchange = new HttpExchange(self, self->m_request, self);
            self->m_exchange->m_bodyFinished = true;
            self->m_dispatchPending = true;
        } else if (self->m_exchange && !self->m_exchange->m_ended) {
            self->m_exchange->m_bodyFinished = true;
        } else {
            self->requestDone(); // answered before its body was in
        }
        http_parser_pause(p, 1);
        return 0;
    }
    // The per-connection budget: a client that never showed a valid token gets a bounded
    // number of answers per connection.
    const bool withinBudget
        = self->m_authenticated || ++self->m_unauthenticatedRequests < UnauthenticatedRequestBudget;
    const bool keepAlive = http_should_keep_alive(p) != 0 && !self->m_upgraded && withinBudget;
    const bool headOnly = self->m_request.method == "HEAD";
    std::weak_ptr<bool> alive = self->m_alive;
    self->m_handler(self->m_request, [self, alive, keepAlive, headOnly](HttpResponse response) {
        if (alive.expired() || !*alive.lock())
            return;
        self->send(response, keepAlive, headOnly);
        self->m_busy = false;
        if (!self->m_closing) {
            self->m_idleTimer->start(IdleTimeoutMs);
            QTimer::singleShot(0, self, [self] { self->parseBuffered(); });
        }
    });
    http_parser_pause(p, 1);
    return 0;
}

void HttpConnection::dispatchExchange()
{
    m_dispatchPending = false;
    m_framing = Framing::None;
    m_headOnly = false;
    m_closeAfterAnswer = false;
    if (m_exchange)
        m_exchangeHandler(m_exchange);
}

void HttpConnection::requestDone()
{
    if (m_exchange)
        m_exchange->deleteLater();
    m_exchange = nullptr;
    m_streaming = false;
    m_requestComplete = false;
    m_bodyPaused = false;
    m_bodySource.reset();
    if (!m_keepAlive || m_upgraded || m_closeAfterAnswer)
        return closeGracefully();
    m_busy = false;
    m_idleTimer->start(IdleTimeoutMs);
    // On to a request already received (from within the parsing loop, that loop goes on).
    parseBuffered();
}

} // namespace steward
