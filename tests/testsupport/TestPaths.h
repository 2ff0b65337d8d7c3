#pragma once

#include <QString>

namespace steward::test {

// Where the tests find their inputs, independent of the working directory.
QString sourceDir(); // the repository root
QString sharedDir(); // ../shared, with the Vrooli reference manifests under vrooli/
QString binaryDir(); // the build tree
QString exampleBundle(); // the staged example bundle's bundle.json in the build tree

} // namespace steward::test
