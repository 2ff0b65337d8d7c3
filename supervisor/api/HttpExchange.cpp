#include "HttpExchange.h"

#include "HttpConnection.h"

#include <QIODevice>

namespace steward {

// The connection keeps the state of the answer in progress; an exchange speaks for it.

HttpExchange::HttpExchange(HttpConnection *connection, HttpRequest request, QObject *parent)
    : QObject(parent)
    , m_connection(connection)
    , m_request(std::move(request))
{ }

QByteArray HttpExchange::readBody()
{
    QByteArray out;
    out.swap(m_body);
    m_connection->exchangeBodyRead();
    return out;
}

void HttpExchange::respond(const HttpResponse &response)
{
    if (!m_ended && !m_headWritten)
        m_connection->exchangeRespond(response);
}

void HttpExchange::writeHead(int status, const QList<std::pair<QByteArray, QByteArray>> &headers,
                             qint64 length, const QByteArray &reason)
{
    if (!m_ended && !m_headWritten)
        m_connection->exchangeWriteHead(status, headers, length, reason);
}

void HttpExchange::write(const QByteArray &data)
{
    if (!m_ended)
        m_connection->exchangeWrite(data);
}

void HttpExchange::end()
{
    if (!m_ended)
        m_connection->exchangeEnd();
}

void HttpExchange::abort()
{
    if (!m_ended) {
        m_ended = true;
        m_connection->exchangeAbort();
    }
}

void HttpExchange::sendBody(std::unique_ptr<QIODevice> device, qint64 length)
{
    if (!m_ended)
        m_connection->exchangeSendBody(std::move(device), length);
}

bool HttpExchange::canWrite() const
{
    return !m_ended && m_connection->exchangeCanWrite();
}

QTcpSocket *HttpExchange::switchProtocols(const QList<std::pair<QByteArray, QByteArray>> &headers,
                                          QByteArray *received)
{
    return m_ended ? nullptr : m_connection->exchangeSwitchProtocols(headers, received);
}

} // namespace steward
