#pragma once

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <functional>

class QMessageBox;

namespace steward {

class FirstRunWizard;
class SettingsDialog;
class StewardRuntime;
class TrayIcon;

// What a person sees of a desktop run: the first-run wizard while a required prompted secret is
// missing (or the keychain cannot be used), then the tray icon; Settings on request, and on a
// second launch of the app. Without a system tray, the Settings window stands in for it.
class DesktopShell : public QObject
{
    Q_OBJECT
public:
    explicit DesktopShell(StewardRuntime &runtime, QObject *parent = nullptr);
    ~DesktopShell() override;

    FirstRunWizard *wizard() const;
    SettingsDialog *settings() const;

    TrayIcon *tray() const { return m_tray; }
    // The note shown while the keychain has not answered (a locked one waiting to be unlocked);
    // null when there is none.
    QMessageBox *waitingNote() const;
    void showSettings();
    // The app's own UI: the port Steward serves the first ui-bundle service on; empty if there
    // is none.
    QUrl appUrl() const;
    // Opens URLs (the app, the logs folder); tests record them instead.
    void setUrlOpener(std::function<void(const QUrl &)> opener) { m_openUrl = std::move(opener); }

private:
    void onSecretsSettled();
    void showWizard();
    void onWizardClosed();
    void showTray();
    void showWaitingNote(const QString &why);
    void closeWaitingNote();
    void quit();
    void restartServices();

    StewardRuntime &m_runtime;
    QPointer<FirstRunWizard> m_wizard;
    QPointer<SettingsDialog> m_settings;
    QPointer<QMessageBox> m_waiting;
    TrayIcon *m_tray = nullptr;
    bool m_trayShown = false;
    bool m_decided = false;
    std::function<void(const QUrl &)> m_openUrl;
};

} // namespace steward
