#include "HealthProbe.h"

#include "ChildProcessGuard.h"

#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QProcess>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace steward {

namespace {

constexpr qsizetype MaxHealthResponse = 64 * 1024;

// Calls the handler once, then tears the probe's objects down.
struct Once
{
    QPointer<QObject> context;
    HealthProbe::Handler handler;
    bool done = false;
    void operator()(bool ok, const QString &detail)
    {
        if (done)
            return;
        done = true;
        if (context)
            handler(ok, detail);
    }
};

// A probe of a port nobody listens on yet can, when the port lies in the ephemeral range (as
// 47000-47999 does on Linux), be given that same port as its source and connect to itself:
// a false "open" that also leaves the port in TIME_WAIT, so the service cannot bind it. On
// Linux the whole 127/8 is local, so probes connect from 127.0.0.2 and a self-connection is
// impossible; everywhere, a connection to itself counts as a failure.
QTcpSocket *probeSocket(QObject *context)
{
    auto *socket = new QTcpSocket(context);
#ifdef Q_OS_LINUX
    socket->bind(QHostAddress(QStringLiteral("127.0.0.2")), 0);
#endif
    return socket;
}

bool connectedToItself(const QTcpSocket *socket)
{
    return socket->localPort() == socket->peerPort()
        && socket->localAddress() == socket->peerAddress();
}

} // namespace

namespace {

// Opens a probe connection to 127.0.0.1:port. A timeout, a socket error or a connection to
// itself ends the probe as a failure; `onConnected` runs once a real peer accepted.
QTcpSocket *openProbe(int port, int timeoutMs, QObject *context, const std::shared_ptr<Once> &once,
                      const QString &timeoutText, std::function<void(QTcpSocket *)> onConnected)
{
    auto *socket = probeSocket(context);
    auto *timer = new QTimer(socket);
    timer->setSingleShot(true);
    auto fail = [socket, once](const QString &detail) {
        (*once)(false, detail);
        socket->abort();
        socket->deleteLater();
    };
    QObject::connect(timer, &QTimer::timeout, socket, [fail, timeoutText] { fail(timeoutText); });
    QObject::connect(socket, &QTcpSocket::connected, socket,
                     [socket, fail, onConnected = std::move(onConnected)] {
                         if (connectedToItself(socket))
                             return fail(QStringLiteral("nothing listens yet"));
                         onConnected(socket);
                     });
    QObject::connect(socket, &QTcpSocket::errorOccurred, socket,
                     [socket, once](QAbstractSocket::SocketError e) {
                         // A peer that answers and closes (an HTTP body ended by the
                         // connection) is not a failure: the probe's own handler decides.
                         if (e == QAbstractSocket::RemoteHostClosedError)
                             return;
                         (*once)(false, socket->errorString());
                         socket->deleteLater();
                     });
    timer->start(timeoutMs);
    socket->connectToHost(QHostAddress::LocalHost, quint16(port));
    return socket;
}

} // namespace

void HealthProbe::tcp(int port, int timeoutMs, QObject *context, Handler handler)
{
    auto once = std::make_shared<Once>(Once {context, std::move(handler)});
    openProbe(port, timeoutMs, context, once,
              QStringLiteral("no connection within %1 ms").arg(timeoutMs),
              [once](QTcpSocket *socket) {
                  (*once)(true, QString());
                  socket->abort();
                  socket->deleteLater();
              });
}

void HealthProbe::http(int port, const QString &path, int timeoutMs, QObject *context,
                       Handler handler)
{
    auto once = std::make_shared<Once>(Once {context, std::move(handler)});
    QTcpSocket *socket = openProbe(
        port, timeoutMs, context, once,
        QStringLiteral("no HTTP answer within %1 ms").arg(timeoutMs), [path, port](QTcpSocket *s) {
            s->write("GET " + path.toUtf8()
                     + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port)
                     + "\r\nConnection: close\r\nUser-Agent: steward-health\r\n\r\n");
        });
    // As in the reference runtime, a check of exactly /health also reads the body.
    const bool readBody = path == QLatin1String("/health");
    auto response = std::make_shared<QByteArray>();
    auto decide = [socket, once, response, readBody](bool ended) {
        const qsizetype eol = response->indexOf("\r\n");
        if (eol < 0 && response->size() < 4096 && !ended)
            return;
        // "HTTP/1.1 200 OK"
        const QList<QByteArray> parts = response->left(eol).split(' ');
        const int code = parts.size() >= 2 ? parts.at(1).toInt() : 0;
        const bool statusOk = code >= 200 && code < 300;
        if (!readBody || !statusOk) {
            (*once)(statusOk, QStringLiteral("HTTP %1").arg(code));
        } else {
            const std::optional<QByteArray> body = completeBody(*response, ended);
            if (!body)
                return; // more to come
            QString why;
            const bool ok = healthBodyPasses(*body, &why);
            (*once)(ok,
                    ok ? QStringLiteral("HTTP %1").arg(code)
                       : QStringLiteral("HTTP %1, but %2").arg(code).arg(why));
        }
        socket->abort();
        socket->deleteLater();
    };
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, response, decide] {
        *response += socket->readAll();
        decide(response->size() > MaxHealthResponse);
    });
    QObject::connect(socket, &QTcpSocket::disconnected, socket, [socket, response, decide] {
        // Our own abort() (a decision, a timeout) closes the socket before
        // it says disconnected: nothing is left to read, and reading a closed
        // socket makes Qt warn "device not open".
        if (!socket->isOpen())
            return;
        *response += socket->readAll();
        decide(true);
    });
}

