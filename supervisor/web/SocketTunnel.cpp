#include "SocketTunnel.h"

#include <QTcpSocket>
#include <QTimer>

namespace steward {

namespace {
constexpr qint64 HighWater = 256 * 1024;
constexpr qint64 Chunk = 64 * 1024;
} // namespace

SocketTunnel::SocketTunnel(QTcpSocket *client, const QByteArray &fromClient, QTcpSocket *backend,
                           const QByteArray &fromBackend, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_backend(backend)
{
    for (QTcpSocket *s : {client, backend}) {
        s->setParent(this);
        // Unread input stays in the kernel once this much waits: TCP slows the sender down.
        s->setReadBufferSize(HighWater);
    }
    if (!fromClient.isEmpty())
        backend->write(fromClient);
    if (!fromBackend.isEmpty())
        client->write(fromBackend);
    connect(client, &QTcpSocket::readyRead, this, [this] { pump(m_client, m_backend); });
    connect(backend, &QTcpSocket::readyRead, this, [this] { pump(m_backend, m_client); });
    connect(backend, &QTcpSocket::bytesWritten, this, [this] { pump(m_client, m_backend); });
    connect(client, &QTcpSocket::bytesWritten, this, [this] { pump(m_backend, m_client); });
    connect(client, &QTcpSocket::disconnected, this, [this] { onClosed(m_client); });
    connect(backend, &QTcpSocket::disconnected, this, [this] { onClosed(m_backend); });
    // What either socket already holds was announced before the tunnel listened.
    QTimer::singleShot(0, this, [this] {
        pump(m_client, m_backend);
        pump(m_backend, m_client);
        for (QTcpSocket *s : {m_client, m_backend}) {
            if (s->state() != QAbstractSocket::ConnectedState)
                onClosed(s);
        }
    });
}

void SocketTunnel::pump(QTcpSocket *from, QTcpSocket *to)
{
    if (to->state() != QAbstractSocket::ConnectedState) {
        from->readAll(); // nobody to give it to
        return;
    }
    while (to->bytesToWrite() < HighWater) {
        const QByteArray data = from->read(Chunk);
        if (data.isEmpty())
            return;
        to->write(data);
    }
}

void SocketTunnel::onClosed(QTcpSocket *side)
{
    bool &closed = side == m_client ? m_clientClosed : m_backendClosed;
    if (closed)
        return;
    closed = true;
    QTcpSocket *other = side == m_client ? m_backend : m_client;
    pump(side, other);
    // The other side gets what was still on its way, then the close.
    other->disconnectFromHost();
    if ((m_clientClosed && m_backendClosed) || other->state() == QAbstractSocket::UnconnectedState)
        finish();
}

void SocketTunnel::close()
{
    for (QTcpSocket *s : {m_client, m_backend}) {
        s->disconnect(this);
        s->abort();
    }
    finish();
}

void SocketTunnel::finish()
{
    if (m_finished)
        return;
    m_finished = true;
    Q_EMIT finished();
    deleteLater();
}

} // namespace steward
