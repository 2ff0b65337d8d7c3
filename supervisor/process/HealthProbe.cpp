#include "HealthProbe.h"

#include <QHostAddress>
#include <QPointer>
#include <QProcess>
#include <QTcpSocket>
#include <QTimer>

#include <memory>

namespace steward {

namespace {

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
                     [socket, once](QAbstractSocket::SocketError) {
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
    auto response = std::make_shared<QByteArray>();
    QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, once, response] {
        *response += socket->readAll();
        const qsizetype eol = response->indexOf("\r\n");
        if (eol < 0 && response->size() < 4096)
            return;
        // "HTTP/1.1 200 OK": only the status line matters.
        const QList<QByteArray> parts = response->left(eol).split(' ');
        const int code = parts.size() >= 2 ? parts.at(1).toInt() : 0;
        (*once)(code >= 200 && code < 300, QStringLiteral("HTTP %1").arg(code));
        socket->abort();
        socket->deleteLater();
    });
}

void HealthProbe::command(const QStringList &argv, const QString &workingDir,
                          const QProcessEnvironment &env, int timeoutMs, QObject *context,
                          Handler handler)
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
    auto *timer = new QTimer(proc);
    timer->setSingleShot(true);
    QObject::connect(timer, &QTimer::timeout, proc, [proc, once, timeoutMs] {
        (*once)(false, QStringLiteral("the check command ran longer than %1 ms").arg(timeoutMs));
        proc->kill();
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
    timer->start(timeoutMs);
    proc->start();
}

} // namespace steward
