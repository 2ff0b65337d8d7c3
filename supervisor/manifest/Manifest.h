#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <nlohmann/json.hpp>
#include <optional>

namespace steward {

using EnvMap = QMap<QString, QString>;

struct PortRange
{
    int min = 0;
    int max = 0;
};

struct AppInfo
{
    QString name;
    QString version;
    QString description;
};

struct IpcConfig
{
    QString mode;
    QString host;
    int port = 0;
    QString authTokenPath;
};

struct TelemetryConfig
{
    QString file;
    QString uploadUrl;
};

struct PortsConfig
{
    std::optional<PortRange> defaultRange;
    QList<int> reserved;
};

struct Swap
{
    QString original;
    QString replacement;
    QString reason;
    QString limitations;
};

enum class SecretClass { Infrastructure, PerInstallGenerated, UserPrompt, RemoteFetch };

struct SecretPrompt
{
    QString label;
    QString description;
    QString hint;
};

struct SecretGeneratorSpec
{
    enum class Type { Random, Uuid };
    static constexpr int DefaultLength = 32; // the v0.1 reference's length when none is given
    Type type = Type::Random;
    int length = 0;
    QString charset; // one of the named charsets; empty when alphabet is given
    QString alphabet; // explicit alphabet (Steward extension)
};

struct SecretTarget
{
    // Dir: a folder under the service's file-secret dir, for a source of shape "files".
    enum class Type { Env, File, Dir };
    Type type = Type::Env;
    QString name;
    int fileMode = 0600; // Steward extension "mode", file targets only
};

// Steward extension: where a remote_fetch secret comes from. The manifest knows only the
// provider's name; the provider reads its own fields of the source (RemoteProviderRules).
struct RemoteSource
{
    // How the fetched value is read: one value; a whole .env file whose keys each become a
    // variable of the consuming services (and a redacted value of its own); or a deployment's
    // config files (a JSON array, ConfigFiles), written into the folder of a "dir" target.
    enum class Shape { Value, Env, Files };

    QString provider; // "vault"
    nlohmann::json settings; // the "source" object as written
    Shape shape = Shape::Value;
    QStringList keys; // shape env: only these keys; all when empty (and no prefix)
    QString prefix; // shape env: only the keys starting with it

    // Shape env: whether the .env's `key` is handed to the services.
    bool takes(const QString &key) const
    {
        if (!keys.isEmpty())
            return keys.contains(key);
        return key.startsWith(prefix);
    }
};

struct SecretSpec
{
    QString id;
    SecretClass secretClass = SecretClass::UserPrompt;
    QString description;
    QString format;
    bool required = true;
    // Steward's extension: how many values the history keeps (the current one included);
    // unset: the keeper's default.
    std::optional<int> keepVersions;
    std::optional<SecretPrompt> prompt;
    std::optional<SecretGeneratorSpec> generator;
    SecretTarget target;
    std::optional<RemoteSource> source;

