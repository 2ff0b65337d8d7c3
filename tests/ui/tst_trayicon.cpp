#include "TrayIcon.h"
#include "UiHarness.h"
#include "process/Supervisor.h"

#include <QAction>
#include <QMenu>
#include <QSignalSpy>
#include <QTest>

#include <csignal>

using namespace steward;
using AppStatus = Supervisor::AppStatus;

class tst_TrayIcon : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void followsTheAppStatus();
    void menuOffersWhatAPersonNeeds();
};

void tst_TrayIcon::followsTheAppStatus()
{
    test::UiHarness h({}, false);
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.runtime().supervisor(), 20000);
    Supervisor *supervisor = h.runtime().supervisor();
    TrayIcon tray(h.runtime());
    // What the tray showed after every change of the app's status.
    QList<AppStatus> seen;
    connect(supervisor, &Supervisor::statusChanged, this,
            [&](AppStatus) { seen << tray.status(); });

    QTRY_COMPARE(tray.status(), AppStatus::WaitingForSecrets);
    QCOMPARE(tray.iconName(), QStringLiteral(":/icons/status/waiting.svg"));
    QCOMPARE(tray.toolTip(),
             QStringLiteral("hello-steward: Waiting for secrets (Weather API token)"));
    QVERIFY(!tray.openAppAction()->isEnabled());

    QVERIFY(h.provide({{QStringLiteral("api_token"), QStringLiteral("wx_0123456789abcdefghij")}}));
    QTRY_COMPARE_WITH_TIMEOUT(tray.status(), AppStatus::Ready, 20000);
    QCOMPARE(tray.iconName(), QStringLiteral(":/icons/status/ready.svg"));
    QCOMPARE(tray.toolTip(), QStringLiteral("hello-steward: Ready"));
    QVERIFY(tray.openAppAction()->isEnabled());

    // The api crashes: the tray leaves Ready while it is restarted, then comes back.
    seen.clear();
    ::kill(pid_t(supervisor->service(QStringLiteral("api"))->pid()), SIGKILL);
    QTRY_VERIFY_WITH_TIMEOUT(!seen.isEmpty() && seen.last() == AppStatus::Ready, 20000);
    QVERIFY(seen.first() != AppStatus::Ready);
    QCOMPARE(tray.status(), AppStatus::Ready);

    QCOMPARE(h.stop(), 0);
    QCOMPARE(tray.iconName(), QStringLiteral(":/icons/status/stopped.svg"));
}

void tst_TrayIcon::menuOffersWhatAPersonNeeds()
{
    test::UiHarness h({}, false);
    QCOMPARE(h.start(), 0);
    QTRY_VERIFY_WITH_TIMEOUT(h.runtime().supervisor(), 20000);
    TrayIcon tray(h.runtime());
    QStringList texts;
    for (const QAction *a : tray.menu()->actions()) {
        if (!a->isSeparator())
            texts << a->text();
    }
    QCOMPARE(
        texts,
        QStringList({tray.toolTip(), QStringLiteral("&Open hello-steward"),
                     QStringLiteral("&Settings..."), QStringLiteral("Open &logs folder"),
                     QStringLiteral("&Restart services"), QStringLiteral("&Quit hello-steward")}));
    QSignalSpy settings(&tray, &TrayIcon::settingsRequested);
    QSignalSpy quit(&tray, &TrayIcon::quitRequested);
    tray.menu()->actions().at(3)->trigger();
    tray.menu()->actions().last()->trigger();
    QCOMPARE(settings.count(), 1);
    QCOMPARE(quit.count(), 1);
    QCOMPARE(h.stop(), 0);
}

QTEST_MAIN(tst_TrayIcon)
#include "tst_trayicon.moc"
