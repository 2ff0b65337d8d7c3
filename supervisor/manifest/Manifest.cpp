#include "Manifest.h"

#include "core/Platform.h"

#include <QDir>
#include <QFileInfo>
#include <QSet>

namespace steward {

const Binary *ServiceSpec::binaryFor(const QString &platform) const
{
    // Keys are kept as written, so aliases such as "mac-x64" are matched here.
    for (auto it = binaries.cbegin(); it != binaries.cend(); ++it) {
        if (Platform::canonical(it.key()) == platform)
            return &it.value();
    }
    const auto universal = binaries.constFind(QStringLiteral("universal"));
    return universal != binaries.cend() ? &universal.value() : nullptr;
}

bool ServiceSpec::isOnDemand() const
{
    return metadata.is_object() && metadata.contains("run_mode")
        && metadata["run_mode"] == "on_demand";
}

QString ServiceSpec::skipReason() const
{
    if (metadata.is_object() && metadata.contains("skip_reason")
        && metadata["skip_reason"].is_string()) {
        const QString reason = QString::fromStdString(metadata["skip_reason"].get<std::string>());
        if (!reason.trimmed().isEmpty())
            return reason;
    }
    return QStringLiteral("on-demand service");
}

const PortRequest *ServiceSpec::port(const QString &name) const
{
    for (const PortRequest &p : ports) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

QString ServiceSpec::servedPortName() const
{
    for (const QString &name : {health.portName, readiness.portName}) {
        if (!name.isEmpty() && port(name))
            return name;
    }
    return ports.isEmpty() ? QStringLiteral("ui") : ports.first().name;
}

const SecretSpec *Manifest::secret(const QString &id) const
{
    for (const SecretSpec &s : secrets) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

const ServiceSpec *Manifest::service(const QString &id) const
{
    for (const ServiceSpec &s : services) {
        if (s.id == id)
            return &s;
    }
    return nullptr;
}

const ServiceSpec *Manifest::appUi() const
{
    for (const ServiceSpec &s : services) {
        if (s.type == ServiceSpec::Type::UiBundle)
            return &s;
    }
    return nullptr;
}

QString Manifest::servedFolder(const ServiceSpec &uiBundle) const
{
    if (uiBundle.assets.isEmpty())
        return {};
    const QFileInfo first(
        QDir(bundleRoot)
            .absoluteFilePath(QDir::fromNativeSeparators(uiBundle.assets.first().path)));
    return first.isDir() ? first.absoluteFilePath() : first.absolutePath();
}

const ServiceSpec *Manifest::apiService(QString *portName) const
{
    for (const ServiceSpec &s : services) {
        if (s.type != ServiceSpec::Type::UiBundle && s.port(QStringLiteral("api"))) {
            *portName = QStringLiteral("api");
            return &s;
        }
    }
    for (const ServiceSpec &s : services) {
        if (s.type == ServiceSpec::Type::ApiBinary && !s.ports.isEmpty()) {
            *portName = s.ports.first().name;
            return &s;
        }
    }
    return nullptr;
}

QList<const SecretSpec *> Manifest::secretsOf(SecretClass c) const
{
    QList<const SecretSpec *> out;
    for (const SecretSpec &s : secrets) {
        if (s.secretClass == c)
            out << &s;
    }
    return out;
}

QStringList Manifest::consumersOf(const QString &secretId) const
{
    QStringList out;
    for (const ServiceSpec &s : services) {
        if (s.secrets.contains(secretId))
            out << s.id;
    }
    return out;
}

QStringList Manifest::consumersOf(const QStringList &secretIds) const
{
    QStringList out;
    for (const QString &id : secretIds) {
        for (const QString &c : consumersOf(id)) {
            if (!out.contains(c))
                out << c;
        }
    }
    return out;
}

QStringList Manifest::startOrder() const
{
    // Kahn's algorithm, keeping manifest order among services that are ready together.
    QStringList order;
    QSet<QString> placed;
    while (order.size() < services.size()) {
        bool progressed = false;
        for (const ServiceSpec &s : services) {
            if (placed.contains(s.id))
                continue;
            bool ready = true;
            for (const QString &dep : s.dependencies) {
                if (!placed.contains(dep) && service(dep)) {
                    ready = false;
                    break;
                }
            }
            if (ready) {
                order << s.id;
                placed.insert(s.id);
                progressed = true;
            }
        }
        if (!progressed)
            break; // a cycle: the validator reports it
    }
    return order;
}

namespace {
// The id upper-cased, with every character outside [A-Z0-9_] turned into "_".
QString variableSuffix(const QString &secretId)
{
    QString name = secretId.toUpper();
    for (QChar &c : name) {
        if (!(c.isDigit() || (c >= QLatin1Char('A') && c <= QLatin1Char('Z'))))
            c = QLatin1Char('_');
    }
    return name;
}
} // namespace

QString secretFileEnvName(const QString &secretId)
{
    return QStringLiteral("STEWARD_SECRET_FILE_") + variableSuffix(secretId);
}

QString referenceSecretFileEnvName(const QString &secretId)
{
    return QStringLiteral("SECRET_FILE_") + secretId.toUpper();
}

QString secretDirEnvName(const QString &secretId)
{
    return QStringLiteral("STEWARD_SECRET_DIR_") + variableSuffix(secretId);
}

QString referenceSecretDirEnvName(const QString &secretId)
{
    return QStringLiteral("SECRET_DIR_") + secretId.toUpper();
}

QString secretFileRelativePath(const QString &serviceId, const QString &targetName)
{
    return QStringLiteral("runtime/secrets/%1/%2").arg(serviceId, targetName);
}

QString enumName(SecretClass c)
{
    switch (c) {
    case SecretClass::Infrastructure:
        return QStringLiteral("infrastructure");
    case SecretClass::PerInstallGenerated:
        return QStringLiteral("per_install_generated");
    case SecretClass::UserPrompt:
        return QStringLiteral("user_prompt");
    case SecretClass::RemoteFetch:
        return QStringLiteral("remote_fetch");
    }
    return {};
}

QString enumName(ServiceSpec::Type t)
{
    switch (t) {
    case ServiceSpec::Type::UiBundle:
        return QStringLiteral("ui-bundle");
    case ServiceSpec::Type::ApiBinary:
        return QStringLiteral("api-binary");
    case ServiceSpec::Type::Worker:
        return QStringLiteral("worker");
    case ServiceSpec::Type::Resource:
        return QStringLiteral("resource");
    case ServiceSpec::Type::Other:
        return QStringLiteral("other");
    }
    return {};
}

QString enumName(HealthCheck::Type t)
{
    switch (t) {
    case HealthCheck::Type::Http:
        return QStringLiteral("http");
    case HealthCheck::Type::Tcp:
        return QStringLiteral("tcp");
    case HealthCheck::Type::Command:
        return QStringLiteral("command");
    case HealthCheck::Type::LogMatch:
        return QStringLiteral("log_match");
    }
    return {};
}

QString enumName(Readiness::Type t)
{
    switch (t) {
    case Readiness::Type::HealthSuccess:
        return QStringLiteral("health_success");
    case Readiness::Type::PortOpen:
        return QStringLiteral("port_open");
    case Readiness::Type::LogMatch:
        return QStringLiteral("log_match");
    case Readiness::Type::DependenciesReady:
        return QStringLiteral("dependencies_ready");
    }
    return {};
}

QString enumName(Migration::RunOn r)
{
    switch (r) {
    case Migration::RunOn::FirstInstall:
        return QStringLiteral("first_install");
    case Migration::RunOn::Upgrade:
        return QStringLiteral("upgrade");
    case Migration::RunOn::Always:
        return QStringLiteral("always");
    case Migration::RunOn::Never:
        return QStringLiteral("never");
    }
    return {};
}

QString enumName(GpuRequirement g)
{
    switch (g) {
    case GpuRequirement::None:
        return QStringLiteral("none");
    case GpuRequirement::Required:
        return QStringLiteral("required");
    case GpuRequirement::Optional:
        return QStringLiteral("optional");
    case GpuRequirement::OptionalWithCpuFallback:
        return QStringLiteral("optional_with_cpu_fallback");
    case GpuRequirement::OptionalButWarn:
        return QStringLiteral("optional_but_warn");
    }
    return {};
}

QString enumName(RestartPolicy::Mode m)
{
    switch (m) {
    case RestartPolicy::Mode::Always:
        return QStringLiteral("always");
    case RestartPolicy::Mode::OnFailure:
        return QStringLiteral("on_failure");
    case RestartPolicy::Mode::Never:
        return QStringLiteral("never");
    }
    return {};
}

} // namespace steward
