#pragma once

#include "HttpMessage.h"

#include <QObject>

#include <memory>

class QIODevice;
class QTcpSocket;

namespace steward {

class HttpConnection;

// One request on an HttpConnection answered in pieces: a head, then a body written as it comes
// (chunked when its length is unknown) or pumped from a device as fast as the client takes it;
// the request body read as it arrives; or, after an upgrade request, the connection handed over.
// Owned by its connection and gone once the answer is complete or the client left (clientGone()
// first): hold it in a QPointer.
class HttpExchange : public QObject
{
    Q_OBJECT
public:
    // Unsent output above this makes canWrite() false until outputDrained().
    static constexpr qint64 OutputHighWater = 256 * 1024;

    const HttpRequest &request() const { return m_request; }

    // The request body that arrived since the last call (exchanges handed over with the head).
    QByteArray readBody();
    // The whole request body arrived (readBody() may still hold the end of it).
    bool bodyFinished() const { return m_bodyFinished; }

    // A complete answer, as the control API's (Cache-Control: no-store, nosniff).
    void respond(const HttpResponse &response);
    // The head of an answer whose body follows: `length` bytes, or -1 for "until end()"
    // (chunked; an HTTP/1.0 client gets it until the connection closes). Headers are sent as
    // given, plus the framing and Connection headers. Answers to HEAD carry no body whatever is
    // written; 1xx, 204 and 304 never do.
    void writeHead(int status, const QList<std::pair<QByteArray, QByteArray>> &headers,
                   qint64 length, const QByteArray &reason = {});
    void write(const QByteArray &data);
    // The answer is complete. If fewer bytes than announced were written, the connection is
    // closed, so the client sees a truncated answer and not a wrong one.
    void end();
    // Cuts the answer off (a backend that broke off mid-body): what was written goes out, then the
    // connection closes without the rest.
    void abort();
    // Sends `length` bytes of `device`, from its position, as the body after writeHead(), reading
    // only as fast as the client takes them, then ends the answer.
    void sendBody(std::unique_ptr<QIODevice> device, qint64 length);
    // Whether more output is welcome now; outputDrained() says when it is again.
    bool canWrite() const;
    bool headWritten() const { return m_headWritten; }

    // For an upgrade request (request().upgrade) whose new protocol was agreed: writes the 101
    // head with `headers` and hands the socket over, with the bytes that already followed the
    // request in `received`. The connection is done with it; the caller owns the socket.
    QTcpSocket *switchProtocols(const QList<std::pair<QByteArray, QByteArray>> &headers,
                                QByteArray *received);

Q_SIGNALS:
    // More of the request body arrived, or its end.
    void bodyReadable();
    // Output fell below the high-water mark: canWrite() again.
    void outputDrained();
    // The client closed the connection before the answer was complete.
    void clientGone();

private:
    friend class HttpConnection;
    HttpExchange(HttpConnection *connection, HttpRequest request, QObject *parent);

    HttpConnection *m_connection;
    HttpRequest m_request;
    QByteArray m_body;
    bool m_bodyFinished = false;
    bool m_headWritten = false;
    bool m_ended = false;
};

} // namespace steward
