#include "UiBundleServer.h"

#include "UiReverseProxy.h"
#include "api/HttpConnection.h"
#include "api/LoopbackGuard.h"
#include "logging/Logging.h"

#include <QDir>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace steward {

namespace {

// Request log lines wait this long to be written together: one write for a burst of requests.
constexpr int LogFlushMs = 50;

QByteArray pathOf(const QByteArray &target)
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? target : target.left(q);
}

} // namespace

bool UiBundleServer::isProxied(const QByteArray &rawPath)
{
    // A plain prefix, as the reference runtime matches it (so "/api-docs" goes to the API too).
    return rawPath.startsWith("/api") || rawPath.startsWith("/ws");
}

UiBundleServer::UiBundleServer(Settings settings, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_files(UiPathResolver(m_settings.root, m_settings.excluded))
    , m_server(new QTcpServer(this))
    , m_logFlush(new QTimer(this))
{
    UiReverseProxy::Settings proxy;
    proxy.port = m_settings.apiPort;
    proxy.service = m_settings.apiPort > 0
        ? QStringLiteral("%1 on 127.0.0.1:%2").arg(m_settings.apiService).arg(m_settings.apiPort)
        : QStringLiteral("none");
    proxy.responseTimeoutMs = m_settings.proxyTimeoutMs;
    m_proxy = new UiReverseProxy(proxy, this);
    m_server->setListenBacklogSize(MaxConnections);
    m_server->setMaxPendingConnections(MaxConnections);
    connect(m_server, &QTcpServer::newConnection, this, &UiBundleServer::accept);
    connect(m_server, &QTcpServer::acceptError, this, [this](QAbstractSocket::SocketError) {
        Logging::web()->warn("port {}: cannot accept a connection: {}", m_port,
                             m_server->errorString().toStdString());
    });
    m_logFlush->setSingleShot(true);
    connect(m_logFlush, &QTimer::timeout, this, &UiBundleServer::flushLog);
}

UiBundleServer::~UiBundleServer()
{
    m_logFlush->stop();
    m_proxy->stop();
    for (const QPointer<HttpConnection> &c : std::as_const(m_connections))
        delete c.data();
}

Status UiBundleServer::start()
{
    if (m_files.resolver().root().isEmpty())
        return Status::failure(QStringLiteral("its asset folder %1 does not exist")
                                   .arg(QDir::toNativeSeparators(m_settings.root)));
    if (m_files.resolver()
            .servable(m_files.resolver().root() + QStringLiteral("/index.html"))
            .isEmpty())
        return Status::failure(QStringLiteral("its asset folder %1 has no index.html")
                                   .arg(QDir::toNativeSeparators(m_files.resolver().root())));
    if (!m_server->listen(QHostAddress::LocalHost, quint16(m_settings.port)))
        return Status::failure(QStringLiteral("cannot listen on 127.0.0.1:%1: %2")
                                   .arg(m_settings.port)
                                   .arg(m_server->errorString()));
    m_port = m_server->serverPort();
    return {};
}

void UiBundleServer::stop()
{
    m_server->close();
    m_proxy->stop();
    const QList<QPointer<HttpConnection>> open = std::exchange(m_connections, {});
    for (const QPointer<HttpConnection> &c : open)
        delete c.data();
    m_logFlush->stop();
    flushLog();
}

bool UiBundleServer::isListening() const
{
    return m_server->isListening();
}

void UiBundleServer::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        m_connections.removeAll(nullptr);
        if (m_connections.size() + m_proxy->tunnels() >= MaxConnections) {
            socket->write(
                HttpResponse::error(
                    503, "too_many_connections",
                    QStringLiteral("more than %1 connections are open").arg(MaxConnections))
                    .serialize(false));
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        // Answers go out as they are written: with Nagle's algorithm the last short piece of
        // one would wait for the browser's delayed ACK (40 ms).
        socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        auto *conn = new HttpConnection(
            socket, [this](HttpExchange *exchange) { handle(exchange); },
            // The API's request bodies stream through (uploads); a file request's body is
            // bounded like a control API request's.
            [](const HttpRequest &head) { return isProxied(pathOf(head.target)); }, this);
        m_connections.append(conn);
    }
}

void UiBundleServer::handle(HttpExchange *exchange)
{
    const HttpRequest &request = exchange->request();
    QElapsedTimer took;
    took.start();
    auto status = std::make_shared<int>(0);
    // Logged once the exchange is over: its answer is out, or the client left.
    connect(exchange, &QObject::destroyed, this,
            [this, method = request.method, path = pathOf(request.target), status, took] {
                log(method, path, *status, took.nsecsElapsed());
            });
    if (std::optional<HttpResponse> refused = LoopbackGuard::refusal(request, m_port)) {
        *status = refused->status;
        return exchange->respond(*refused);
    }
    if (isProxied(pathOf(request.target)))
        return m_proxy->forward(exchange, [status](int s) { *status = s; });
    *status = m_files.respond(exchange);
}

void UiBundleServer::log(const QByteArray &method, const QByteArray &path, int status,
                         qint64 nanoseconds)
{
    m_logBatch += method + ' ' + path + ' '
        + (status > 0 ? QByteArray::number(status) : QByteArrayLiteral("(client left)")) + ' '
        + QByteArray::number(double(nanoseconds) / 1e6, 'f', 1) + " ms\n";
    if (!m_logFlush->isActive())
        m_logFlush->start(LogFlushMs);
}

void UiBundleServer::flushLog()
{
    if (m_logBatch.isEmpty())
        return;
    Q_EMIT requestsLogged(std::exchange(m_logBatch, {}));
}

} // namespace steward
