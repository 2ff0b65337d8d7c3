#pragma once

#include "HttpConnection.h"
#include "core/Result.h"

#include <QObject>

class QTcpServer;

namespace steward {

class ControlApi;

// Listens for the control API on a loopback address only. If the manifest's port is taken it
// binds an ephemeral port instead (runtime/ipc_port tells clients which). At most
// MaxConnections connections at once: when one more arrives, the oldest connection that never
// showed a valid token is closed to make room, so the admin and the services always get
// through; only when every connection is authenticated is the new one answered 503 and closed.
class ControlServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxConnections = 256;

    ControlServer(HttpConnection::Handler handler, QObject *parent = nullptr);
    // Serves `api`, whose guard also sees each request head before its body is read.
    explicit ControlServer(ControlApi *api, QObject *parent = nullptr);
    Status listen(const QString &host, int port);
    int port() const { return m_port; }
    int connections() const { return m_connections; }
    void setMaxConnections(int n) { m_maxConnections = n; }

private:
    void accept();

    HttpConnection::Handler m_handler;
    HttpConnection::HeadCheck m_headCheck;
    QList<HttpConnection *> m_open; // oldest first
    QTcpServer *m_server = nullptr;
    int m_port = 0;
    int m_connections = 0;
    int m_maxConnections = MaxConnections;
};

} // namespace steward
