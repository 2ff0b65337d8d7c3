#include "process/RestartBackoff.h"

#include <QTest>

using namespace steward;

class tst_RestartBackoff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scheduleIsImmediateThenExponentialWithJitter();
    void capAtBackoffMax();
    void crashLoopAfterMaxRestarts();
    void stableRunResets();
    void policies_data();
    void policies();
};

void tst_RestartBackoff::scheduleIsImmediateThenExponentialWithJitter()
{
    RestartPolicy p;
    p.backoffInitialMs = 1000;
    p.backoffMaxMs = 60000;
    p.maxRestarts = 10;
    RestartBackoff b(p);
    QVERIFY(b.recordRestart());
    QCOMPARE(b.delayMs(), 0);
    const int expected[] = {1000, 2000, 4000, 8000};
    for (int base : expected) {
        QVERIFY(b.recordRestart());
        const int d = b.delayMs();
        QVERIFY2(d >= base * 0.8 && d <= base * 1.2,
                 qPrintable(QStringLiteral("%1 vs %2").arg(d).arg(base)));
    }
}

void tst_RestartBackoff::capAtBackoffMax()
{
    RestartPolicy p;
    p.backoffInitialMs = 1000;
    p.backoffMaxMs = 3000;
    p.maxRestarts = 100;
    RestartBackoff b(p);
    for (int i = 0; i < 40; ++i) {
        QVERIFY(b.recordRestart());
        QVERIFY(b.delayMs() <= 3000);
    }
}

void tst_RestartBackoff::crashLoopAfterMaxRestarts()
{
    RestartPolicy p;
    p.maxRestarts = 2;
    RestartBackoff b(p);
    QVERIFY(b.recordRestart());
    QVERIFY(b.recordRestart());
    QVERIFY(!b.recordRestart());
    QCOMPARE(b.consecutive(), 2);
}

void tst_RestartBackoff::stableRunResets()
{
    RestartPolicy p;
    p.maxRestarts = 1;
    p.stableAfterMs = 1000;
    RestartBackoff b(p);
    QVERIFY(b.recordRestart());
    b.noteRun(999);
    QVERIFY(!b.recordRestart());
    b.noteRun(1000);
    QVERIFY(b.recordRestart());
    QCOMPARE(b.total(), 2);
}

void tst_RestartBackoff::policies_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<bool>("failed");
    QTest::addColumn<bool>("restart");
    QTest::newRow("always, clean exit") << int(RestartPolicy::Mode::Always) << false << true;
    QTest::newRow("on_failure, clean exit")
        << int(RestartPolicy::Mode::OnFailure) << false << false;
    QTest::newRow("on_failure, failure") << int(RestartPolicy::Mode::OnFailure) << true << true;
    QTest::newRow("never, failure") << int(RestartPolicy::Mode::Never) << true << false;
}

void tst_RestartBackoff::policies()
{
    QFETCH(int, mode);
    QFETCH(bool, failed);
    QFETCH(bool, restart);
    RestartPolicy p;
    p.mode = RestartPolicy::Mode(mode);
    QCOMPARE(RestartBackoff(p).wantsRestart(failed), restart);
}

QTEST_GUILESS_MAIN(tst_RestartBackoff)
#include "tst_restartbackoff.moc"
