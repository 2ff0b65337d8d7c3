#pragma once

#include "core/Result.h"
#include "manifest/Manifest.h"

#include <QMap>

namespace steward {

class SecretKeeper;

// Hands a service its secrets: env targets as variables, file targets as files under
// <app data>/runtime/secrets/<service>/ (directory 0700, files 0600 or the manifest's mode)
// whose paths are given as STEWARD_SECRET_FILE_<ID> and, as the v0.1 reference runtime names
// them, SECRET_FILE_<ID>. A remote .env (shape env) gives one variable per key it takes, as
// written. Env values lose surrounding whitespace, as in the reference. Files are
// rewritten atomically and removed when the service stops for good or Steward exits.
class SecretInjector
{
public:
    // Files go under <privateDir>/runtime/secrets (PrivateDir; by default the app data dir);
    // the service is given their paths under <app data>/runtime/secrets, through the link.
    explicit SecretInjector(const QString &appDataDir, const QString &privateDir = {});

    // The variables to add to the service's environment. Optional secrets without a value are
    // left out. Fails (naming the secret) if a file cannot be written or a target would land
    // outside the service's secrets directory.
    Result<QMap<QString, QString>> prepare(const Manifest &manifest, const ServiceSpec &service,
                                           const SecretKeeper &keeper) const;
    // Where the service's files really are (its sandbox grants this dir).
    QString directoryFor(const QString &serviceId) const;
    void removeFor(const QString &serviceId) const;
    void removeAll() const;

private:
    QString m_root; // <private dir>/runtime/secrets
    QString m_shownRoot; // <app data>/runtime/secrets
};

} // namespace steward
