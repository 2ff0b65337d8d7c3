#pragma once

#include "BundleLock.h"
#include "core/Result.h"
#include "manifest/Manifest.h"

#include <QHash>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace steward {

// Decides, before each exec, whether a program of the bundle may run. Under a lock, a program or
// file inside the bundle must match its entry in bundle.lock: the first time by SHA-256, then by
// (device, inode, size, mtime, ctime), hashed again whenever any of them changed. A program the
// manifest names outside the bundle (absolute or through "..") is refused under a lock and
// warned about without one; a bare name found on PATH ("python3") is the system's. Without a
// lock everything is admitted.
class ExecGuard
{
public:
    // Steward's check at start. With `publicKeyPath`, bundle.lock.sig must verify over
    // bundle.lock; then a lock, if there is one, must parse and hold the manifest as it is now.
    static Result<std::unique_ptr<ExecGuard>>
    open(const QString &bundleRoot, const QString &manifestPath, const QString &publicKeyPath);

    ExecGuard(QString bundleRoot, std::optional<BundleLock> lock);

    bool isLocked() const { return m_lock.has_value(); }
    // Whether `program`, resolved from `asWritten`, may run with `args` (from `workingDir`): the
    // program and the bundle files its arguments name must match the lock. A program outside
    // the bundle runs only when the manifest says it is the system's (`system`), or when the
    // bundle has no lock (with a warning).
    Status admit(const QString &asWritten, const QString &program, const QStringList &args = {},
                 const QString &workingDir = {}, bool system = false);
    // The same for a service's binary on `platform`, and its assets.
    Status admit(const ServiceSpec &service, const QString &platform, const QString &program,
                 const QStringList &args, const QString &workingDir);
    // Whether the file at `absolutePath`, inside the bundle, matches its lock entry.
    Status checkFile(const QString &absolutePath);
    // How many times a file was hashed (the stat fast path avoids it).
    int hashes() const { return m_hashes; }

private:
    struct Identity
    {
        quint64 device = 0;
        quint64 inode = 0;
        qint64 size = 0;
        qint64 mtimeNs = 0;
        qint64 ctimeNs = 0;
        bool operator==(const Identity &) const = default;
    };
    static std::optional<Identity> identityOf(const QString &path);
    // The path relative to the bundle root, or empty when it lies outside.
    QString insideBundle(const QString &absolutePath) const;

    QString m_root;
    std::optional<BundleLock> m_lock;
    QHash<QString, Identity> m_verified;
    QHash<QString, bool> m_warned;
    int m_hashes = 0;
};

} // namespace steward
