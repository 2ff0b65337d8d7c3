#pragma once

#include "manifest/Diagnostic.h"
#include "manifest/Manifest.h"
#include "secrets/ReferenceInstallImport.h"

#include <QDateTime>
#include <QString>

#include <functional>
#include <memory>
#include <optional>

namespace steward {

class AuditTrail;
class Redactor;
class SecretKeeper;
class Supervisor;

// What the control API reads and drives.
struct ApiContext
{
    const Manifest *manifest = nullptr;
    SecretKeeper *keeper = nullptr;
    Supervisor *supervisor = nullptr;
    // Where reads, refusals and changes of secrets are recorded (null: nowhere).
    AuditTrail *audit = nullptr;
    // Every answer's body goes through it (all but a secret value to the service that owns it).
    std::shared_ptr<const Redactor> redactor;
    QString appData;
    Diagnostics diagnostics; // from loading the manifest, for /validate
    std::function<void()> shutdown;
    // Brings up the running instance's window (a second launch of the app); false when headless.
    std::function<bool()> activate;
    // This run of Steward, for /status (the Vrooli runtime's fields).
    QString instanceId;
    QDateTime startedAt;
    QString manifestSha256;
    // How a service's processes are kept together, in words; and whether by a cgroup of its own.
    QString containment;
    bool cgroupPerService = false;
    // Why the services' limits are not set (empty: they are).
    QString limitsUnavailable;
    // What this run imported from the Vrooli runtime's install of the app, if anything.
    std::optional<ReferenceInstallImport::Report> imported;
    int port = 0; // the port the API listens on (set once it does)
    // Why the secret store is slow to answer ("the keychain has not answered for 3 s ..."),
    // empty while it is not; asked only while the secrets are loading.
    std::function<QString()> storeDelay;

    // Loading until the secret store has answered (no keeper yet, or it is still reading),
    // Failed when the store cannot be used, Loaded after.
    enum class SecretsState { Loading, Loaded, Failed };
    SecretsState secretsState() const;
    bool secretsLoaded() const { return secretsState() == SecretsState::Loaded; }
    // The state as the API says it: "loading", "loaded" or "failed".
    const char *secretsStateName() const;
};

} // namespace steward
