#pragma once

#include "HttpConnection.h"
#include "core/Result.h"

#include <QObject>

class QTcpServer;

namespace steward {

// Listens for the control API on a loopback address only. If the manifest's port is taken it
// binds an ephemeral port instead (runtime/ipc_port tells clients which). At most
// MaxConnections connections at once; one more is answered 503 and closed.
class ControlServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxConnections = 256;

    ControlServer(HttpConnection::Handler handler, QObject *parent = nullptr);
    Status listen(const QString &host, int port);
    int port() const { return m_port; }
    int connections() const { return m_connections; }
    void setMaxConnections(int n) { m_maxConnections = n; }

private:
    void accept();

    HttpConnection::Handler m_handler;
    QTcpServer *m_server = nullptr;
    int m_port = 0;
    int m_connections = 0;
    int m_maxConnections = MaxConnections;
};

} // namespace steward
