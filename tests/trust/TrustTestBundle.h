#pragma once

// A bundle on disk for the trust tests: a manifest and files written with the given content.

#include <QDir>
#include <QFile>
#include <QTemporaryDir>

namespace steward::test {

class TrustTestBundle
{
public:
    QString root() const { return m_dir.path(); }
    QString path(const QString &relative) const { return QDir(root()).filePath(relative); }
    QString manifest() const { return path(QStringLiteral("bundle.json")); }
    // Writes `content` to `relative` (creating folders), executable when `executable`.
    bool write(const QString &relative, const QByteArray &content, bool executable = false) const
    {
        const QString p = path(relative);
        QDir().mkpath(QFileInfo(p).absolutePath());
        QFile f(p);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || f.write(content) != content.size())
            return false;
        f.close();
        if (executable)
            f.setPermissions(f.permissions() | QFileDevice::ExeOwner);
        return true;
    }

private:
    QTemporaryDir m_dir;
};

} // namespace steward::test
