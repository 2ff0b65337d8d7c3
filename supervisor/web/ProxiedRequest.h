#pragma once

#include <QList>
#include <QObject>
#include <QPointer>

#include <http_parser.h>

class QTcpSocket;
class QTimer;

namespace steward {

class HttpExchange;
class UiReverseProxy;

// One request forwarded to the API service. The head is rewritten for the backend (hop-by-hop
// headers dropped, X-Forwarded-For/-Host/-Proto set, Host kept as the browser sent it), the
// body streamed to it, the answer parsed with http-parser and streamed back, each side read only
// as fast as the other takes it. A backend that cannot be reached answers 502, one whose answer
// has not begun within the proxy's timeout 504, both as JSON errors; an agreed WebSocket
// upgrade becomes a SocketTunnel. A kept-alive backend connection goes back to the proxy's pool.
class ProxiedRequest : public QObject
{
    Q_OBJECT
public:
    ProxiedRequest(HttpExchange *exchange, UiReverseProxy *proxy);
    ~ProxiedRequest() override;

    void start();
    // Drops the request and its backend connection (the proxy stops).
    void abort();

Q_SIGNALS:
    // The status the client got (502/504 included), or 0 when it left before any answer.
    // Emitted once; the request deletes itself afterwards.
    void finished(int status);

private:
    static int onMessageBegin(http_parser *p);
    static int onStatus(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);

    QByteArray backendHead() const;
    void connectBackend(bool fresh);
    void sendHead();
    void pumpBody();
    void readBackend();
    void backendEnded();
    void backendFailed(const QString &why);
    void switchProtocols();
    void complete(bool keepAlive);
    void fail(int status, const char *code, const QString &message);
    void finish(int status);
    void dropBackend();

    QPointer<HttpExchange> m_exchange;
    UiReverseProxy *m_proxy;
    QTcpSocket *m_backend = nullptr;
    QTimer *m_timeout;
    http_parser m_parser;
    http_parser_settings m_settings;
    QByteArray m_head; // the request head for the backend
    QByteArray m_unparsed; // read from the backend, not parsed yet (the client is slower)
    QByteArray m_reason;
    QByteArray m_field;
    QByteArray m_value;
    QList<std::pair<QByteArray, QByteArray>> m_headers; // of the answer
    qsizetype m_headBytes = 0;
    int m_status = 0;
    bool m_inValue = false;
    bool m_reused = false; // the backend connection came from the pool
    bool m_retried = false;
    bool m_headSent = false;
    bool m_bodyStarted = false; // body bytes went out: the request cannot be sent again
    bool m_bodyDone = false;
    bool m_chunked = false; // the request body goes out chunked
    bool m_gotBytes = false; // the backend answered something
    bool m_headReceived = false;
    bool m_interim = false; // a 1xx answer that is not the real one
    bool m_switching = false;
    bool m_complete = false;
    bool m_backendEof = false;
    bool m_finished = false;
};

} // namespace steward
