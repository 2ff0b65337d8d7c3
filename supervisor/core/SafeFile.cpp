#include "SafeFile.h"

#include "AtomicFile.h"

#include <QFile>
#include <QRandomGenerator>
#include <QStringList>

#include <cerrno>
#include <cstring>

#if defined(Q_OS_UNIX)
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace steward {

namespace {

QString errnoText()
{
    return QString::fromLocal8Bit(strerror(errno));
}

#if defined(Q_OS_UNIX)
QString modeText(mode_t mode)
{
    return QStringLiteral("0%1").arg(uint(mode & 07777), 3, 8, QLatin1Char('0'));
}

Status checkStat(const struct stat &st, const QString &path, bool directory)
{
    if (S_ISLNK(st.st_mode))
        return Status::failure(QStringLiteral("refusing %1: it is a symbolic link").arg(path));
    if (directory ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))
        return Status::failure(
            QStringLiteral("refusing %1: it is not a %2")
                .arg(path,
                     directory ? QStringLiteral("directory") : QStringLiteral("regular file")));
    if (st.st_uid != ::geteuid())
        return Status::failure(QStringLiteral("refusing %1: it belongs to another user (uid %2)")
                                   .arg(path)
                                   .arg(st.st_uid));
    if (st.st_mode & S_IWOTH)
        return Status::failure(QStringLiteral("refusing %1: other users can write to it (mode %2)")
                                   .arg(path, modeText(st.st_mode)));
    if (!directory && st.st_nlink > 1)
        return Status::failure(
            QStringLiteral("refusing %1: it has another hard link elsewhere").arg(path));
    return {};
}
#endif

} // namespace

Status SafeFile::checkDirectory(const QString &dir)
{
#if defined(Q_OS_UNIX)
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(dir).constData(), &st) != 0)
        return Status::failure(QStringLiteral("cannot use %1: %2").arg(dir, errnoText()));
    return checkStat(st, dir, true);
#else
    Q_UNUSED(dir);
    return {};
#endif
}

Result<int> SafeFile::openForAppend(const QString &path)
{
#if defined(Q_OS_UNIX)
    const int fd
        = ::open(QFile::encodeName(path).constData(),
                 O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == ELOOP)
            return Result<int>::failure(
                QStringLiteral("refusing %1: it is a symbolic link").arg(path));
        return Result<int>::failure(QStringLiteral("cannot open %1: %2").arg(path, errnoText()));
    }
    if (Status st = verifyOpened(fd, path); !st) {
        ::close(fd);
        return Result<int>::failure(st.error());
    }
    return fd;
#else
    Q_UNUSED(path);
    return Result<int>::failure(QStringLiteral("not supported on this system"));
#endif
}

Status SafeFile::verifyOpened(int fd, const QString &path)
{
#if defined(Q_OS_UNIX)
    struct stat opened
    {
    };
    struct stat named
    {
    };
    if (::fstat(fd, &opened) != 0 || ::lstat(QFile::encodeName(path).constData(), &named) != 0)
        return Status::failure(QStringLiteral("cannot check %1: %2").arg(path, errnoText()));
    if (Status st = checkStat(named, path, false); !st)
        return st;
    if (opened.st_dev != named.st_dev || opened.st_ino != named.st_ino)
        return Status::failure(
            QStringLiteral("refusing %1: it was replaced while being opened").arg(path));
    return {};
#else
    Q_UNUSED(fd);
    Q_UNUSED(path);
    return {};
#endif
}

Result<int> SafeFile::openDirectory(const QString &dir)
{
#if defined(Q_OS_UNIX)
    const int fd = ::open(QFile::encodeName(dir).constData(),
                          O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ELOOP || errno == ENOTDIR)
            return Result<int>::failure(
                QStringLiteral("refusing %1: it is a symbolic link or not a directory").arg(dir));
        return Result<int>::failure(QStringLiteral("cannot open %1: %2").arg(dir, errnoText()));
    }
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        ::close(fd);
        return Result<int>::failure(QStringLiteral("cannot check %1: %2").arg(dir, errnoText()));
    }
    if (Status s = checkStat(st, dir, true); !s) {
        ::close(fd);
        return Result<int>::failure(s.error());
    }
    return fd;
#else
    Q_UNUSED(dir);
    return Result<int>::failure(QStringLiteral("not supported on this system"));
#endif
}

Status SafeFile::writeBeneath(const QString &baseDir, const QString &relative,
                              const QByteArray &data, int mode)
{
#if defined(Q_OS_UNIX)
    const QStringList parts = relative.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        if (part == QLatin1String(".") || part == QLatin1String(".."))
            return Status::failure(
                QStringLiteral("refusing %1: it would lead outside %2").arg(relative, baseDir));
    }
    if (parts.isEmpty())
        return Status::failure(QStringLiteral("refusing an empty file name in %1").arg(baseDir));
    Result<int> base = openDirectory(baseDir);
    if (!base)
        return Status::failure(base.error());
    int dir = base.value();
    QString at = baseDir;
    for (qsizetype i = 0; i + 1 < parts.size(); ++i) {
        const QByteArray name = QFile::encodeName(parts.at(i));
        at += QLatin1Char('/') + parts.at(i);
        if (::mkdirat(dir, name.constData(), 0700) != 0 && errno != EEXIST) {
            const QString why = errnoText();
            ::close(dir);
            return Status::failure(QStringLiteral("cannot create %1: %2").arg(at, why));
        }
        const int next
            = ::openat(dir, name.constData(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        ::close(dir);
        if (next < 0)
            return Status::failure(
                QStringLiteral("refusing %1: it is a symbolic link or not a directory").arg(at));
        struct stat st
        {
        };
        if (::fstat(next, &st) != 0 || !checkStat(st, at, true)) {
            ::close(next);
            return Status::failure(QStringLiteral("refusing %1: not a private directory").arg(at));
        }
        dir = next;
    }
    const QString path = at + QLatin1Char('/') + parts.last();
    const QByteArray name = QFile::encodeName(parts.last());
    const QByteArray tmp
        = '.' + name + ".tmp-" + QByteArray::number(QRandomGenerator::system()->generate64(), 16);
    const int fd = ::openat(dir, tmp.constData(),
                            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    auto fail = [&](const QString &what, int openFd) {
        const QString message = QStringLiteral("%1 %2: %3").arg(what, path, errnoText());
        if (openFd >= 0)
            ::close(openFd);
        ::unlinkat(dir, tmp.constData(), 0);
        ::close(dir);
        return Status::failure(message);
    };
    if (fd < 0)
        return fail(QStringLiteral("cannot create"), -1);
    if (::fchmod(fd, mode_t(mode)) != 0)
        return fail(QStringLiteral("cannot set permissions of"), fd);
    if (const std::optional<QString> step = AtomicFile::writeAndSync(fd, data))
        return fail(*step, fd);
    ::close(fd);
    // renameat() replaces a link planted at the name; it never writes through it.
    if (::renameat(dir, tmp.constData(), dir, name.constData()) != 0)
        return fail(QStringLiteral("cannot replace"), -1);
    ::fsync(dir);
    ::close(dir);
    return {};
#else
    Q_UNUSED(baseDir);
    Q_UNUSED(relative);
    Q_UNUSED(data);
    Q_UNUSED(mode);
    return Status::failure(QStringLiteral("not supported on this system"));
#endif
}

} // namespace steward
