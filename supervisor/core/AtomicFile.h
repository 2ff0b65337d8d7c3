#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace steward {

// Writes whole files so that a reader (or a crash) sees either the old content or the new,
// never a mix, and never a moment where the file exists with looser permissions than `mode`.
class AtomicFile
{
public:
    // Writes `data` to a temporary file created with `mode` in the same directory, flushes it
    // to disk, renames it over `path` and syncs the directory.
    static Status write(const QString &path, const QByteArray &data, int mode = 0600);
    // Writes all of `data` to `fd` (short writes and EINTR retried) and flushes it to disk.
    // On failure: the step that failed ("cannot write" or "cannot flush"), errno as it left it.
    static std::optional<QString> writeAndSync(int fd, const QByteArray &data);
    enum class Links { Refuse, Follow };
    // Creates `dir` (and parents) and sets its mode, e.g. 0700 for secret directories. An
    // existing one must be the user's and not writable by others (SafeFile::checkDirectory);
    // a symbolic link is refused unless `links` is Follow (the app data dir the user chose),
    // and then its target is checked.
    static Status ensureDirectory(const QString &dir, int mode = 0700, Links links = Links::Refuse);
};

} // namespace steward
