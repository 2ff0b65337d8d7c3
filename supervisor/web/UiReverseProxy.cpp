#include "UiReverseProxy.h"

#include "ProxiedRequest.h"
#include "SocketTunnel.h"

#include <QTcpSocket>

namespace steward {

UiReverseProxy::UiReverseProxy(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
{ }

UiReverseProxy::~UiReverseProxy()
{
    stop();
}

void UiReverseProxy::forward(HttpExchange *exchange, std::function<void(int status)> answered)
{
    auto *request = new ProxiedRequest(exchange, this);
    connect(request, &ProxiedRequest::finished, this, [answered = std::move(answered)](int status) {
        if (answered)
            answered(status);
    });
    request->start();
}

void UiReverseProxy::stop()
{
    for (ProxiedRequest *r : findChildren<ProxiedRequest *>(Qt::FindDirectChildrenOnly))
        r->abort();
    for (SocketTunnel *t : findChildren<SocketTunnel *>(Qt::FindDirectChildrenOnly))
        t->close();
    for (QTcpSocket *s : std::as_const(m_idle)) {
        s->disconnect(this);
        s->abort();
        s->deleteLater();
    }
    m_idle.clear();
}

QTcpSocket *UiReverseProxy::takeIdle()
{
    while (!m_idle.isEmpty()) {
        QTcpSocket *s = m_idle.takeLast();
        s->disconnect(this);
        if (s->state() == QAbstractSocket::ConnectedState && s->bytesAvailable() == 0)
            return s;
        s->abort();
        s->deleteLater();
    }
    return nullptr;
}

void UiReverseProxy::release(QTcpSocket *socket)
{
    if (m_idle.size() >= m_settings.maxIdleConnections
        || socket->state() != QAbstractSocket::ConnectedState) {
        socket->abort();
        socket->deleteLater();
        return;
    }
    socket->setParent(this);
    // An idle connection the backend closes, or that says anything unasked, is not used again.
    auto drop = [this, socket] {
        if (!m_idle.removeOne(socket))
            return;
        socket->disconnect(this);
        socket->abort();
        socket->deleteLater();
    };
    connect(socket, &QTcpSocket::disconnected, this, drop);
    connect(socket, &QTcpSocket::readyRead, this, drop);
    m_idle.append(socket);
}

void UiReverseProxy::adopt(SocketTunnel *tunnel)
{
    tunnel->setParent(this);
    ++m_tunnels;
    connect(tunnel, &SocketTunnel::finished, this, [this] {
        --m_tunnels;
        Q_EMIT tunnelClosed();
    });
}

} // namespace steward
