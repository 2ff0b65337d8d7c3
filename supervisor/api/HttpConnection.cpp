#include "HttpConnection.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace steward {

namespace {
constexpr int LingerMs = 2000;
} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, Handler handler, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_handler(std::move(handler))
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
    if (!m_busy)
        parseBuffered();
}

void HttpConnection::parseBuffered()
{
    while (!m_busy && !m_closing && *m_alive) {
        if (m_pending.isEmpty()) {
            m_pending = m_socket->read(16384);
            if (m_pending.isEmpty())
                return;
        }
        const size_t n = http_parser_execute(&m_parser, &m_settings, m_pending.constData(),
                                             size_t(m_pending.size()));
        const http_errno err = HTTP_PARSER_ERRNO(&m_parser);
        if (m_rejectStatus)
            return reject(m_rejectStatus, m_rejectCode, m_rejectMessage);
        if (err == HPE_PAUSED) {
            // One complete request is with the handler; keep the rest for later.
            http_parser_pause(&m_parser, 0);
            m_pending.remove(0, qsizetype(n));
            return;
        }
        if (err != HPE_OK)
            return reject(400, "bad_request",
                          QStringLiteral("malformed HTTP request: %1")
                              .arg(QLatin1String(http_errno_description(err))));
        m_pending.clear();
    }
}

void HttpConnection::reject(int status, const char *code, const QString &message)
{
    if (m_closing)
        return;
    send(HttpResponse::error(status, code, message), false);
}

void HttpConnection::send(const HttpResponse &response, bool keepAlive)
{
    const bool keep = keepAlive && !response.close;
    m_socket->write(response.serialize(keep));
    if (keep)
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
        self->m_request.headers.insert(self->m_field.toLower(), self->m_value.trimmed());
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
        self->m_request.headers.insert(self->m_field.toLower(), self->m_value.trimmed());
    self->m_headTimer->stop();
    self->m_request.method = http_method_str(http_method(p->method));
    const qsizetype q = self->m_url.indexOf('?');
    self->m_request.path = QUrl::fromPercentEncoding(q < 0 ? self->m_url : self->m_url.left(q));
    if (q >= 0)
        self->m_request.query = QUrlQuery(QString::fromUtf8(self->m_url.mid(q + 1)));
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
    const bool keepAlive = http_should_keep_alive(p) != 0;
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

} // namespace steward