std::optional<QByteArray> HealthProbe::completeBody(const QByteArray &response, bool ended)
{
    const qsizetype headEnd = response.indexOf("\r\n\r\n");
    if (headEnd < 0)
        return ended ? std::optional<QByteArray>(QByteArray()) : std::nullopt;
    const QByteArray head = response.left(headEnd).toLower();
    QByteArray body = response.mid(headEnd + 4);
    for (const QByteArray &line : head.split('\n')) {
        const QByteArray l = line.trimmed();
        if (l.startsWith("content-length:")) {
            const qsizetype length = l.mid(15).trimmed().toLongLong();
            if (body.size() >= length)
                return body.left(length);
            return ended ? std::optional<QByteArray>(body) : std::nullopt;
        }
        if (l.startsWith("transfer-encoding:") && l.contains("chunked")) {
            // Chunks: "<hex size>\r\n<data>\r\n" ... "0\r\n\r\n".
            QByteArray out;
            qsizetype at = 0;
            while (true) {
                const qsizetype eol = body.indexOf("\r\n", at);
                if (eol < 0)
                    return ended ? std::optional<QByteArray>(out) : std::nullopt;
                bool ok = false;
                const qsizetype size
                    = body.mid(at, eol - at).split(';').first().trimmed().toLongLong(&ok, 16);
                if (!ok || size < 0)
                    return out;
                if (size == 0)
                    return out;
                if (body.size() < eol + 2 + size)
                    return ended ? std::optional<QByteArray>(out) : std::nullopt;
                out += body.mid(eol + 2, size);
                at = eol + 2 + size + 2;
            }
        }
    }
    // Neither: the body ends with the connection (we asked for Connection: close).
    return ended ? std::optional<QByteArray>(body) : std::nullopt;
}

bool HealthProbe::healthBodyPasses(const QByteArray &body, QString *why)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (!doc.isObject()) {
        *why = QStringLiteral("the /health body is not a JSON object");
        return false;
    }
    const QJsonObject o = doc.object();
    const QString status = o.value(QLatin1String("status")).toString();
    if (status == QLatin1String("healthy") || status == QLatin1String("degraded")
        || o.value(QLatin1String("readiness")).toBool())
        return true;
    *why = status.isEmpty() ? QStringLiteral("the /health body has no status")
                            : QStringLiteral("/health says \"%1\"").arg(status.left(40));
    return false;
}

void HealthProbe::command(const QStringList &argv, const QString &workingDir,
                          const QProcessEnvironment &env, int timeoutMs, QObject *context,
                          Handler handler, Confinement confinement)
{
    auto once = std::make_shared<Once>(Once {context, std::move(handler)});
    if (argv.isEmpty()) {
        QTimer::singleShot(0, context, [once] { (*once)(false, QStringLiteral("no command")); });
        return;
    }
    auto *proc = new QProcess(context);
    proc->setProgram(argv.first());
    proc->setArguments(argv.mid(1));
    proc->setWorkingDirectory(workingDir);
    proc->setProcessEnvironment(env);
    proc->setStandardOutputFile(QProcess::nullDevice());
    proc->setStandardErrorFile(QProcess::nullDevice());
    ChildProcessGuard::guardHelper(*proc, std::move(confinement));
    auto *timer = new QTimer(proc);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, proc, [proc, once, timeoutMs] {
        (*once)(false, QStringLiteral("the check command ran longer than %1 ms").arg(timeoutMs));
        ChildProcessGuard::stopHelper(*proc);
    });
    QObject::connect(
        proc, &QProcess::finished, proc, [proc, once](int code, QProcess::ExitStatus status) {
            (*once)(status == QProcess::NormalExit && code == 0,
                    status == QProcess::NormalExit ? QStringLiteral("exit code %1").arg(code)
                                                   : QStringLiteral("crashed"));
            proc->deleteLater();
        });
    QObject::connect(proc, &QProcess::errorOccurred, proc, [proc, once](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart) {
            (*once)(false,
                    QStringLiteral("cannot run the check command: %1").arg(proc->errorString()));
            proc->deleteLater();
        }
    });
    // A check still running when its owner goes (a stopped service, a test's context) is
    // killed with its group and reaped first, not left to QProcess's destructor to warn about.
    QObject::connect(context, &QObject::destroyed, proc, [proc] {
        if (proc->state() == QProcess::NotRunning)
            return;
        ChildProcessGuard::stopHelper(*proc);
        proc->waitForFinished(1000);
    });
    timer->start(timeoutMs);
    proc->start();
}

} // namespace steward
