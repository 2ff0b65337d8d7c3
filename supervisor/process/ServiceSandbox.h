#pragma once

#include "Sandbox.h"
#include "core/Result.h"
#include "manifest/Manifest.h"

#include <QStringList>

#include <memory>

namespace steward {

// The Landlock sandbox of one service (its process, migrations and command probes, each in a
// domain of its own): what it may read, run and write, per the service's manifest `sandbox`
// field (docs/security.md), and what Steward says about isolation as a whole.
class ServiceSandbox
{
public:
    struct Paths
    {
        QString bundleRoot;
        QString appData;
        QString secretDir; // the service's own file-secret dir
        QString logFile; // where Steward writes the service's log
        QString program; // what runs, when outside the bundle and the system (a build tree)
        QString home;
        QString configDir; // $XDG_CONFIG_HOME/<app>
        QString cacheDir; // $XDG_CACHE_HOME/<app>
        QList<quint16> ports; // the service's allocated ports
        // What a service whose manifest limits its connections may always reach: every port
        // allocated to the bundle's services, and Steward's control API.
        QList<quint16> bundlePorts;
    };

    // The rules of a strict sandbox for `service`.
    static Sandbox::Rules rules(const ServiceSpec &service, const Paths &paths);
    // The ruleset to enter between fork and exec; null when the service's sandbox is off or the
    // kernel has no Landlock. Creates the service's config and cache dirs.
    [[nodiscard]] static Result<std::shared_ptr<Sandbox>> build(const ServiceSpec &service,
                                                                const Paths &paths);
    // $XDG_CONFIG_HOME/<app> and $XDG_CACHE_HOME/<app> of Steward's user, and the home.
    static Paths userPaths(const QString &appName);

    // Whether the services of `manifest` run isolated from each other, in plain words for the
    // console, /status and the Settings dialog.
    struct Report
    {
        bool isolated = false;
        int abi = 0;
        QString enforced; // what the kernel's ABI lets the sandbox restrict
        QStringList unconfined; // services whose manifest says "sandbox": "off"
        QString message;
    };
    static Report report(const Manifest &manifest);
};

} // namespace steward
