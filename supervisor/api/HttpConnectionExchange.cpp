#include "HttpConnection.h"

// The exchange side of HttpConnection: answers written in pieces (a head, then a body written as
// it comes, or pumped from a device with sendfile(2) where it can), and protocol switches.

#include <QFile>
#include <QIODevice>
#include <QScopeGuard>
#include <QTcpSocket>
#include <QTimer>

#include <cerrno>

#ifdef Q_OS_LINUX
#include <csignal>
#include <pthread.h>
#include <sys/sendfile.h>
#endif

namespace steward {

namespace {
// sendBody() reads its device in pieces of this size.
constexpr qint64 PumpChunk = 64 * 1024;

bool statusHasBody(int status)
{
    return status >= 200 && status != 204 && status != 304;
}
} // namespace

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
