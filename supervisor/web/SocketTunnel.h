#pragma once

#include <QObject>

class QTcpSocket;

namespace steward {

// Two connections joined once a protocol switch (a WebSocket upgrade) was agreed: bytes go
// each way as they come, read from one side only as fast as the other side sends them. When
// either side closes, the other is closed once what it still had to send is out.
class SocketTunnel : public QObject
{
    Q_OBJECT
public:
    // Takes both sockets; `fromClient`/`fromBackend` are bytes already read from them.
    SocketTunnel(QTcpSocket *client, const QByteArray &fromClient, QTcpSocket *backend,
                 const QByteArray &fromBackend, QObject *parent = nullptr);
    // Closes both sides at once.
    void close();

Q_SIGNALS:
    void finished();

private:
    void pump(QTcpSocket *from, QTcpSocket *to);
    void onClosed(QTcpSocket *side);
    void finish();

    QTcpSocket *m_client;
    QTcpSocket *m_backend;
    bool m_clientClosed = false;
    bool m_backendClosed = false;
    bool m_finished = false;
};

} // namespace steward
