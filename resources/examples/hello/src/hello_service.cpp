// hello-service: the demo service of the example bundle. Serves /healthz, a page listing which
// secrets it received (by name and length only; never a value), and for the bundle's page
// /api/hello and a WebSocket echo on /ws.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcessEnvironment>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QTextStream>
#include <QTimer>
#include <QWebSocket>

#include <csignal>
#include <memory>
#include <sys/socket.h>
#include <unistd.h>

namespace {

QString secretsReport(const QStringList &envNames)
{
    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    QString html;
    for (const QString &name : envNames) {
        const QString value = env.value(name);
        html += QStringLiteral("<li>%1: %2</li>")
                    .arg(name.toHtmlEscaped(),
                         env.contains(name) ? QStringLiteral("%1 characters").arg(value.size())
                                            : QStringLiteral("not set"));
    }
    for (const QString &key : env.keys()) {
        if (!key.startsWith(QLatin1String("STEWARD_SECRET_FILE_")))
            continue;
        QFile file(env.value(key));
        const bool readable = file.open(QIODevice::ReadOnly);
        html += QStringLiteral("<li>%1: file, %2</li>")
                    .arg(key.toHtmlEscaped(),
                         readable ? QStringLiteral("%1 bytes").arg(file.size())
                                  : QStringLiteral("unreadable"));
    }
    return html;
}

int signalPipe[2] = {-1, -1};

void onSigterm(int)
{
    const char c = 't';
    [[maybe_unused]] const auto n = ::write(signalPipe[1], &c, 1);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Demo service for Steward's example bundle."));
    parser.addHelpOption();
    const QCommandLineOption nameOpt(QStringLiteral("name"), QStringLiteral("Service name."),
                                     QStringLiteral("NAME"), QStringLiteral("hello"));
    const QCommandLineOption portOpt(QStringLiteral("port"), QStringLiteral("Port to listen on."),
                                     QStringLiteral("PORT"));
    const QCommandLineOption secretEnvOpt(QStringLiteral("secret-env"),
                                          QStringLiteral("An environment variable holding a "
                                                         "secret (repeatable)."),
                                          QStringLiteral("NAME"));
    // Behaviours for Steward's own tests; a real service has none of these.
    const QCommandLineOption exitAfterOpt(QStringLiteral("exit-after-ms"),
                                          QStringLiteral("Exit after N ms."), QStringLiteral("N"));
    const QCommandLineOption exitCodeOpt(QStringLiteral("exit-code"),
                                         QStringLiteral("Exit code for --exit-after-ms."),
                                         QStringLiteral("CODE"), QStringLiteral("1"));
    const QCommandLineOption readyAfterOpt(
        QStringLiteral("ready-after-ms"),
        QStringLiteral("Answer /healthz with 503 for the first N ms."), QStringLiteral("N"),
        QStringLiteral("0"));
    const QCommandLineOption unhealthyAfterOpt(
        QStringLiteral("unhealthy-after-ms"),
        QStringLiteral("Answer /healthz with 500 after N ms."), QStringLiteral("N"));
    const QCommandLineOption termMarkerOpt(
        QStringLiteral("term-marker"), QStringLiteral("On SIGTERM, write this file, then exit 0."),
        QStringLiteral("PATH"));
    const QCommandLineOption ignoreTermOpt(QStringLiteral("ignore-sigterm"),
                                           QStringLiteral("Ignore SIGTERM."));
    const QCommandLineOption printEnvOpt(
        QStringLiteral("print-env"),
        QStringLiteral("Print the value of this variable at start (tests redaction)."),
        QStringLiteral("NAME"));
    const QCommandLineOption printEncodedOpt(
        QStringLiteral("print-env-encoded"),
        QStringLiteral("Print the value of this variable at start in base64, base64url, hex, "
                       "percent-encoding and JSON (tests redaction)."),
        QStringLiteral("NAME"));
    const QCommandLineOption sayOpt(QStringLiteral("say"),
                                    QStringLiteral("Print this line after N ms (--say-after-ms)."),
                                    QStringLiteral("TEXT"));
    const QCommandLineOption sayAfterOpt(QStringLiteral("say-after-ms"),
                                         QStringLiteral("Delay for --say."), QStringLiteral("N"),
                                         QStringLiteral("0"));
    const QCommandLineOption noListenOpt(QStringLiteral("no-listen"),
                                         QStringLiteral("Do not open a port."));
    const QCommandLineOption fetchOpt(
        QStringLiteral("fetch-secret"),
        QStringLiteral("At start, read this secret from Steward's control API with "
                       "STEWARD_TOKEN and say how it went (repeatable)."),
        QStringLiteral("ID"));
    parser.addOptions({nameOpt, portOpt, secretEnvOpt, exitAfterOpt, exitCodeOpt, readyAfterOpt,
                       unhealthyAfterOpt, termMarkerOpt, ignoreTermOpt, printEnvOpt,
                       printEncodedOpt, sayOpt, sayAfterOpt, noListenOpt, fetchOpt});
    parser.process(app);

    // SIGTERM: exit cleanly (default), write a marker first, or ignore it.
    if (parser.isSet(ignoreTermOpt)) {
        std::signal(SIGTERM, SIG_IGN);
    } else if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) == 0) {
        auto *notifier = new QSocketNotifier(signalPipe[0], QSocketNotifier::Read, &app);
        const QString marker = parser.value(termMarkerOpt);
        QObject::connect(notifier, &QSocketNotifier::activated, &app, [marker] {
            if (!marker.isEmpty()) {
                QFile f(marker);
                if (f.open(QIODevice::WriteOnly))
                    f.write("terminated cleanly\n");
            }
            QCoreApplication::exit(0);
        });
        std::signal(SIGTERM, onSigterm);
    }
    if (parser.isSet(printEnvOpt))
        QTextStream(stdout) << parser.value(printEnvOpt) << "="
                            << qEnvironmentVariable(qPrintable(parser.value(printEnvOpt)))
                            << Qt::endl;
    if (parser.isSet(printEncodedOpt)) {
        const QString name = parser.value(printEncodedOpt);
        const QByteArray v = qgetenv(qPrintable(name));
        QTextStream out(stdout);
        out << name << " base64=" << v.toBase64() << Qt::endl;
        out << name << " base64url=" << v.toBase64(QByteArray::Base64UrlEncoding) << Qt::endl;
        out << name << " base64url-bare="
            << v.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            << Qt::endl;
        out << name << " basic-auth=" << QByteArray("user:" + v).toBase64() << Qt::endl;
        out << name << " hex=" << v.toHex() << Qt::endl;
        out << name << " HEX=" << v.toHex().toUpper() << Qt::endl;
        out << name << " url=" << v.toPercentEncoding() << Qt::endl;
        out << name << " json="
            << QJsonDocument(QJsonObject {{name, QString::fromUtf8(v)}})
                   .toJson(QJsonDocument::Compact)
            << Qt::endl;
        out << name << " json-slash=\"" << QByteArray(v).replace("/", "\\/") << "\"" << Qt::endl;
    }
    if (parser.isSet(exitAfterOpt))
        QTimer::singleShot(
            parser.value(exitAfterOpt).toInt(), &app,
            [code = parser.value(exitCodeOpt).toInt()] { QCoreApplication::exit(code); });
    if (parser.isSet(sayOpt))
        QTimer::singleShot(parser.value(sayAfterOpt).toInt(), &app, [text = parser.value(sayOpt)] {
            QTextStream(stdout) << text << Qt::endl;
        });
    // Reads secrets the way a bundled service would: from the control API, with its own token.
    auto *net = new QNetworkAccessManager(&app);
    for (const QString &id : parser.values(fetchOpt)) {
        QNetworkRequest req(QUrl(qEnvironmentVariable("STEWARD_CONTROL_URL")
                                 + QStringLiteral("/secrets/") + id + QStringLiteral("/value")));
        req.setRawHeader("Authorization", "Bearer " + qgetenv("STEWARD_TOKEN"));
        QNetworkReply *reply = net->get(req);
        QObject::connect(reply, &QNetworkReply::finished, &app, [reply, id] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
            if (status == 200)
                QTextStream(stdout) << "fetched " << id << ": "
                                    << body.value(QStringLiteral("value")).toString().size()
                                    << " characters, version "
                                    << body.value(QStringLiteral("version")).toInt() << Qt::endl;
            else
                QTextStream(stdout) << "refused " << id << ": HTTP " << status << Qt::endl;
            reply->deleteLater();
        });
    }
    if (parser.isSet(noListenOpt))
        return app.exec();

    bool ok = false;
    const quint16 port = quint16(parser.value(portOpt).toUInt(&ok));
    if (!ok || port == 0) {
        QTextStream(stderr) << "hello-service: --port must be a port number\n";
        return 2;
    }
    const QString name = parser.value(nameOpt);
    const QStringList secretEnv = parser.values(secretEnvOpt);

    QElapsedTimer alive;
    alive.start();
    const qint64 readyAfter = parser.value(readyAfterOpt).toLongLong();
    const qint64 unhealthyAfter
        = parser.isSet(unhealthyAfterOpt) ? parser.value(unhealthyAfterOpt).toLongLong() : -1;
    QHttpServer server;
    auto reportedReady = std::make_shared<bool>(false);
    server.route(QStringLiteral("/healthz"), [alive, readyAfter, unhealthyAfter, reportedReady] {
        if (alive.elapsed() < readyAfter)
            return QHttpServerResponse(QByteArrayLiteral("starting"),
                                       QHttpServerResponse::StatusCode::ServiceUnavailable);
        if (unhealthyAfter >= 0 && alive.elapsed() >= unhealthyAfter)
            return QHttpServerResponse(QByteArrayLiteral("broken"),
                                       QHttpServerResponse::StatusCode::InternalServerError);
        if (readyAfter > 0 && !*reportedReady) {
            // For the readiness benchmark: how long after becoming ready the first check came.
            *reportedReady = true;
            QTextStream(stdout) << "first healthy check " << alive.elapsed() - readyAfter
                                << " ms after ready" << Qt::endl;
        }
        return QHttpServerResponse(QByteArrayLiteral("ok"));
    });

    server.route(QStringLiteral("/"), [name, secretEnv] {
        const QString greeting = qEnvironmentVariable("GREETING_NAME");
        QString page
            = QStringLiteral("<!doctype html><title>%1</title><h1>Hello%2 from %1</h1>"
                             "<p>Secrets this service received:</p><ul>%3</ul>")
                  .arg(name.toHtmlEscaped(),
                       greeting.isEmpty() ? QString()
                                          : QStringLiteral(", ") + greeting.toHtmlEscaped(),
                       secretsReport(secretEnv));
        return QHttpServerResponse(QByteArrayLiteral("text/html; charset=utf-8"), page.toUtf8());
    });
    // What the bundle's page asks for, through Steward's /api and /ws forwarding.
    server.route(QStringLiteral("/api/hello"), [name] {
        return QHttpServerResponse(
            QJsonObject {{QStringLiteral("service"), name},
                         {QStringLiteral("message"), QStringLiteral("Hello from %1").arg(name)}});
    });
    // Qt HTTP Server hands an upgrade over to its WebSocket server only once a route took the
    // request: this one answers only requests that are not upgrades.
    server.route(QStringLiteral("/ws"),
                 [](const QHttpServerRequest &request, QHttpServerResponder &&responder) {
                     if (request.value("upgrade").compare("websocket", Qt::CaseInsensitive) != 0)
                         responder.write(QHttpServerResponder::StatusCode::BadRequest);
                 });
    QObject::connect(&server, &QHttpServer::newWebSocketConnection, &app, [&server, &app] {
        while (server.hasPendingWebSocketConnections()) {
            QWebSocket *socket = server.nextPendingWebSocketConnection().release();
            socket->setParent(&app);
            QObject::connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
            if (socket->requestUrl().path() != QLatin1String("/ws")) {
                socket->close(QWebSocketProtocol::CloseCodePolicyViolated);
                continue;
            }
            QObject::connect(socket, &QWebSocket::textMessageReceived, socket,
                             [socket](const QString &text) { socket->sendTextMessage(text); });
            QObject::connect(socket, &QWebSocket::binaryMessageReceived, socket,
                             [socket](const QByteArray &data) { socket->sendBinaryMessage(data); });
        }
    });
    if (server.listen(QHostAddress::LocalHost, port) == 0) {
        QTextStream(stderr) << "hello-service: cannot listen on 127.0.0.1:" << port << "\n";
        return 1;
    }
    QTextStream(stdout) << name << " listening on 127.0.0.1:" << port << Qt::endl;
    return app.exec();
}
