#include "StewardProcess.h"
#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <sys/prctl.h>
#include <unistd.h>

using namespace steward;
using test::StewardProcess;

namespace {

const QByteArray Token = "wx_0123456789abcdefghij";

// Chromium's DevTools protocol over its loopback debugging port: one call at a time.
class DevTools
{
public:
    bool open(const QUrl &url)
    {
        m_socket.open(url);
        return QTest::qWaitFor(
            [this] { return m_socket.state() == QAbstractSocket::ConnectedState; }, 20000);
    }
    // Sends a command and waits for its answer's "result" (empty on error or timeout).
    QJsonObject call(const QString &method, const QJsonObject &params = {})
    {
        const int id = ++m_id;
        QJsonObject message {{QStringLiteral("id"), id}, {QStringLiteral("method"), method}};
        if (!params.isEmpty())
            message.insert(QStringLiteral("params"), params);
        m_socket.sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson()));
        QJsonObject answer;
        (void)QTest::qWaitFor(
            [&] {
                while (!m_messages.isEmpty()) {
                    const QJsonObject m
                        = QJsonDocument::fromJson(m_messages.takeFirst().toUtf8()).object();
                    if (m.value(QStringLiteral("id")).toInt() == id) {
                        answer = m;
                        return true;
                    }
                }
                return false;
            },
            20000);
        if (answer.contains(QStringLiteral("error")))
            qWarning("DevTools %s: %s", qPrintable(method),
                     QJsonDocument(answer).toJson(QJsonDocument::Compact).constData());
        return answer.value(QStringLiteral("result")).toObject();
    }
    // Evaluates a JavaScript expression in the page; its value.
    QJsonValue evaluate(const QString &expression)
    {
        return call(QStringLiteral("Runtime.evaluate"),
                    {{QStringLiteral("expression"), expression},
                     {QStringLiteral("returnByValue"), true}})
            .value(QStringLiteral("result"))
            .toObject()
            .value(QStringLiteral("value"));
    }

    DevTools()
    {
        QObject::connect(&m_socket, &QWebSocket::textMessageReceived, &m_socket,
                         [this](const QString &m) { m_messages.append(m); });
    }

private:
    QWebSocket m_socket {QStringLiteral("http://127.0.0.1")};
    QStringList m_messages;
    int m_id = 0;
};

QString findChromium()
{
    for (const char *name : {"chromium", "chromium-browser", "google-chrome"}) {
        const QString path = QStandardPaths::findExecutable(QLatin1String(name));
        if (!path.isEmpty())
            return path;
    }
    return {};
}

// GET on a raw socket, with any extra header lines; the whole answer as it came.
QByteArray rawGet(int port, const QByteArray &path, const QByteArray &extra = {})
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, quint16(port));
    if (!socket.waitForConnected(5000))
        return {};
    socket.write("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n"
                 + extra + "Connection: close\r\n\r\n");
    QByteArray answer;
    (void)QTest::qWaitFor(
        [&] {
            answer += socket.readAll();
            return socket.state() == QAbstractSocket::UnconnectedState;
        },
        10000);
    return answer + socket.readAll();
}

} // namespace

// The example bundle in a real browser: steward serves the example's page, Debian's chromium
// (headless) loads it, and the page's script asks the API through /api and gets a WebSocket echo
// through /ws. The test reads what the page wrote into its DOM over chromium's DevTools protocol
// (loopback only), saves a screenshot of it, and fails if either call failed.
class tst_UiBundleBrowser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void pageCallsTheApiAndEchoesOverWebSocket();
    void controlApiIsNotReachableThroughTheUiPort();
    void requestsAreInTheServiceLog();

private:
    QTemporaryDir m_data;
    std::unique_ptr<StewardProcess> m_steward;
    int m_uiPort = 0;
};

void tst_UiBundleBrowser::initTestCase()
{
    QVERIFY(m_data.isValid());
    m_steward = std::make_unique<StewardProcess>(
        QStringList {QStringLiteral("--app-data"), m_data.path(), QStringLiteral("--prompt")},
        Token + "\n\n");
    QVERIFY2(m_steward->waitFor(QStringLiteral("hello-steward is ready.")),
             qPrintable(m_steward->out() + m_steward->err()));
    const QRegularExpressionMatch m
        = QRegularExpression(QStringLiteral("ui: ready \\(http on 127\\.0\\.0\\.1:(\\d+)\\)"))
              .match(m_steward->out());
    QVERIFY2(m.hasMatch(), qPrintable(m_steward->out()));
    m_uiPort = m.captured(1).toInt();
}

