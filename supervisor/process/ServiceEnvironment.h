#pragma once

#include "manifest/Manifest.h"
#include "manifest/TemplateRenderer.h"

#include <QProcessEnvironment>

namespace steward {

// The environment a service starts with: a small allowlist from Steward's own environment,
// the manifest's env, the binary's env, Steward's variables and the service's own secrets.
// Nothing else of the parent leaks in; secrets never go on the command line.
class ServiceEnvironment
{
public:
    static QProcessEnvironment
    build(const ServiceSpec &service, const Binary &binary, const TemplateRenderer &templates,
          const QMap<QString, QString> &stewardVars, const QMap<QString, QString> &secretVars,
          const QProcessEnvironment &parent = QProcessEnvironment::systemEnvironment());
    // True for the parent variables a service inherits.
    static bool isInherited(const QString &name);
};

} // namespace steward
