#pragma once

#include <QList>
#include <QObject>
#include <QString>

#include <functional>

class QTcpSocket;

namespace steward {

class HttpExchange;
class SocketTunnel;

// Forwards a ui-bundle's /api and /ws requests to the app's API service on 127.0.0.1 (each as
// a ProxiedRequest), keeps the backend connections it may use again, and owns the WebSocket
// tunnels that upgrades became.
class UiReverseProxy : public QObject
{
    Q_OBJECT
public:
    struct Settings
    {
        int port = 0; // of the API service; 0: there is none, and every request answers 502
        QString service; // how messages name it: "api on 127.0.0.1:47820"
        int responseTimeoutMs = 60000; // until the answer's head: else 504
        int maxIdleConnections = 64;
    };

    explicit UiReverseProxy(Settings settings, QObject *parent = nullptr);
    ~UiReverseProxy() override;

    const Settings &settings() const { return m_settings; }
    // Forwards the request; `answered` gets the status the client got (0: it left first).
    void forward(HttpExchange *exchange, std::function<void(int status)> answered);
    // Ends every forwarded request and tunnel, and closes the kept connections.
    void stop();
    int tunnels() const { return m_tunnels; }

    // For ProxiedRequest: a kept connection to the backend, or null; one to keep; a tunnel.
    QTcpSocket *takeIdle();
    void release(QTcpSocket *socket);
    void adopt(SocketTunnel *tunnel);

Q_SIGNALS:
    void tunnelClosed();

private:
    Settings m_settings;
    QList<QTcpSocket *> m_idle;
    int m_tunnels = 0;
};

} // namespace steward