void tst_UiBundleBrowser::cleanupTestCase()
{
    if (m_steward)
        QCOMPARE(m_steward->terminate().code, 0);
}

void tst_UiBundleBrowser::pageCallsTheApiAndEchoesOverWebSocket()
{
    const QString chromium = findChromium();
    if (chromium.isEmpty())
        QSKIP("chromium is not installed (scripts/setup installs Debian's chromium); the page was "
              "not loaded in a browser");
    QTemporaryDir profile;
    QVERIFY(profile.isValid());
    QProcess browser;
    browser.setProcessChannelMode(QProcess::MergedChannels);
    // Chromium's helpers follow it; if this test dies, chromium goes too.
    browser.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
    QStringList args {QStringLiteral("--headless"),
                      QStringLiteral("--disable-gpu"),
                      QStringLiteral("--disable-quic"),
                      QStringLiteral("--no-first-run"),
                      QStringLiteral("--disable-background-networking"),
                      QStringLiteral("--disable-component-update"),
                      QStringLiteral("--disable-sync"),
                      QStringLiteral("--user-data-dir=") + profile.path(),
                      QStringLiteral("--remote-debugging-port=0"),
                      QStringLiteral("--remote-allow-origins=http://127.0.0.1"),
                      QStringLiteral("--window-size=1000,700"),
                      QStringLiteral("about:blank")};
    if (::geteuid() == 0)
        args.prepend(QStringLiteral("--no-sandbox")); // chromium's sandbox refuses root
    browser.start(chromium, args);
    QVERIFY2(browser.waitForStarted(), qPrintable(browser.errorString()));
    auto stopBrowser = qScopeGuard([&browser, &profile] {
        if (!browser.waitForFinished(5000)) { // Browser.close ends it when all went well
            browser.terminate();
            if (!browser.waitForFinished(10000))
                browser.kill();
            browser.waitForFinished(5000);
        }
        // Its helper processes may still be writing into the profile for a moment.
        (void)QTest::qWaitFor([&profile] { return profile.remove(); }, 10000);
    });

    // Chromium writes the port it chose into the profile: "<port>\n<browser path>".
    QFile activePort(profile.filePath(QStringLiteral("DevToolsActivePort")));
    QVERIFY2(QTest::qWaitFor([&] { return activePort.exists() && activePort.size() > 0; }, 30000),
             browser.readAll().constData());
    QVERIFY(activePort.open(QIODevice::ReadOnly));
    const int devtoolsPort = activePort.readLine().trimmed().toInt();
    QVERIFY(devtoolsPort > 0);

    QNetworkAccessManager nam;
    QNetworkReply *list = nam.get(
        QNetworkRequest(QUrl(QStringLiteral("http://127.0.0.1:%1/json/list").arg(devtoolsPort))));
    QTRY_VERIFY_WITH_TIMEOUT(list->isFinished(), 20000);
    QString pageSocket;
    for (const QJsonValue &target : QJsonDocument::fromJson(list->readAll()).array()) {
        if (target.toObject().value(QStringLiteral("type")).toString() == QLatin1String("page"))
            pageSocket = target.toObject().value(QStringLiteral("webSocketDebuggerUrl")).toString();
    }
    list->deleteLater();
    QVERIFY2(!pageSocket.isEmpty(), "chromium shows no page to attach to");

    DevTools page;
    QVERIFY(page.open(QUrl(pageSocket)));
    page.call(QStringLiteral("Page.enable"));
    const QString url = QStringLiteral("http://127.0.0.1:%1/").arg(m_uiPort);
    page.call(QStringLiteral("Page.navigate"), {{QStringLiteral("url"), url}});

    // The page's script writes each outcome into data-state; #status sums them up.
    const QString read
        = QStringLiteral("(() => { const s = (id) => { const e = document.getElementById(id); "
                         "return e ? {state: e.dataset.state, text: e.textContent} : null; }; "
                         "return {api: s('api'), ws: s('ws'), status: s('status')}; })()");
    QJsonObject dom;
    const bool settled = QTest::qWaitFor(
        [&] {
            dom = page.evaluate(read).toObject();
            const QString status = dom.value(QStringLiteral("status"))
                                       .toObject()
                                       .value(QStringLiteral("state"))
                                       .toString();
            return !status.isEmpty() && status != QLatin1String("pending");
        },
        30000);

    // The screenshot, whatever the outcome: it shows what a person would have seen.
    const QJsonObject shot = page.call(QStringLiteral("Page.captureScreenshot"),
                                       {{QStringLiteral("format"), QStringLiteral("png")}});
    const QByteArray png
        = QByteArray::fromBase64(shot.value(QStringLiteral("data")).toString().toLatin1());
    QVERIFY(QDir().mkpath(QStringLiteral(STEWARD_SCREENSHOT_DIR)));
    const QString path
        = QStringLiteral(STEWARD_SCREENSHOT_DIR) + QStringLiteral("/ui-bundle-hello.png");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(png.startsWith("\x89PNG"));
    file.write(png);
    qInfo("saved %s", qPrintable(path));

    const QByteArray seen = QJsonDocument(dom).toJson(QJsonDocument::Compact);
    QVERIFY2(settled, seen.constData());
    const QJsonObject api = dom.value(QStringLiteral("api")).toObject();
    const QJsonObject ws = dom.value(QStringLiteral("ws")).toObject();
    QVERIFY2(api.value(QStringLiteral("state")).toString() == QLatin1String("ok"),
             seen.constData());
    QCOMPARE(api.value(QStringLiteral("text")).toString(), QStringLiteral("Hello from api"));
    QVERIFY2(ws.value(QStringLiteral("state")).toString() == QLatin1String("ok"), seen.constData());
    QVERIFY2(
        ws.value(QStringLiteral("text")).toString().startsWith(QLatin1String("echoed \"ping ")),
        seen.constData());
    QCOMPARE(
        dom.value(QStringLiteral("status")).toObject().value(QStringLiteral("state")).toString(),
        QStringLiteral("ok"));
    page.call(QStringLiteral("Browser.close"));
}

