#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QStringList>

namespace steward {

// The value of a remote secret of shape "files": a deployment's config files as our design
// notes keep them in Vault under `<app>_configs`, a JSON array of
//   {"name", "content", "content_type", "destination_path", "file_mode", "owner", "group"},
// or one such object (the legacy `<app>_config` key). Read as data: each entry becomes one file
// at a relative path inside the folder of a "dir" target.
//
// - The path is `destination_path` when given (a full file path; one ending in "/" is a
//   folder, and `name` goes in it), else `name`. An absolute path is mapped inside the folder
//   (its leading "/" dropped); "..", "." and empty segments are refused.
// - `file_mode` is octal text ("0640") or a number written the same way (640); 0600 when
//   absent. The owner can always read; bits for others are dropped: the folder is the
//   service's own.
// - `content_type` is not interpreted. `owner` and `group` are ignored on a desktop, where the
//   files belong to the user running the app, with a warning.
// Errors and warnings name the entry's index and field, never content.
class ConfigFiles
{
public:
    struct File
    {
        QString path; // relative, "/"-separated
        QByteArray content;
        int mode = 0600;
    };

    static Result<ConfigFiles> parse(const QByteArray &value);

    const QList<File> &files() const { return m_files; }
    QStringList paths() const;
    const QStringList &warnings() const { return m_warnings; }

private:
    QList<File> m_files;
    QStringList m_warnings;
};

} // namespace steward
