#pragma once

#include "secrets/SecretKeeper.h"

namespace steward {

// A change made in the Settings dialog, as its history and the audit trail name it; with
// `dryRun`, only asked.
inline SecretKeeper::Origin settingsOrigin(bool dryRun = false)
{
    return {QStringLiteral("settings"), QStringLiteral("ui"), dryRun};
}

} // namespace steward
