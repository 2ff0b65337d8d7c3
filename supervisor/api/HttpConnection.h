#pragma once

#include "HttpMessage.h"

#include <QObject>

#include <http_parser.h>
#include <memory>

class QTcpSocket;
class QTimer;

namespace steward {

// One client connection of the control API: parses HTTP/1.1 with http-parser behind hard
// limits checked before anything large is buffered (request head 16 KiB -> 431, declared or
// streamed body over 64 KiB -> 413 without reading it, head not complete within 5 s -> 408,
// idle keep-alive closed after 30 s), then hands complete requests to the handler one at a
// time and writes the answers.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype MaxHeadBytes = 16 * 1024;
    static constexpr qsizetype MaxBodyBytes = 64 * 1024;
    static constexpr int MaxHeaders = 100;
    static constexpr int HeadTimeoutMs = 5000;
    static constexpr int IdleTimeoutMs = 30000;

    using Handler = std::function<void(const HttpRequest &, Responder)>;
    HttpConnection(QTcpSocket *socket, Handler handler, QObject *parent = nullptr);
    ~HttpConnection() override;

Q_SIGNALS:
    void closed();

private:
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);

    // Records a 431 for the request head; returns what stops the parser.
    int refuseHead();
    void onReadable();
    void parseBuffered();
    void reject(int status, const char *code, const QString &message);
    void send(const HttpResponse &response, bool keepAlive);
    void finish();

    QTcpSocket *m_socket;
    Handler m_handler;
    http_parser m_parser;
    http_parser_settings m_settings;
    QTimer *m_headTimer;
    QTimer *m_idleTimer;
    QByteArray m_pending; // received, not yet parsed (while a request is being answered)
    HttpRequest m_request;
    QByteArray m_url;
    QByteArray m_field;
    QByteArray m_value;
    bool m_inValue = false;
    qsizetype m_headBytes = 0;
    bool m_busy = false; // a request is with the handler
    bool m_closing = false;
    int m_rejectStatus = 0;
    const char *m_rejectCode = nullptr;
    QString m_rejectMessage;
    std::shared_ptr<bool> m_alive = std::make_shared<bool>(true);
};

} // namespace steward
