#pragma once

#include "StaticFileResponder.h"
#include "core/Result.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QPointer>

class QTcpServer;
class QTimer;

namespace steward {

class HttpConnection;
class HttpExchange;
class UiReverseProxy;

// Serves a ui-bundle service, as the shared README's rules say: the folder of its first assets
// entry (Manifest::servedFolder) over HTTP on 127.0.0.1 (StaticFileResponder: files, index.html for
// any other path), and requests whose path starts with /api or /ws forwarded to the API service
// (UiReverseProxy, WebSocket upgrades included). The control API's limits and timeouts apply
// (HttpConnection), and so does its LoopbackGuard (Host and Origin). Nothing of the control API is
// reachable here: it is another port, and its token lives in the app data dir, which is never
// served. Each request is logged as "METHOD /path STATUS TIME", without the query string.
class UiBundleServer : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxConnections = 256;

    struct Settings
    {
        QString root; // the asset folder
        QStringList excluded; // folders never served, even inside the root (the app data dir)
        int port = 0; // 0: any free port
        int apiPort = 0; // the API service's; 0: none, /api and /ws answer 502
        QString apiService; // its id, for messages
        int proxyTimeoutMs = 60000; // a proxied answer not begun by then: 504
    };

    // Whether a raw request path goes to the API service (it starts with /api or /ws).
    static bool isProxied(const QByteArray &rawPath);

    explicit UiBundleServer(Settings settings, QObject *parent = nullptr);
    ~UiBundleServer() override;

    [[nodiscard]] Status start();
    // Stops listening and closes every connection and tunnel at once.
    void stop();
    bool isListening() const;
    int port() const { return m_port; }
    const Settings &settings() const { return m_settings; }

Q_SIGNALS:
    // Request log lines ("GET /app.js 200 0.3 ms\n"), gathered for a few milliseconds.
    void requestsLogged(const QByteArray &lines);

private:
    void accept();
    void handle(HttpExchange *exchange);
    void log(const QByteArray &method, const QByteArray &path, int status, qint64 nanoseconds);
    void flushLog();

    Settings m_settings;
    StaticFileResponder m_files;
    QTcpServer *m_server;
    UiReverseProxy *m_proxy;
    QList<QPointer<HttpConnection>> m_connections;
    QTimer *m_logFlush;
    QByteArray m_logBatch;
    int m_port = 0;
};

} // namespace steward
