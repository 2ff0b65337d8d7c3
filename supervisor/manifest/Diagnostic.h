#pragma once

#include <QList>
#include <QString>

namespace steward {

// One finding about a manifest: where (a JSON pointer such as /secrets/2/generator/length)
// and what is expected. Never quotes a secret value.
struct Diagnostic
{
    enum class Severity { Error, Warning };

    Severity severity = Severity::Error;
    QString path;
    QString message;
    int line = 0; // 1-based; only set for JSON syntax errors
    int column = 0;

    bool isError() const { return severity == Severity::Error; }
    QString toString() const;
};

using Diagnostics = QList<Diagnostic>;

bool hasErrors(const Diagnostics &diagnostics);
qsizetype errorCount(const Diagnostics &diagnostics);

} // namespace steward
