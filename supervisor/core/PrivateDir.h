#pragma once

#include "Result.h"

#include <QStringList>

namespace steward {

// Steward's own files of an app data dir, kept out of its services' reach. A service may write
// the whole app data dir (bundles written for the reference runtime keep their files at its
// root) and Landlock grants whole trees without exceptions, so Steward's runtime files (lock,
// port, admin token, file secrets), state.json, install-id and the encrypted file store live
// in a private sibling, <parent>/.<name>.steward (0700). A link at each old place points into
// it, so the app's shell and stewardctl find them where they always did; Steward itself goes
// to the private dir directly, never through a link a service could have replaced.
class PrivateDir
{
public:
    // The entries every app data dir has: runtime, state.json, install-id, secrets.
    static QStringList standardEntries();
    // Where the private dir of `appData` is (its real path's sibling); empty if it does not
    // exist yet.
    static QString pathFor(const QString &appData);
    // Creates the private dir (0700, the user's, not a link) and, for each entry (a path
    // relative to the app data dir): moves what the app data dir has there into the private dir
    // where that has none yet (an earlier version's files), removes anything else found there
    // (a stale or planted link), and leaves a link to the private entry in its place. Returns the
    // private dir.
    [[nodiscard]] static Result<QString> prepare(const QString &appData,
                                                 const QStringList &entries);
};

} // namespace steward
