#include "AtomicFile.h"

#include "SafeFile.h"

#include <QDir>
#include <QFileInfo>
#include <QSaveFile>

#ifdef Q_OS_UNIX
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace steward {

#ifdef Q_OS_UNIX
namespace {
QString errnoText()
{
    return QString::fromLocal8Bit(std::strerror(errno));
}
} // namespace
#endif

Status AtomicFile::ensureDirectory(const QString &dir, int mode, Links links)
{
    if (!QDir().mkpath(dir))
        return Status::failure(QStringLiteral("cannot create directory %1").arg(dir));
    const QString checked = links == Links::Follow ? QFileInfo(dir).canonicalFilePath() : dir;
    if (Status st = SafeFile::checkDirectory(checked.isEmpty() ? dir : checked); !st)
        return st;
#ifdef Q_OS_UNIX
    if (::chmod(QFile::encodeName(dir).constData(), mode_t(mode)) != 0)
        return Status::failure(
            QStringLiteral("cannot set permissions of %1: %2").arg(dir, errnoText()));
#else
    Q_UNUSED(mode);
#endif
    return {};
}

std::optional<QString> AtomicFile::writeAndSync(int fd, const QByteArray &data)
{
    qsizetype written = 0;
    while (written < data.size()) {
        const ssize_t n = ::write(fd, data.constData() + written, size_t(data.size() - written));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return QStringLiteral("cannot write");
        }
        written += n;
    }
    if (::fsync(fd) != 0)
        return QStringLiteral("cannot flush");
    return std::nullopt;
}

Status AtomicFile::write(const QString &path, const QByteArray &data, int mode)
{
#ifdef Q_OS_UNIX
    const QFileInfo info(path);
    const QByteArray dir = QFile::encodeName(info.absolutePath());
    const QByteArray target = QFile::encodeName(info.absoluteFilePath());
    QByteArray tmp = target + ".tmp-XXXXXX";
    const int fd = ::mkstemp(tmp.data()); // created 0600, exclusively
    if (fd < 0)
        return Status::failure(
            QStringLiteral("cannot create a file in %1: %2").arg(info.absolutePath(), errnoText()));
    auto fail = [&](const QString &what) {
        const QString message = QStringLiteral("%1 %2: %3").arg(what, path, errnoText());
        ::close(fd);
        ::unlink(tmp.constData());
        return Status::failure(message);
    };
    if (::fchmod(fd, mode_t(mode)) != 0)
        return fail(QStringLiteral("cannot set permissions of"));
    if (const std::optional<QString> step = AtomicFile::writeAndSync(fd, data))
        return fail(*step);
    if (::close(fd) != 0) {
        ::unlink(tmp.constData());
        return Status::failure(QStringLiteral("cannot close %1: %2").arg(path, errnoText()));
    }
    if (::rename(tmp.constData(), target.constData()) != 0) {
        const QString message = QStringLiteral("cannot replace %1: %2").arg(path, errnoText());
        ::unlink(tmp.constData());
        return Status::failure(message);
    }
    // Make the rename itself durable.
    const int dfd = ::open(dir.constData(), O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
#else
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Status::failure(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(data);
    if (!file.commit())
        return Status::failure(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    Q_UNUSED(mode);
    return {};
#endif
}

} // namespace steward
