#pragma once

#include "manifest/Manifest.h"
#include "process/ManagedService.h"
#include "process/Supervisor.h"
#include "secrets/InstallState.h"

#include <QCoreApplication>
#include <QString>

namespace steward {

// The words a person sees for Steward's states, translated; one place so the wizard, the
// Settings dialog and the tray say the same thing.
class DisplayText
{
    Q_DECLARE_TR_FUNCTIONS(DisplayText)
public:
    static QString secretClass(SecretClass c);
    static QString secretStatus(InstallState::SecretStatus s);
    static QString secretSource(InstallState::SecretSource s);
    static QString serviceState(ManagedService::State s);
    static QString appStatus(Supervisor::AppStatus s);
    // "api, web" or "no service" for the services a change restarts.
    static QString serviceList(const QStringList &ids);
};

} // namespace steward
