#pragma once

#include "manifest/Manifest.h"
#include "process/ManagedService.h"
#include "process/Supervisor.h"
#include "secrets/InstallState.h"

#include <QCoreApplication>
#include <QPalette>
#include <QString>

namespace steward {

class SecretKeeper;

// The words a person sees for Steward's states, translated; one place so the wizard, the
// Settings dialog and the tray say the same thing.
class DisplayText
{
    Q_DECLARE_TR_FUNCTIONS(DisplayText)
public:
    static QString secretClass(SecretClass c);
    static QString secretStatus(InstallState::SecretStatus s);
    static QString secretSource(InstallState::SecretSource s);
    // A secret's status with the reason it is not fine, and what a remote .env or config set
    // holds: "Configured (12 keys)", "Stale: Vault is sealed". `none` when nothing is known.
    static QString secretState(const SecretKeeper *keeper, const SecretSpec &spec,
                               const QString &none);
    static QString serviceState(ManagedService::State s);
    static QString appStatus(Supervisor::AppStatus s);
    // Where a kept version of a secret came from, and who made it (the history's words:
    // "settings", "admin token", ...); a service's id is shown as it is.
    static QString versionSource(const QString &source);
    static QString actor(const QString &actor);
    // What an audit entry records ("changed", "read", "injected", ...) and how it ended.
    static QString auditAction(const QString &action);
    static QString auditOutcome(const QString &outcome);
    // "api, web" or "no service" for the services a change restarts.
    static QString serviceList(const QStringList &ids);

    // The colour that marks a good, worrying or bad state in rich text, in the shade that reads
    // on `palette`'s window (WCAG contrast of at least 4.5 to 1, light or dark palette alike).
    enum class Tone { Good, Warning, Bad };
    static QString toneColor(Tone tone, const QPalette &palette);
    // `html` in that colour: a <span>.
    static QString toned(Tone tone, const QString &html, const QPalette &palette);
    // The WCAG contrast ratio of two colours, 1 (none) to 21 (black on white).
    static double contrast(const QColor &a, const QColor &b);
};

} // namespace steward
