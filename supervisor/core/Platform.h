#pragma once

#include <QString>
#include <QStringList>

namespace steward {

// Bundle platform keys ("linux-x64", ...) and their aliases.
class Platform
{
public:
    // The key of the platform this binary was built for.
    static QString current();
    // All keys the manifest may use, aliases included.
    static const QStringList &knownKeys();
    // Maps an alias ("mac-x64", "windows-x64") to its canonical key; other keys unchanged.
    static QString canonical(const QString &key);
};

} // namespace steward
