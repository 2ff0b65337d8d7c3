#include "ExecGuard.h"

#include "BundleSignature.h"
#include "logging/Logging.h"

#include <QDir>
#include <QFileInfo>

#include <sys/stat.h>

namespace steward {

namespace {

std::shared_ptr<spdlog::logger> log()
{
    static const auto logger = Logging::trust();
    return logger;
}

} // namespace

Result<std::unique_ptr<ExecGuard>> ExecGuard::open(const QString &bundleRoot,
                                                   const QString &manifestPath,
                                                   const QString &publicKeyPath)
{
    using R = Result<std::unique_ptr<ExecGuard>>;
    const QString lockPath = QDir(bundleRoot).absoluteFilePath(QLatin1String(BundleLock::FileName));
    if (!publicKeyPath.isEmpty()) {
        if (Status st = BundleSignature::verifyBundle(bundleRoot, publicKeyPath); !st)
            return R::failure(
                QStringLiteral("the bundle's signature is not valid: %1").arg(st.error()));
    } else if (!QFileInfo::exists(lockPath)) {
        return std::make_unique<ExecGuard>(bundleRoot, std::nullopt);
    }
    Result<BundleLock> lock = BundleLock::load(lockPath);
    if (!lock)
        return R::failure(lock.error());
    const Result<BundleLock::Entry> manifest = BundleLock::hashFile(manifestPath);
    if (!manifest)
        return R::failure(manifest.error());
    if (*lock->entry(lock->manifest()) != manifest.value())
        return R::failure(QStringLiteral("the manifest %1 was changed after the bundle was locked "
                                         "(it does not match %2)")
                              .arg(manifestPath, lockPath));
    return std::make_unique<ExecGuard>(bundleRoot, std::move(lock).value());
}

ExecGuard::ExecGuard(QString bundleRoot, std::optional<BundleLock> lock)
    : m_root(QDir::cleanPath(QDir(bundleRoot).absolutePath()))
    , m_lock(std::move(lock))
{ }

QString ExecGuard::insideBundle(const QString &absolutePath) const
{
    const QString clean = QDir::cleanPath(absolutePath);
    if (!clean.startsWith(m_root + QLatin1Char('/')))
        return {};
    return clean.mid(m_root.size() + 1);
}

std::optional<ExecGuard::Identity> ExecGuard::identityOf(const QString &path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt;
#if defined(Q_OS_DARWIN)
    const struct timespec mtime = st.st_mtimespec, ctime = st.st_ctimespec;
#else
    const struct timespec mtime = st.st_mtim, ctime = st.st_ctim;
#endif
    return Identity {quint64(st.st_dev), quint64(st.st_ino), qint64(st.st_size),
                     qint64(mtime.tv_sec) * 1000000000 + mtime.tv_nsec,
                     qint64(ctime.tv_sec) * 1000000000 + ctime.tv_nsec};
}

Status ExecGuard::checkFile(const QString &absolutePath)
{
    if (!m_lock)
        return {};
    const QString relative = insideBundle(absolutePath);
    if (relative.isEmpty())
        return Status::failure(QStringLiteral("%1 is outside the bundle").arg(absolutePath));
    const BundleLock::Entry *expected = m_lock->entry(relative);
    if (!expected)
        return Status::failure(
            QStringLiteral("%1 is not in bundle.lock (it was added after the bundle was locked)")
                .arg(relative));
    // The identity is taken before hashing: a change during the hash shows at the next check.
    const std::optional<Identity> before = identityOf(absolutePath);
    if (!before)
        return Status::failure(QStringLiteral("%1 cannot be read").arg(relative));
    if (const auto it = m_verified.constFind(relative); it != m_verified.cend() && *it == *before)
        return {};
    m_verified.remove(relative);
    ++m_hashes;
    const Result<BundleLock::Entry> actual = BundleLock::hashFile(absolutePath);
    if (!actual)
        return Status::failure(actual.error());
    if (actual->size != expected->size)
        return Status::failure(QStringLiteral("%1 was changed after the bundle was locked (%2 "
                                              "bytes, bundle.lock says %3)")
                                   .arg(relative)
                                   .arg(actual->size)
                                   .arg(expected->size));
    if (actual->sha256 != expected->sha256)
        return Status::failure(QStringLiteral("%1 was changed after the bundle was locked (its "
                                              "SHA-256 differs from bundle.lock)")
                                   .arg(relative));
    m_verified.insert(relative, *before);
    return {};
}

Status ExecGuard::admit(const QString &asWritten, const QString &program, const QStringList &args,
                        const QString &workingDir, bool system)
{
    const QString written = QDir::fromNativeSeparators(asWritten);
    const bool leaves = QDir::isAbsolutePath(written)
        || (written.contains(QLatin1Char('/'))
            && insideBundle(QDir(m_root).absoluteFilePath(written)).isEmpty());
    // A program of the system named on purpose ("system": true) runs; the bundle's files it is
    // given (a script for /usr/bin/python3) are still checked against the lock below.
    if (leaves && !system) {
        if (m_lock)
            return Status::failure(
                QStringLiteral("refused: %1 is outside the bundle, and a locked bundle runs only "
                               "its own programs (a program of the system is named with "
                               "\"system\": true on that binary or migration)")
                    .arg(asWritten));
        if (!m_warned.value(written)) {
            m_warned.insert(written, true);
            log()->warn("{} is outside the bundle; a locked bundle would refuse it unless its "
                        "manifest entry says \"system\": true",
                        written.toStdString());
        }
        return {};
    }
    if (!m_lock)
        return {};
    if (!insideBundle(program).isEmpty()) {
        if (Status st = checkFile(program); !st)
            return Status::failure(QStringLiteral("refused: %1").arg(st.error()));
    }
    const QDir cwd(workingDir.isEmpty() ? m_root : workingDir);
    for (const QString &a : args) {
        if (a.isEmpty() || a.startsWith(QLatin1Char('-')))
            continue;
        const QString path = QDir::cleanPath(cwd.absoluteFilePath(a));
        if (insideBundle(path).isEmpty() || !QFileInfo(path).isFile())
            continue;
        if (Status st = checkFile(path); !st)
            return Status::failure(QStringLiteral("refused: %1").arg(st.error()));
    }
    return {};
}

Status ExecGuard::admit(const ServiceSpec &service, const QString &platform, const QString &program,
                        const QStringList &args, const QString &workingDir)
{
    const Binary *binary = service.binaryFor(platform);
    if (Status st = admit(binary ? binary->path : program, program, args, workingDir,
                          binary && binary->system);
        !st)
        return st;
    if (!m_lock)
        return {};
    for (const Asset &asset : service.assets) {
        const QString path = QDir::cleanPath(QDir(m_root).absoluteFilePath(asset.path));
        if (!QFileInfo(path).isFile())
            continue; // a missing asset is AssetVerifier's to report
        if (Status st = checkFile(path); !st)
            return Status::failure(QStringLiteral("refused: %1").arg(st.error()));
    }
    return {};
}

} // namespace steward
