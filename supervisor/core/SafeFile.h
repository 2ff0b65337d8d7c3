#pragma once

#include "Result.h"

#include <QString>

namespace steward {

// Files and directories under the app data dir that Steward writes to, guarded against another
// local user (a directory others can write to) and against a process of the same user planting
// a symbolic or hard link there, which would make Steward write its logs, telemetry or secrets
// into any file the user owns (~/.bashrc).
class SafeFile
{
public:
    // An existing directory Steward may use: not a symbolic link, owned by the user, and not
    // writable by others. The error names the directory and what is wrong with it.
    [[nodiscard]] static Status checkDirectory(const QString &dir);
    // Opens `path` for appending, creating it with mode 0600, without following a symbolic
    // link (O_NOFOLLOW), and refuses anything but a regular file of the user with no other hard
    // link. Returns the descriptor; the caller closes it.
    [[nodiscard]] static Result<int> openForAppend(const QString &path);
    // For a file a library opened by name: refused unless `path` is still the file `fd` is
    // open on, with the same rules as openForAppend().
    [[nodiscard]] static Status verifyOpened(int fd, const QString &path);
    // Opens a directory for openat() without following a symbolic link, after checkDirectory's
    // rules. Returns the descriptor; the caller closes it.
    [[nodiscard]] static Result<int> openDirectory(const QString &dir);
    // Writes `data` to `relative` (which may name subdirectories, created 0700) beneath
    // `baseDir`, atomically and with `mode`, walking from the verified descriptor of baseDir
    // with openat(): no component may be a symbolic link, "." or "..", so nothing lands outside
    // even if a link is planted while it writes.
    [[nodiscard]] static Status writeBeneath(const QString &baseDir, const QString &relative,
                                             const QByteArray &data, int mode);
};

} // namespace steward
