#include "TestPrinters.h"
#include "core/Redactor.h"
#include "process/TelemetryLog.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using json = nlohmann::json;

namespace {

QList<json> linesOf(const QString &path)
{
    QList<json> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.isEmpty())
            out << json::parse(line.toStdString(), nullptr, false);
    }
    return out;
}

} // namespace

class tst_TelemetryLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lineShape_data();
    void lineShape();
    void valuesAreRedacted();
    void rotatesOnceAtTheCap();
};

void tst_TelemetryLog::lineShape_data()
{
    QTest::addColumn<QByteArray>("fields");
    QTest::addColumn<QByteArray>("serviceId"); // "null": no service_id key
    QTest::addColumn<QByteArray>("details");
    QTest::newRow("service event") << QByteArray(R"({"service":"api","pid":12})")
                                   << QByteArray(R"("api")") << QByteArray(R"({"pid":12})");
    QTest::newRow("service_id given as such")
        << QByteArray(R"({"service_id":"db","version":"2"})") << QByteArray(R"("db")")
        << QByteArray(R"({"version":"2"})");
    QTest::newRow("runtime event")
        << QByteArray(R"({"app":"demo","version":"1.0"})") << QByteArray("null")
        << QByteArray(R"({"app":"demo","version":"1.0"})");
    QTest::newRow("no fields") << QByteArray("{}") << QByteArray("null") << QByteArray("{}");
}

void tst_TelemetryLog::lineShape()
{
    QFETCH(QByteArray, fields);
    QFETCH(QByteArray, serviceId);
    QFETCH(QByteArray, details);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("telemetry/events.jsonl"));
    TelemetryLog log(path, std::make_shared<Redactor>());
    log.record("some_event", json::parse(fields.toStdString()));
    const QList<json> lines = linesOf(path);
    QCOMPARE(lines.size(), 1);
    const json &line = lines.first();
    // The Vrooli runtime's shape: {"ts","event","service_id","details"} and nothing else.
    QCOMPARE(test::dumped(line["event"]), test::dumped(json("some_event")));
    QVERIFY(line["ts"].is_string());
    QVERIFY(QDateTime::fromString(QString::fromStdString(line["ts"].get<std::string>()),
                                  Qt::ISODateWithMs)
                .isValid());
    QCOMPARE(test::dumped(line.value("service_id", json())),
             test::dumped(json::parse(serviceId.toStdString())));
    QCOMPARE(test::dumped(line["details"]), test::dumped(json::parse(details.toStdString())));
    QCOMPARE(line.size(), line.contains("service_id") ? 4u : 3u);
}

void tst_TelemetryLog::valuesAreRedacted()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.jsonl"));
    auto redactor = std::make_shared<Redactor>();
    redactor->setSecrets({QByteArrayLiteral("hunter2hunter2")});
    TelemetryLog log(path, redactor);
    log.record("service_exit", {{"service", "api"}, {"reason", "printed hunter2hunter2"}});
    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray text = f.readAll();
    QVERIFY(!text.contains("hunter2hunter2"));
    QVERIFY(text.contains("***REDACTED***"));
}

void tst_TelemetryLog::rotatesOnceAtTheCap()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("events.jsonl"));
    TelemetryLog log(path, std::make_shared<Redactor>(), 400);
    for (int i = 0; i < 10; ++i)
        log.record("tick", {{"n", i}});
    QVERIFY(QFile::exists(path + QStringLiteral(".1")));
    QVERIFY(QFileInfo(path).size() <= 400);
    QCOMPARE(linesOf(path).last()["details"]["n"].get<int>(), 9);
}

QTEST_GUILESS_MAIN(tst_TelemetryLog)

#include "tst_telemetrylog.moc"
