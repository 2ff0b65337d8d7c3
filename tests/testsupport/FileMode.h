#pragma once

#include <QFile>
#include <QString>

#include <sys/stat.h>

namespace steward::test {

// The permission bits of a file or directory, or -1 if it does not exist.
inline int modeOf(const QString &path)
{
    struct stat st
    {
    };
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

} // namespace steward::test
