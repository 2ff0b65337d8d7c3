#pragma once

#include "process/Supervisor.h"

#include <QObject>

class QAction;
class QMenu;
class QSystemTrayIcon;

namespace steward {

class StewardRuntime;

// The app's status at a glance (starting / ready / degraded / waiting for secrets / failed)
// with a tooltip that says why, and the menu: Open app, Settings..., Open logs folder, Restart
// services, Quit. It only reports what was chosen; the DesktopShell acts on it.
class TrayIcon : public QObject
{
    Q_OBJECT
public:
    explicit TrayIcon(StewardRuntime &runtime, QObject *parent = nullptr);
    ~TrayIcon() override;

    // Shows the icon where the desktop has a tray; false if it has none.
    bool show();
    Supervisor::AppStatus status() const { return m_status; }
    QString toolTip() const;
    QString iconName() const; // the status icon's resource path
    QMenu *menu() const { return m_menu.get(); }
    QAction *openAppAction() const { return m_openApp; }

Q_SIGNALS:
    void openAppRequested();
    void settingsRequested();
    void openLogsRequested();
    void restartRequested();
    void quitRequested();

private:
    void update();

    StewardRuntime &m_runtime;
    std::unique_ptr<QMenu> m_menu;
    QSystemTrayIcon *m_tray = nullptr;
    QAction *m_statusLine = nullptr;
    QAction *m_openApp = nullptr;
    Supervisor::AppStatus m_status = Supervisor::AppStatus::Starting;
};

} // namespace steward
