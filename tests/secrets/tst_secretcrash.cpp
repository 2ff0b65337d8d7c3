#include "StoreSync.h"
#include "TestPaths.h"
#include "secrets/AuditTrail.h"
#include "secrets/InstallState.h"
#include "secrets/KeychainStore.h"
#include "secrets/SecretKeeper.h"

#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <nlohmann/json.hpp>

using namespace steward;

// A process changing secrets is SIGKILLed at random points, 50 times. After every kill, each
// acknowledged value (or a newer one) must be in the keychain and state.json must parse; the
// acknowledged version is in the history, its kept value is the acknowledged one, and the
// audit trail verifies with one entry per stored change.
class tst_SecretCrash : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedWhileUpdatingLosesNothingAcknowledged();
};

void tst_SecretCrash::killedWhileUpdatingLosesNothingAcknowledged()
{
    QTemporaryDir data;
    QRandomGenerator rng(QRandomGenerator::global()->generate());
    const quint32 seed = rng.generate();
    rng.seed(seed);
    qInfo("seed %u", seed);
    const QByteArray auditKey = "the audit key of this crash test";
    int lastAck = 0;
    int lastAckVersion = 0; // api_token's version when lastAck was acknowledged
    for (int round = 0; round < 50; ++round) {
        QProcess child;
        child.start(QStringLiteral(CHURN_PATH),
                    {test::exampleBundle(), data.path(), QString::number(lastAck + 1),
                     QString::fromLatin1(auditKey)});
        QVERIFY(child.waitForStarted());
        const int acksWanted = int(rng.bounded(0, 4));
        int acks = 0;
        bool killed = false;
        QByteArray buffer;
        auto killNow = [&] {
            if (!killed) {
                killed = true;
                child.kill();
            }
        };
        connect(&child, &QProcess::readyReadStandardOutput, this, [&] {
            buffer += child.readAllStandardOutput();
            qsizetype nl;
            while ((nl = buffer.indexOf('\n')) >= 0) {
                const QByteArray line = buffer.left(nl);
                buffer.remove(0, nl + 1);
                if (line.startsWith("ack ")) {
                    const QList<QByteArray> fields = line.split(' ');
                    lastAck = fields.value(1).toInt();
                    lastAckVersion = fields.value(2).toInt();
                    ++acks;
                }
                if (killed || (!line.startsWith("ack ") && line != "started") || acks < acksWanted)
                    continue;
                // The fault point: at once, or a few milliseconds into the next change.
                const int delayUs = int(rng.bounded(0, 6000));
                if (delayUs < 500)
                    killNow();
                else
                    QTimer::singleShot(delayUs / 1000, &child, killNow);
            }
        });
        QVERIFY2(child.waitForFinished(30000) || killed, "the churn process hung");
        QTRY_VERIFY_WITH_TIMEOUT(child.state() == QProcess::NotRunning, 30000);
        QVERIFY2(killed,
                 qPrintable(QStringLiteral("churn exited by itself: %1")
                                .arg(QString::fromUtf8(child.readAllStandardError()))));

        // state.json parses and is not a recovery.
        const Result<InstallState> st = InstallState::load(data.path());
        QVERIFY2(st.ok(), qPrintable(st.error()));
        QVERIFY(!st->recovered() || round == 0);
        if (QFile::exists(st->path())) {
            QFile f(st->path());
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(nlohmann::json::accept(f.readAll().toStdString()));
        }
        // Every acknowledged value, or a newer one, is present.
        if (lastAck > 0) {
            KeychainStore store(QStringLiteral("hello-steward"), st->installId());
            for (const char *id : {"api_token", "greeting_name"}) {
                const test::ReadOutcome r = test::readNow(store, QString::fromLatin1(id));
                QVERIFY2(r.error.ok(), qPrintable(r.error.message));
                // "wx_<counter>" or "name-<counter>"
                const int stored = r.value.mid(QByteArray(id) == "api_token" ? 3 : 5).toInt();
                QVERIFY2(stored >= lastAck,
                         qPrintable(QStringLiteral("round %1: %2 holds %3, last acknowledged %4")
                                        .arg(round)
                                        .arg(QLatin1String(id))
                                        .arg(stored)
                                        .arg(lastAck)));
            }
            // The acknowledged version is kept with the acknowledged value; state.json is at
            // it or at the one change in flight after it.
            const InstallState::SecretRecord *rec = st->secret(QStringLiteral("api_token"));
            QVERIFY(rec && !rec->history.isEmpty());
            QVERIFY2(rec->version >= lastAckVersion && rec->version <= lastAckVersion + 1
                         && rec->history.last().number == rec->version,
                     qPrintable(QStringLiteral("round %1: api_token at version %2 (history ends "
                                               "at %3), acknowledged %4")
                                    .arg(round)
                                    .arg(rec->version)
                                    .arg(rec->history.last().number)
                                    .arg(lastAckVersion)));
            const test::ReadOutcome kept = test::readNow(
                store, SecretKeeper::historyItem(QStringLiteral("api_token"), lastAckVersion));
            QVERIFY2(kept.error.ok(), qPrintable(kept.error.message));
            QCOMPARE(kept.value.mid(3).toInt(), lastAck);
            // The trail verifies, with an entry for every stored change of api_token. The entry
            // is written before state.json, so each kill may leave one entry for a change that
            // state.json never recorded (and that the next run makes again).
            const AuditTrail::Verdict verdict = AuditTrail::verify(data.path(), auditKey);
            QVERIFY2(verdict.ok,
                     qPrintable(QStringLiteral("round %1: line %2: %3")
                                    .arg(round)
                                    .arg(verdict.line)
                                    .arg(verdict.problem)));
            int changes = 0;
            for (const AuditTrail::Entry &e :
                 AuditTrail::list(data.path(), {{}, QStringLiteral("api_token")}))
                changes += e.event.action == QLatin1String("created")
                    || e.event.action == QLatin1String("changed");
            QVERIFY2(changes >= rec->version && changes <= rec->version + round + 1,
                     qPrintable(QStringLiteral("round %1: %2 changes audited, api_token at "
                                               "version %3")
                                    .arg(round)
                                    .arg(changes)
                                    .arg(rec->version)));
        }
    }
    qInfo("50 kills, last acknowledged change %d", lastAck);
    QVERIFY(lastAck > 20);
}

QTEST_GUILESS_MAIN(tst_SecretCrash)
#include "tst_secretcrash.moc"
