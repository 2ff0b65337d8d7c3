#include "SecretValidator.h"

#include <QRegularExpression>

namespace steward {

QStringList SecretValidator::problems(const SecretSpec &spec, const QString &value)
{
    QStringList out;
    const QString who = spec.id + QStringLiteral(": ");
    if (value.isEmpty()) {
        if (spec.required)
            out << who + QStringLiteral("a value is required");
        return out;
    }
    if (value.front().isSpace() || value.back().isSpace())
        out << who
                + QStringLiteral("must not start or end with spaces, tabs or line breaks "
                                 "(often a copy-and-paste slip)");
    const qsizetype bytes = value.toUtf8().size();
    if (spec.target.type == SecretTarget::Type::Env) {
        if (value.contains(QChar(0)))
            out << who
                    + QStringLiteral("must not contain a NUL character (it is passed as an "
                                     "environment variable)");
        if (bytes > MaxEnvValueBytes)
            out << who
                    + QStringLiteral("is %1 bytes; environment values may be at most %2 bytes")
                          .arg(bytes)
                          .arg(MaxEnvValueBytes);
    } else if (bytes > MaxFileValueBytes) {
        out << who
                + QStringLiteral("is %1 bytes; file secrets may be at most %2 bytes")
                      .arg(bytes)
                      .arg(MaxFileValueBytes);
    }
    if (!spec.format.isEmpty()) {
        // Anchored only as the manifest writes it, like every other regex consumer of v0.1.
        const QRegularExpression re(spec.format);
        if (re.isValid() && !re.match(value).hasMatch())
            out << who + QStringLiteral("does not have the expected format (%1)").arg(spec.format);
    }
    return out;
}

QString SecretValidator::expectation(const SecretSpec &spec)
{
    if (!spec.format.isEmpty())
        return QStringLiteral("must match %1").arg(spec.format);
    return spec.required ? QStringLiteral("any non-empty value") : QStringLiteral("optional");
}

} // namespace steward
