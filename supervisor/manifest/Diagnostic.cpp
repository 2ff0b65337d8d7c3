#include "Diagnostic.h"

#include <algorithm>

namespace steward {

QString Diagnostic::toString() const
{
    const QString kind = isError() ? QStringLiteral("error") : QStringLiteral("warning");
    if (line > 0)
        return QStringLiteral("%1: line %2, column %3: %4")
            .arg(kind)
            .arg(line)
            .arg(column)
            .arg(message);
    return QStringLiteral("%1: %2: %3")
        .arg(kind, path.isEmpty() ? QStringLiteral("/") : path, message);
}

bool hasErrors(const Diagnostics &diagnostics)
{
    return std::any_of(diagnostics.begin(), diagnostics.end(),
                       [](const Diagnostic &d) { return d.isError(); });
}

qsizetype errorCount(const Diagnostics &diagnostics)
{
    return std::count_if(diagnostics.begin(), diagnostics.end(),
                         [](const Diagnostic &d) { return d.isError(); });
}

} // namespace steward
