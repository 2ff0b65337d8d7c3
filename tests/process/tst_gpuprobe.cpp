#include "process/GpuProbe.h"

#include <QTest>

using namespace steward;

class tst_GpuProbe : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup() { qunsetenv("BUNDLE_GPU_AVAILABLE"); }
    void answer_data();
    void answer();
    void statusIsKnownOnlyOnceProbed();
};

void tst_GpuProbe::answer_data()
{
    QTest::addColumn<QByteArray>("override"); // BUNDLE_GPU_AVAILABLE; empty: unset
    QTest::addColumn<QString>("program");
    QTest::addColumn<bool>("available");
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("reason");
    QTest::newRow("nvidia-smi fails")
        << QByteArray() << QStringLiteral("/bin/false") << false << QStringLiteral("nvidia-smi")
        << QStringLiteral("nvidia-smi found no GPU (exit code 1)");
    QTest::newRow("nvidia-smi missing")
        << QByteArray() << QStringLiteral("/nonexistent/nvidia-smi") << false
        << QStringLiteral("nvidia-smi") << QStringLiteral("nvidia-smi is not installed");
    QTest::newRow("forced on") << QByteArray("1") << QStringLiteral("/bin/false") << true
                               << QStringLiteral("env_override")
                               << QStringLiteral("forced available by BUNDLE_GPU_AVAILABLE");
    QTest::newRow("forced on, words") << QByteArray(" True ") << QStringLiteral("/bin/false")
                                      << true << QStringLiteral("env_override")
                                      << QStringLiteral("forced available by BUNDLE_GPU_AVAILABLE");
    QTest::newRow("forced off") << QByteArray("off") << QStringLiteral("/bin/true") << false
                                << QStringLiteral("env_override")
                                << QStringLiteral("forced unavailable by BUNDLE_GPU_AVAILABLE");
    QTest::newRow("unknown word probes")
        << QByteArray("maybe") << QStringLiteral("/bin/false") << false
        << QStringLiteral("nvidia-smi") << QStringLiteral("nvidia-smi found no GPU (exit code 1)");
}

void tst_GpuProbe::answer()
{
    QFETCH(QByteArray, override);
    QFETCH(QString, program);
    QFETCH(bool, available);
    QFETCH(QString, method);
    QFETCH(QString, reason);
    if (!override.isEmpty())
        qputenv("BUNDLE_GPU_AVAILABLE", override);
    GpuProbe probe;
    probe.setProgram(program);
    std::optional<std::pair<bool, QString>> answer;
    probe.query(this, [&](bool a, const QString &detail) { answer = {a, detail}; });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 10000);
    QCOMPARE(answer->first, available);
    QCOMPARE(answer->second, reason);
    QVERIFY(probe.status());
    QCOMPARE(probe.status()->available, available);
    QCOMPARE(probe.status()->method, method);
    QCOMPARE(probe.status()->reason, reason);
}

void tst_GpuProbe::statusIsKnownOnlyOnceProbed()
{
    GpuProbe probe;
    probe.setProgram(QStringLiteral("/bin/false"));
    QVERIFY(!probe.status());
    int answers = 0;
    probe.query(this, [&](bool, const QString &) { ++answers; });
    probe.query(this, [&](bool, const QString &) { ++answers; }); // joins the running probe
    QVERIFY(!probe.status());
    QTRY_COMPARE_WITH_TIMEOUT(answers, 2, 10000);
    probe.query(this, [&](bool, const QString &) { ++answers; }); // cached
    QTRY_COMPARE(answers, 3);
}

QTEST_GUILESS_MAIN(tst_GpuProbe)

#include "tst_gpuprobe.moc"
