#include "TestPaths.h"

#include <QDir>

namespace steward::test {

QString sourceDir()
{
    return QStringLiteral(STEWARD_SOURCE_DIR);
}

QString sharedDir()
{
    return QDir::cleanPath(QStringLiteral(STEWARD_SHARED_DIR));
}

QString binaryDir()
{
    return QStringLiteral(STEWARD_BINARY_DIR);
}

QString exampleBundle()
{
    return binaryDir() + QStringLiteral("/bundles/hello/bundle.json");
}

} // namespace steward::test
