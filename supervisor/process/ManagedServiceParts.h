#pragma once

// ManagedService's own header for its parts, one file per job: ManagedService.cpp the life of
// the process (spawn, exit, restart, stop), ManagedServiceLaunch.cpp what a launch needs,
// ManagedServiceMigrations.cpp the checks and migrations before the first start,
// ManagedServiceProbes.cpp readiness and liveness. Nothing outside process/ includes it.

#include "manifest/Manifest.h"

#include <QString>

namespace steward::detail {

// The file a service's output is logged to.
QString logFilePath(const ServiceSpec &spec, const QString &appData);

} // namespace steward::detail
