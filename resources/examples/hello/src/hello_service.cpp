// hello-service: the demo service of the example bundle. Serves /healthz and a page listing
// which secrets it received, by name and length only; never a value.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTextStream>

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
    parser.addOptions({nameOpt, portOpt, secretEnvOpt});
    parser.process(app);

    bool ok = false;
    const quint16 port = quint16(parser.value(portOpt).toUInt(&ok));
    if (!ok || port == 0) {
        QTextStream(stderr) << "hello-service: --port must be a port number\n";
        return 2;
    }
    const QString name = parser.value(nameOpt);
    const QStringList secretEnv = parser.values(secretEnvOpt);

    QHttpServer server;
    server.route(QStringLiteral("/healthz"), [] { return QStringLiteral("ok"); });
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
    if (server.listen(QHostAddress::LocalHost, port) == 0) {
        QTextStream(stderr) << "hello-service: cannot listen on 127.0.0.1:" << port << "\n";
        return 1;
    }
    QTextStream(stdout) << name << " listening on 127.0.0.1:" << port << Qt::endl;
    return app.exec();
}
