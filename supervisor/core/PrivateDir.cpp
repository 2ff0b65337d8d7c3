#include "PrivateDir.h"

#include "AtomicFile.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>

namespace steward {

namespace {

// Moves `from` to `to`; across file systems (an app data dir that is a mount point), copies
// then removes. Only Steward's own small files are moved, once per install.
bool moveEntry(const QString &from, const QString &to)
{
    if (QFile::rename(from, to) || QDir().rename(from, to))
        return true;
    const QFileInfo info(from);
    if (!info.isDir())
        return QFile::copy(from, to) && QFile::remove(from);
    if (!QDir().mkpath(to))
        return false;
    QDirIterator it(from, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString target = to + path.mid(from.size());
        const QFileInfo entry = it.fileInfo();
        if (entry.isSymLink())
            continue; // nothing of Steward's is a link: a planted one is left behind
        if (entry.isDir() ? !QDir().mkpath(target) : !QFile::copy(path, target))
            return false;
    }
    return QDir(from).removeRecursively();
}

bool removeEntry(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir() && !info.isSymLink())
        return QDir(path).removeRecursively();
    return QFile::remove(path);
}

} // namespace

QStringList PrivateDir::standardEntries()
{
    return {QStringLiteral("runtime"), QStringLiteral("state.json"), QStringLiteral("install-id"),
            QStringLiteral("secrets")};
}

QString PrivateDir::pathFor(const QString &appData)
{
    const QFileInfo real(QFileInfo(appData).canonicalFilePath());
    if (real.filePath().isEmpty())
        return {};
    return real.dir().absoluteFilePath(QLatin1Char('.') + real.fileName()
                                       + QStringLiteral(".steward"));
}

Result<QString> PrivateDir::prepare(const QString &appData, const QStringList &entries)
{
    using R = Result<QString>;
    const QString dir = pathFor(appData);
    if (dir.isEmpty())
        return R::failure(QStringLiteral("%1 does not exist").arg(appData));
    if (Status st = AtomicFile::ensureDirectory(dir, 0700); !st)
        return R::failure(st.error());
    const QString realAppData = QFileInfo(appData).canonicalFilePath();
    for (const QString &entry : entries) {
        // An entry inside another one (runtime/auth-token in runtime) is already in place.
        const bool covered = std::any_of(entries.cbegin(), entries.cend(), [&](const QString &e) {
            return entry.startsWith(e + QLatin1Char('/'));
        });
        if (covered)
            continue;
        const QString shared = realAppData + QLatin1Char('/') + entry;
        const QString own = dir + QLatin1Char('/') + entry;
        const QFileInfo here(shared);
        if (here.isSymLink() && QFile::symLinkTarget(shared) == own)
            continue;
        if (Status st = AtomicFile::ensureDirectory(QFileInfo(own).absolutePath(), 0700); !st)
            return R::failure(st.error());
        if (here.exists() || here.isSymLink()) {
            const bool adopt = !here.isSymLink() && !QFileInfo::exists(own);
            if (adopt ? !moveEntry(shared, own) : !removeEntry(shared))
                return R::failure(QStringLiteral("cannot move %1 to %2").arg(shared, own));
        }
        if (!QDir().mkpath(QFileInfo(shared).absolutePath()) || !QFile::link(own, shared))
            return R::failure(QStringLiteral("cannot link %1 to %2").arg(shared, own));
    }
    return dir;
}

} // namespace steward
