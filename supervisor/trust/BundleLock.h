#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QMap>
#include <QString>
#include <QStringList>

namespace steward {

// bundle.lock: the SHA-256 and size of the manifest and of every regular file under the bundle
// root (binaries, assets, migration programs and the scripts interpreters read), so that a
// file swapped after the bundle was locked is recognised. The lock's own bytes are what
// BundleSignature signs; they are the same for the same files, whoever writes them.
class BundleLock
{
public:
    struct Entry
    {
        QByteArray sha256; // lower-case hex
        qint64 size = 0;
        bool operator==(const Entry &) const = default;
    };

    static constexpr const char *FileName = "bundle.lock";
    static constexpr const char *SignatureFileName = "bundle.lock.sig";

    // Hashes every regular file under `bundleRoot` (symbolic links to files are followed, to
    // directories not); `manifestPath` names the manifest, which is locked under its file name
    // when it lies outside the root.
    static Result<BundleLock> create(const QString &bundleRoot, const QString &manifestPath);
    static Result<BundleLock> parse(const QByteArray &text);
    // Reads `path`; a missing file gives a failure whose message says so.
    static Result<BundleLock> load(const QString &path);
    // The SHA-256 (hex) and size of a file, read in slices.
    static Result<Entry> hashFile(const QString &path);

    // Hashes every file under `bundleRoot` again: what was changed, removed or added since the
    // lock was written, one line each ("changed: bin/app"); empty when the bundle matches.
    QStringList differences(const QString &bundleRoot, const QString &manifestPath) const;

    QByteArray toBytes() const;
    // The manifest's path in the lock, relative to the bundle root.
    QString manifest() const { return m_manifest; }
    const QMap<QString, Entry> &files() const { return m_files; }
    // The entry for a path relative to the bundle root ('/'-separated); null when not locked.
    const Entry *entry(const QString &relativePath) const;

private:
    QString m_manifest;
    QMap<QString, Entry> m_files;
};

} // namespace steward
