#include "ControlServer.h"

#include "ControlApi.h"
#include "logging/Logging.h"

#include <QTcpServer>
#include <QTcpSocket>

namespace steward {

ControlServer::ControlServer(HttpConnection::Handler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_server(new QTcpServer(this))
{
    // A burst of clients waits in the kernel's queue instead of being dropped.
    m_server->setListenBacklogSize(MaxConnections);
    m_server->setMaxPendingConnections(MaxConnections);
    connect(m_server, &QTcpServer::newConnection, this, &ControlServer::accept);
}

ControlServer::ControlServer(ControlApi *api, QObject *parent)
    : ControlServer(
        [api](const HttpRequest &r, Responder respond) { api->handle(r, std::move(respond)); },
        parent)
{
    m_headCheck = [api](HttpRequest &head, bool *authenticated) {
        return api->checkHead(head, authenticated);
    };
}

Status ControlServer::listen(const QString &host, int port)
{
    const QHostAddress address(
        host == QLatin1String("localhost")
            ? QStringLiteral("127.0.0.1")
            : QString(host).remove(QLatin1Char('[')).remove(QLatin1Char(']')));
    if (address.isNull() || !address.isLoopback())
        return Status::failure(
            QStringLiteral("the control API must listen on a loopback address, not %1").arg(host));
    if (!m_server->listen(address, quint16(port))) {
        Logging::api()->warn("port {} is taken ({}); the control API uses an ephemeral port", port,
                             m_server->errorString().toStdString());
        if (!m_server->listen(address, 0))
            return Status::failure(
                QStringLiteral("cannot listen on %1: %2").arg(host, m_server->errorString()));
    }
    m_port = m_server->serverPort();
    return {};
}

void ControlServer::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (m_connections >= m_maxConnections) {
            for (HttpConnection *c : std::as_const(m_open)) {
                if (!c->authenticated()) {
                    c->evict(); // its closed() takes it off the list
                    break;
                }
            }
        }
        if (m_connections >= m_maxConnections) {
            socket->write(
                HttpResponse::error(
                    503, "too_many_connections",
                    QStringLiteral("more than %1 connections are open").arg(m_maxConnections))
                    .serialize(false));
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        ++m_connections;
        auto *conn = new HttpConnection(socket, m_handler, this);
        conn->setHeadCheck(m_headCheck);
        m_open.append(conn);
        connect(conn, &HttpConnection::closed, this, [this, conn] {
            m_open.removeOne(conn);
            --m_connections;
        });
    }
}

} // namespace steward