    // What a person sees: the prompt label if any, else the id.
    QString label() const { return prompt && !prompt->label.isEmpty() ? prompt->label : id; }
};

struct Binary
{
    QString path;
    QStringList args;
    EnvMap env;
    QString cwd;
    // Steward extension: the path names a program of the system (/usr/bin/python3), which a
    // locked bundle may run although it lies outside the bundle.
    bool system = false;
};

struct BuildConfig
{
    QString type;
    QString sourceDir;
    QString entryPoint;
    QString outputPattern;
    QStringList args;
    EnvMap env;
};

struct PortRequest
{
    QString name;
    std::optional<PortRange> range;
    bool requiresSocket = false;
};

struct HealthCheck
{
    enum class Type { Http, Tcp, Command, LogMatch };
    Type type = Type::Http;
    QString path; // http: the path ("/" when none is given); log_match: the pattern (v0.1)
    QString portName;
    QStringList command;
    QString pattern; // Steward extension, for log_match; health.path is the v0.1 spelling
    int intervalMs = 1000;
    int timeoutMs = 2000;
    int retries = 3;
};

struct Readiness
{
    enum class Type { HealthSuccess, PortOpen, LogMatch, DependenciesReady };
    Type type = Type::HealthSuccess;
    QString portName;
    QString pattern;
    int timeoutMs = 30000;
};

// Migrations are versioned: each (service, version) runs at most once, ever. run_on only says
// in which launch it may run; a value the reference runtime does not know never runs.
struct Migration
{
    enum class RunOn { FirstInstall, Upgrade, Always, Never };
    QString version;
    QStringList command;
    EnvMap env;
    RunOn runOn = RunOn::Always;
    QString runOnAsWritten; // for messages when runOn is Never
    bool system = false; // Steward extension: command[0] is a program of the system (Binary)
};

struct Asset
{
    QString path;
    QString sha256;
    std::optional<qint64> sizeBytes;
};

enum class GpuRequirement { None, Required, Optional, OptionalWithCpuFallback, OptionalButWarn };

// Steward extension "restart".
struct RestartPolicy
{
    enum class Mode { Always, OnFailure, Never };
    Mode mode = Mode::OnFailure;
    int maxRestarts = 5;
    int backoffInitialMs = 500;
    int backoffMaxMs = 30000;
    int stableAfterMs = 60000;
    // Whether failed health checks after readiness restart the service ("on_unhealthy"); when
    // false they only mark it unhealthy, as the reference runtime (which has no liveness checks)
    // would leave it running.
    bool onUnhealthy = true;
};

// Steward extension "env_inherit": what a service inherits of Steward's own environment.
struct EnvInherit
{
    enum class Mode {
        All, // everything but names that carry credentials (the default, as the reference)
        Minimal, // PATH, HOME, USER, locale, TMPDIR and XDG_* only
        List, // the names listed, plus the minimal set
    };
    Mode mode = Mode::All;
    QStringList names;
};

// Steward extension "sandbox": how a service, its migrations and command probes are confined
// (Landlock on Linux, docs/security.md). Extra paths are relative to a root.
struct SandboxSpec
{
    enum class Mode { Strict, Off };
    enum class Root { Bundle, AppData, Home };
    struct Grant
    {
        Root root = Root::Bundle;
        QString relative; // empty: the root itself
    };
    Mode mode = Mode::Strict;
    QList<Grant> read;
    QList<Grant> write;
    bool sessionBus = false; // DBUS_SESSION_BUS_ADDRESS passed on
    // The TCP ports it may connect to, besides the bundle's own and Steward's control API;
    // unset: outgoing connections are not restricted.
    std::optional<QList<quint16>> connect;
};

// Steward extension "limits": what a service's whole process tree may use, set on its cgroup
// where Steward has cgroups with these controllers (docs/security.md). Migrations and health
// checks are not limited.
struct ResourceLimits
{
    std::optional<qint64> memoryMb; // memory.max; an out-of-memory kill ends the whole service
    std::optional<int> cpuPercent; // cpu.max: 100 is one core
    std::optional<int> pids; // pids.max: processes and threads
    bool isEmpty() const { return !memoryMb && !cpuPercent && !pids; }
};

struct ServiceSpec
{
    // Other: a type outside the v0.1 enum ("backend"), run as a program like api-binary.
    enum class Type { UiBundle, ApiBinary, Worker, Resource, Other };

    QString id;
    Type type = Type::ApiBinary;
    QString typeName; // as written in the manifest
    QString description;
    QMap<QString, Binary> binaries; // platform key as written -> binary
    std::optional<BuildConfig> build;
    EnvMap env;
    QStringList secrets;
    QStringList dataDirs;
    QString logDir;
    QList<PortRequest> ports;
    HealthCheck health;
    Readiness readiness;
    QStringList dependencies;
    QList<Migration> migrations;
    QList<Asset> assets;
    GpuRequirement gpu = GpuRequirement::None;
    bool critical = true;
    nlohmann::json metadata;
    RestartPolicy restart; // Steward extension
    QString stopSignal = QStringLiteral("SIGTERM"); // Steward extension
    int stopTimeoutMs = 10000; // Steward extension
    EnvInherit envInherit; // Steward extension
    SandboxSpec sandbox; // Steward extension
    ResourceLimits limits; // Steward extension

