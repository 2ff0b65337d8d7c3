#include "HttpConnection.h"

#include <QFile>
#include <QIODevice>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif
#ifdef Q_OS_LINUX
#include <csignal>
#include <pthread.h>
#include <sys/sendfile.h>
#endif

namespace steward {

namespace {
constexpr int LingerMs = 2000;
// A streamed request body is handed over in pieces of about this size; parsing waits until the
// exchange took what it has.
constexpr qsizetype StreamedBodyChunk = 64 * 1024;
// sendBody() reads its device in pieces of this size.
constexpr qint64 PumpChunk = 64 * 1024;

bool statusHasBody(int status)
{
    return status >= 200 && status != 204 && status != 304;
}
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

void HttpConnection::finish()
{
    if (!*m_alive)
        return;
    *m_alive = false;
    m_headTimer->stop();
    m_idleTimer->stop();
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
    send(HttpResponse::error(status, code, message), false);
}

void HttpConnection::send(const HttpResponse &response, bool keepAlive)
{
    const bool keep = keepAlive && !response.close;
    m_socket->write(response.serialize(keep));
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
    self->m_idleTimer->stop();
    self->m_headTimer->start(HeadTimeoutMs);
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
    if (self->m_exchangeHandler) {
        self->m_requestComplete = false;
        self->m_streaming = self->m_streamsBody && self->m_streamsBody(self->m_request);
        if (self->m_streaming) {
            // Handed over now; the body follows as it arrives, as large as the handler allows.
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
    if (self->m_request.header("expect").toLower() == "100-continue")
        self->m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
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
    return 0;
}

int HttpConnection::onMessageComplete(http_parser *p)
{
    auto *self = static_cast<HttpConnection *>(p->data);
    self->m_busy = true;
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
    const bool keepAlive = http_should_keep_alive(p) != 0 && !self->m_upgraded;
    std::weak_ptr<bool> alive = self->m_alive;
    self->m_handler(self->m_request, [self, alive, keepAlive](HttpResponse response) {
        if (alive.expired() || !*alive.lock())
            return;
        self->send(response, keepAlive);
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

void HttpConnection::exchangeWriteHead(int status,
                                       const QList<std::pair<QByteArray, QByteArray>> &headers,
                                       qint64 length, const QByteArray &reason)
{
    if (!*m_alive || m_closing || !m_exchange || m_exchange->m_headWritten)
        return;
    const HttpRequest &request = m_exchange->request();
    const bool hasBody = statusHasBody(status);
    m_headOnly = !hasBody || request.method == "HEAD";
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' '
        + (reason.isEmpty() ? QByteArray(HttpResponse::reason(status)) : reason) + "\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    m_framing = Framing::None;
    if (hasBody && length >= 0) {
        out += "Content-Length: " + QByteArray::number(length) + "\r\n";
        m_framing = m_headOnly ? Framing::None : Framing::Length;
        m_outLeft = length;
    } else if (hasBody && !m_headOnly) {
        if (request.versionMinor >= 1) {
            out += "Transfer-Encoding: chunked\r\n";
            m_framing = Framing::Chunked;
        } else {
            m_framing = Framing::UntilClose;
            m_closeAfterAnswer = true;
        }
    }
    if (!m_keepAlive || request.upgrade)
        m_closeAfterAnswer = true;
    out += m_closeAfterAnswer ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n";
    m_socket->write(out);
    m_exchange->m_headWritten = true;
}

void HttpConnection::exchangeRespond(const HttpResponse &response)
{
    if (!*m_alive || m_closing || !m_exchange)
        return;
    const HttpRequest &request = m_exchange->request();
    const bool keep = m_keepAlive && !request.upgrade && !response.close;
    QByteArray out = response.serialize(keep);
    if (request.method == "HEAD")
        out.chop(response.body.size());
    m_socket->write(out);
    m_closeAfterAnswer = !keep;
    m_framing = Framing::None;
    m_exchange->m_headWritten = true;
    exchangeEnd();
}

void HttpConnection::exchangeWrite(const QByteArray &data)
{
    if (!*m_alive || m_closing || m_headOnly || data.isEmpty())
        return;
    switch (m_framing) {
    case Framing::Length: {
        const qint64 n = std::min<qint64>(data.size(), m_outLeft);
        m_socket->write(data.constData(), n);
        m_outLeft -= n;
        break;
    }
    case Framing::Chunked:
        m_socket->write(QByteArray::number(data.size(), 16) + "\r\n");
        m_socket->write(data);
        m_socket->write("\r\n", 2);
        break;
    case Framing::UntilClose:
        m_socket->write(data);
        break;
    case Framing::None:
        break;
    }
}

void HttpConnection::exchangeEnd()
{
    if (!*m_alive || !m_exchange || m_exchange->m_ended)
        return;
    m_exchange->m_ended = true;
    m_bodySource.reset();
    if (m_closing)
        return; // cut off already: nothing more goes out
    if (!m_exchange->m_headWritten) {
        m_socket->write(
            HttpResponse::error(500, "no_answer", QStringLiteral("the request was not answered"))
                .serialize(false));
        m_closeAfterAnswer = true;
    } else if (m_framing == Framing::Chunked) {
        m_socket->write("0\r\n\r\n", 5);
    } else if (m_framing == Framing::Length && m_outLeft > 0) {
        m_closeAfterAnswer = true; // short: the client must not take it for complete
    }
    // Out now rather than at the next turn of the event loop: a turn less per request.
    m_socket->flush();
    if (!*m_alive)
        return; // the client was gone
    if (m_requestComplete)
        return requestDone();
    // The request body is still arriving: it is read and dropped, unless the connection closes.
    if (m_closeAfterAnswer)
        return closeGracefully();
    if (m_bodyPaused) {
        m_bodyPaused = false;
        QTimer::singleShot(0, this, [this] { parseBuffered(); });
    }
}

void HttpConnection::exchangeAbort()
{
    if (!*m_alive)
        return;
    // What was written still goes out, then the connection ends: short of its announced length
    // or its last chunk, the answer cannot pass for a complete one.
    m_bodySource.reset();
    closeGracefully();
}

bool HttpConnection::exchangeCanWrite() const
{
    return *m_alive && m_socket && m_socket->bytesToWrite() < HttpExchange::OutputHighWater;
}

void HttpConnection::exchangeSendBody(std::unique_ptr<QIODevice> device, qint64 length)
{
    if (!*m_alive || !m_exchange || m_exchange->m_ended)
        return;
    m_bodySource = std::move(device);
    m_bodySourceLeft = length;
    pumpBody();
}

void HttpConnection::pumpBody()
{
    // flush() and write() may report bytesWritten() at once, which calls back here.
    if (m_pumping)
        return;
    m_pumping = true;
    const auto done = qScopeGuard([this] { m_pumping = false; });
    while (m_bodySource && *m_alive && !m_closing
           && m_socket->bytesToWrite() < HttpExchange::OutputHighWater) {
        if (!m_headOnly && m_bodySourceLeft > 0 && sendFileDirectly())
            continue;
        if (!m_bodySource || !*m_alive || m_closing)
            return; // the flush in sendFileDirectly() met a client gone
        const QByteArray chunk = m_headOnly || m_bodySourceLeft <= 0
            ? QByteArray()
            : m_bodySource->read(std::min(PumpChunk, m_bodySourceLeft));
        if (chunk.isEmpty()) // all of it, or the file shrank: end() tells the client which
            return exchangeEnd();
        m_bodySourceLeft -= chunk.size();
        exchangeWrite(chunk);
    }
}

bool HttpConnection::sendFileDirectly()
{
#ifdef Q_OS_LINUX
    // A file body with a known length goes from the page cache to the socket (sendfile(2))
    // while nothing waits in the socket's buffer before it; whatever the kernel does not take
    // now goes the buffered way, whose bytesWritten() brings us back here.
    auto *file = qobject_cast<QFile *>(m_bodySource.get());
    if (!file || m_framing != Framing::Length)
        return false;
    if (m_socket->bytesToWrite() > 0)
        m_socket->flush(); // the head goes first
    // (a write error met by flush() ends the connection and its body source)
    if (!*m_alive || m_bodySource.get() != file || m_socket->bytesToWrite() > 0)
        return false;
    off_t offset = file->pos();
    // sendfile(2) has no MSG_NOSIGNAL: a client that went away raises SIGPIPE, which would end
    // Steward. The signal is blocked for the call, and one it raised is taken back before the
    // mask is restored (as libcurl does), so nothing else in the process is changed.
    sigset_t pipe, previous;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &previous);
    const ssize_t sent = ::sendfile(int(m_socket->socketDescriptor()), file->handle(), &offset,
                                    size_t(std::min(m_bodySourceLeft, m_outLeft)));
    if (sent < 0 && errno == EPIPE && !sigismember(&previous, SIGPIPE)) {
        const timespec now {0, 0};
        while (sigtimedwait(&pipe, nullptr, &now) < 0 && errno == EINTR) { }
    }
    pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    if (sent <= 0)
        return false; // full for now, or an error the buffered path meets and reports
    if (!file->seek(offset))
        return false;
    m_bodySourceLeft -= sent;
    m_outLeft -= sent;
    return true;
#else
    return false;
#endif
}

void HttpConnection::onBytesWritten()
{
    if (m_bodySource)
        return pumpBody();
    if (m_exchange && !m_exchange->m_ended
        && m_socket->bytesToWrite() < HttpExchange::OutputHighWater)
        Q_EMIT m_exchange->outputDrained();
}

void HttpConnection::exchangeBodyRead()
{
    if (!m_bodyPaused)
        return;
    m_bodyPaused = false;
    QTimer::singleShot(0, this, [this] { parseBuffered(); });
}

QTcpSocket *
HttpConnection::exchangeSwitchProtocols(const QList<std::pair<QByteArray, QByteArray>> &headers,
                                        QByteArray *received)
{
    if (!*m_alive || m_closing || !m_exchange || m_exchange->m_headWritten || !m_upgraded)
        return nullptr;
    QByteArray out = "HTTP/1.1 101 Switching Protocols\r\n";
    for (const auto &[name, value] : headers)
        out += name + ": " + value + "\r\n";
    m_socket->write(out + "\r\n");
    m_exchange->m_headWritten = true;
    m_exchange->m_ended = true;
    *received = m_pending;
    m_pending.clear();
    QTcpSocket *socket = m_socket;
    socket->disconnect(this);
    socket->setParent(nullptr);
    m_socket = nullptr;
    finish();
    return socket;
}

} // namespace steward