void tst_UiBundleBrowser::controlApiIsNotReachableThroughTheUiPort()
{
    QFile tokenFile(m_data.filePath(QStringLiteral("runtime/auth-token")));
    QVERIFY(tokenFile.open(QIODevice::ReadOnly));
    const QByteArray token = tokenFile.readAll().trimmed();
    QVERIFY(!token.isEmpty());
    // The control API's routes, with its admin token: the page's index.html answers, nothing more.
    for (const QByteArray path : {"/healthz", "/readyz", "/secrets", "/status", "/shutdown",
                                  "/openapi.json", "/runtime/auth-token"}) {
        const QByteArray answer = rawGet(m_uiPort, path, "Authorization: Bearer " + token + "\r\n");
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.left(200).constData());
        QVERIFY2(answer.contains("Content-Type: text/html"), answer.left(400).constData());
        QVERIFY(answer.contains("Hello from hello-steward"));
        QVERIFY(!answer.contains(token));
    }
    // The app data dir is never served, whatever the path.
    for (const QByteArray path : {"/../runtime/auth-token", "/%2e%2e/runtime/auth-token"})
        QVERIFY(rawGet(m_uiPort, path).startsWith("HTTP/1.1 404"));
    QVERIFY(m_steward->isRunning());
}

void tst_UiBundleBrowser::requestsAreInTheServiceLog()
{
    QVERIFY(rawGet(m_uiPort, "/app.js?v=1").startsWith("HTTP/1.1 200"));
    auto logged = [this] {
        QFile log(m_data.filePath(QStringLiteral("logs/ui/ui.log")));
        return log.open(QIODevice::ReadOnly) ? log.readAll() : QByteArray();
    };
    QTRY_VERIFY(logged().contains("GET /app.js 200"));
    const QByteArray text = logged();
    QVERIFY(text.contains("serving "));
    QVERIFY(!text.contains("?v=1"));
}

QTEST_GUILESS_MAIN(tst_UiBundleBrowser)
#include "tst_uibundlebrowser.moc"