    // metadata.run_mode "on_demand": not started at launch, only on request.
    bool isOnDemand() const;
    // Why an on-demand service was skipped: metadata.skip_reason or "on-demand service".
    QString skipReason() const;
    // The binary for a platform: its own key (or an alias of it), else "universal".
    const Binary *binaryFor(const QString &platform) const;
    const PortRequest *port(const QString &name) const;
    // A ui-bundle is served on its health or readiness port_name, else its first requested port,
    // else one named "ui" that Steward allocates (the reference runtime's rules).
    QString servedPortName() const;
};

struct Manifest
{
    QString schemaVersion;
    QString target;
    AppInfo app;
    IpcConfig ipc;
    TelemetryConfig telemetry;
    PortsConfig ports;
    QList<Swap> swaps;
    QList<SecretSpec> secrets;
    QList<ServiceSpec> services;
    nlohmann::json codeSigning; // kept as given; only the packager reads it
    // Steward extension: the top-level "remote" object, one block per provider name, as
    // written; each provider reads its own block (RemoteProviderRules).
    QMap<QString, nlohmann::json> remote;

    QString sourcePath; // absolute path of bundle.json
    QString bundleRoot; // directory holding bundle.json

    const SecretSpec *secret(const QString &id) const;
    const ServiceSpec *service(const QString &id) const;
    // The app's own UI: the first ui-bundle service, or null when the bundle has none.
    const ServiceSpec *appUi() const;
    // The folder Steward serves for a ui-bundle: its first assets entry if that is a folder,
    // else the folder holding it; empty without assets.
    QString servedFolder(const ServiceSpec &uiBundle) const;
    // Where a ui-bundle's /api and /ws requests go: the service with a port named "api", else
    // the first api-binary service and its first port (`portName` gets the port's name). Null
    // when there is none.
    const ServiceSpec *apiService(QString *portName) const;
    // The secrets of one class, in manifest order.
    QList<const SecretSpec *> secretsOf(SecretClass c) const;
    // Services that consume the given secret.
    QStringList consumersOf(const QString &secretId) const;
    // The services that use any of `secretIds` (what a change of them restarts), each once,
    // in the order the ids and then the services come.
    QStringList consumersOf(const QStringList &secretIds) const;
    // Service ids in an order where every service comes after its dependencies.
    // Only meaningful for a manifest without cycles (validation guarantees that).
    QStringList startOrder() const;
};

// The variable that tells a service where its file secret lives: STEWARD_SECRET_FILE_<ID>,
// the id upper-cased with every character outside [A-Z0-9_] turned into "_".
QString secretFileEnvName(const QString &secretId);
// The v0.1 reference runtime's name for the same path: SECRET_FILE_<ID>.
QString referenceSecretFileEnvName(const QString &secretId);
// For a "dir" target (a source of shape "files"): STEWARD_SECRET_DIR_<ID>, and SECRET_DIR_<ID>
// beside it as the reference's file variable is named.
QString secretDirEnvName(const QString &secretId);
QString referenceSecretDirEnvName(const QString &secretId);
// Where a file secret (or a "dir" target's folder) is written, relative to the app data
// directory.
QString secretFileRelativePath(const QString &serviceId, const QString &targetName);

QString enumName(SecretClass c);
QString enumName(ServiceSpec::Type t);
QString enumName(HealthCheck::Type t);
QString enumName(Readiness::Type t);
QString enumName(Migration::RunOn r);
QString enumName(GpuRequirement g);
QString enumName(RestartPolicy::Mode m);

} // namespace steward
