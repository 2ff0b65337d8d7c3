#pragma once

#include "manifest/Manifest.h"
#include "manifest/TemplateRenderer.h"

#include <QProcessEnvironment>

namespace steward {

// The environment a service starts with, in the order of the v0.1 reference runtime:
//   1. Steward's own environment, as the service's env_inherit allows (by default all of it,
//      the session's display, D-Bus, proxies and certificates included), never the names that
//      carry credentials (see carriesCredentials());
//   2. PATH with <bundle>/bin and <bundle>/cli in front;
//   3. the variables Steward gives every service (APP_DATA_DIR, BUNDLE_ROOT, BUNDLE_GPU_*...);
//   4. the manifest's env and the binary's env, which may override all of the above;
//   5. what the service must not be told otherwise: the Playwright driver's port where the
//      manifest leaves it unresolved, the control API's URL and the service's token;
//   6. the service's own secrets. Secrets never go on the command line.
class ServiceEnvironment
{
public:
    struct Layers
    {
        QMap<QString, QString> base; // 3: the manifest may override these
        QMap<QString, QString> steward; // 5: set after the manifest's env
        QMap<QString, QString> secrets; // 6
    };

    static QProcessEnvironment
    build(const ServiceSpec &service, const Binary &binary, const TemplateRenderer &templates,
          const QString &bundleRoot, const Layers &layers,
          const QProcessEnvironment &parent = QProcessEnvironment::systemEnvironment());

    // True for names a service never inherits from Steward's environment, whatever its
    // env_inherit says: Steward's own (STEWARD_*, VAULT_*) and the usual credential carriers
    // (*_TOKEN, *_SECRET, *_PASSWORD, *_API_KEY, AWS_*, ...).
    static bool carriesCredentials(const QString &name);
    // The names env_inherit "minimal" keeps: PATH, HOME, USER, locale, TMPDIR, TZ, XDG_*.
    static bool isMinimal(const QString &name);
    // Whether a service inherits `name` under its env_inherit.
    static bool isInherited(const EnvInherit &inherit, const QString &name);
    // A service the reference runtime treats as Playwright's: its id holds "playwright" or its
    // env has a PLAYWRIGHT_* key.
    static bool usesPlaywright(const ServiceSpec &service, const Binary *binary);
};

} // namespace steward
