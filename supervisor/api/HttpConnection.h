#pragma once

#include "HttpExchange.h"
#include "HttpMessage.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>

#include <http_parser.h>
#include <memory>
#include <optional>

class QIODevice;
class QTcpSocket;
class QTimer;

namespace steward {

// One client connection of the control API: parses HTTP/1.1 with http-parser behind hard
// limits checked before anything large is buffered (request head 16 KiB -> 431, declared or
// streamed body over 64 KiB -> 413 without reading it, head not complete within 5 s or the whole
// request within 10 s -> 408, a body arriving slower than 1 KiB/s -> 408, Host, Origin,
// Authorization or Content-Length repeated -> 400, idle keep-alive closed after 30 s), then
// hands complete requests to the handler one at a time and writes the answers (without a body
// to HEAD). A head check, when set, sees each request head before its body is read and before
// 100 Continue is sent, and may refuse it. A connection made with an ExchangeHandler answers
// through HttpExchange instead (streamed answers, streamed request bodies, protocol switches),
// under the same limits except for the bodies it chose to stream.
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype MaxHeadBytes = 16 * 1024;
    static constexpr qsizetype MaxBodyBytes = 64 * 1024;
    static constexpr int MaxHeaders = 100;
    static constexpr int HeadTimeoutMs = 5000;
    static constexpr int IdleTimeoutMs = 30000;
    static constexpr int RequestDeadlineMs = 10000; // head and body
    static constexpr int MinBodyBytesPerSecond = 1024; // averaged, after BodyGraceMs
    static constexpr int BodyGraceMs = 2000;
    // A connection that never showed a valid token is closed after this many requests.
    static constexpr int UnauthenticatedRequestBudget = 100;

    using Handler = std::function<void(const HttpRequest &, Responder)>;
    HttpConnection(QTcpSocket *socket, Handler handler, QObject *parent = nullptr);

    using ExchangeHandler = std::function<void(HttpExchange *)>;
    // Asked as each request head arrives: true hands the exchange over at once, its body read
    // as it arrives and not limited in size; false hands it over with the whole request, which
    // MaxBodyBytes bounds.
    using StreamPolicy = std::function<bool(const HttpRequest &head)>;
    HttpConnection(QTcpSocket *socket, ExchangeHandler handler, StreamPolicy streamsBody,
                   QObject *parent = nullptr);
    ~HttpConnection() override;

    // Sees a request head before its body is read: an answer refuses the request (the connection
    // closes after it); `authenticated` says whether the head carried a valid token. It may mark
    // the head as admitted (HttpRequest::admitted).
    using HeadCheck
        = std::function<std::optional<HttpResponse>(HttpRequest &head, bool *authenticated)>;
    void setHeadCheck(HeadCheck check) { m_headCheck = std::move(check); }
    // A request of this connection carried a valid token.
    bool authenticated() const { return m_authenticated; }
    // Closes the connection now, whatever it is doing.
    void evict();

Q_SIGNALS:
    void closed();

private:
    friend class HttpExchange;
    // How the body of the answer in progress is delimited.
    enum class Framing { None, Length, Chunked, UntilClose };

    HttpConnection(QTcpSocket *socket, QObject *parent);
    void addHeader();
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
    void refuse(const HttpResponse &response);
    void checkBodyRate();
    void send(const HttpResponse &response, bool keepAlive, bool headOnly = false);
    // Half-closes after the last byte is out, then drops the connection.
    void closeGracefully();
    void finish();

    // The exchange side (HttpExchange calls these for the answer in progress).
    void dispatchExchange();
    // The request was read and answered: on to the next one, or close.
    void requestDone();
    void exchangeWriteHead(int status, const QList<std::pair<QByteArray, QByteArray>> &headers,
                           qint64 length, const QByteArray &reason);
    void exchangeRespond(const HttpResponse &response);
    void exchangeWrite(const QByteArray &data);
    void exchangeEnd();
    void exchangeAbort();
    bool exchangeCanWrite() const;
    void exchangeSendBody(std::unique_ptr<QIODevice> device, qint64 length);
    void pumpBody();
    bool sendFileDirectly();
    void onBytesWritten();
    void exchangeBodyRead();
    QTcpSocket *exchangeSwitchProtocols(const QList<std::pair<QByteArray, QByteArray>> &headers,
                                        QByteArray *received);

    QTcpSocket *m_socket;
    Handler m_handler;
    ExchangeHandler m_exchangeHandler;
    StreamPolicy m_streamsBody;
    http_parser m_parser;
    http_parser_settings m_settings;
    QTimer *m_headTimer;
    QTimer *m_idleTimer;
    QTimer *m_requestTimer; // the whole request's deadline
    QTimer *m_bodyRateTimer;
    QElapsedTimer m_bodyClock;
    qint64 m_bodyReceived = 0;
    HeadCheck m_headCheck;
    std::optional<HttpResponse> m_refusal; // the head check's, to send once the parser stopped
    bool m_authenticated = false;
    int m_unauthenticatedRequests = 0;
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

    // Exchange mode: the request being answered and the state of its answer.
    QPointer<HttpExchange> m_exchange;
    bool m_dispatchPending = false; // the exchange is ready to be handed over
    bool m_streaming = false; // its body goes to the exchange as it arrives
    bool m_requestComplete = false; // the whole request was parsed
    bool m_bodyPaused = false; // parsing waits until the exchange read its body
    bool m_upgraded = false; // the request was an upgrade: nothing after it is HTTP
    bool m_keepAlive = false;
    bool m_parsing = false;
    Framing m_framing = Framing::None;
    qint64 m_outLeft = 0; // bytes of a Length body still to write
    bool m_headOnly = false; // no body goes out (HEAD, 1xx, 204, 304)
    bool m_closeAfterAnswer = false;
    std::unique_ptr<QIODevice> m_bodySource;
    bool m_pumping = false;
    qint64 m_bodySourceLeft = 0;
};

} // namespace steward
