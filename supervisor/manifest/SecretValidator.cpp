#include "SecretValidator.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace steward {

namespace {

// "letters, digits, - or _" for a character class such as A-Za-z0-9_-; empty when the class
// holds something this does not put in words.
QString classInWords(const QString &cls)
{
    QStringList kinds;
    QStringList singles;
    bool upper = false, lower = false;
    for (qsizetype i = 0; i < cls.size(); ++i) {
        const QString range = cls.mid(i, 3);
        if (range == QLatin1String("A-Z")) {
            upper = true;
            i += 2;
        } else if (range == QLatin1String("a-z")) {
            lower = true;
            i += 2;
        } else if (range == QLatin1String("0-9")) {
            kinds << SecretValidator::tr("digits");
            i += 2;
        } else if (cls.mid(i, 2) == QLatin1String("\\d")) {
            kinds << SecretValidator::tr("digits");
            ++i;
        } else if (cls.mid(i, 2) == QLatin1String("\\w")) {
            upper = lower = true;
            kinds << SecretValidator::tr("digits");
            singles << QStringLiteral("_");
            ++i;
        } else if (cls.at(i) == QLatin1Char('\\') && i + 1 < cls.size()
                   && !cls.at(i + 1).isLetterOrNumber()) {
            singles << cls.at(++i);
        } else if (cls.at(i).isPrint() && !cls.at(i).isLetterOrNumber()
                   && cls.at(i) != QLatin1Char('^') && cls.at(i) != QLatin1Char('\\')
                   && (cls.at(i) != QLatin1Char('-') || i == 0 || i == cls.size() - 1)) {
            singles << cls.at(i);
        } else {
            return {};
        }
    }
    if (upper && lower)
        kinds.prepend(SecretValidator::tr("letters"));
    else if (upper)
        kinds.prepend(SecretValidator::tr("capital letters"));
    else if (lower)
        kinds.prepend(SecretValidator::tr("lower-case letters"));
    kinds.removeDuplicates();
    singles.removeDuplicates();
    const QStringList all = kinds + singles;
    if (all.isEmpty())
        return {};
    if (all.size() == 1)
        return all.first();
    //: A list of kinds of characters, e.g. "letters, digits, - or _".
    return SecretValidator::tr("%1 or %2")
        .arg(all.mid(0, all.size() - 1).join(SecretValidator::tr(", ")), all.last());
}

} // namespace

QStringList SecretValidator::problems(const SecretSpec &spec, const QString &value)
{
    QStringList out;
    const QString who = spec.id + QStringLiteral(": ");
    if (value.isEmpty()) {
        if (spec.required)
            out << who + tr("a value is required");
        return out;
    }
    if (value.front().isSpace() || value.back().isSpace())
        out << who
                + tr("must not start or end with spaces, tabs or line breaks "
                     "(often a copy-and-paste slip)");
    const qsizetype bytes = value.toUtf8().size();
    if (spec.target.type == SecretTarget::Type::Env) {
        if (value.contains(QChar(0)))
            out << who
                    + tr("must not contain a NUL character (it is passed as an "
                         "environment variable)");
        if (bytes > MaxEnvValueBytes)
            out << who
                    + tr("is %1 bytes; environment values may be at most %2 bytes")
                          .arg(bytes)
                          .arg(MaxEnvValueBytes);
    } else if (bytes > MaxFileValueBytes) {
        out << who
                + tr("is %1 bytes; file secrets may be at most %2 bytes")
                      .arg(bytes)
                      .arg(MaxFileValueBytes);
    }
    if (!spec.format.isEmpty()) {
        // Anchored only as the manifest writes it, like every other regex consumer of v0.1.
        const QRegularExpression re(spec.format);
        if (re.isValid() && !re.match(value).hasMatch()) {
            // The pattern itself means nothing to most people; it stays in the manifest.
            const QString words = formatInWords(spec);
            const QString told = spec.prompt && !spec.prompt->hint.isEmpty() ? spec.prompt->hint
                : spec.prompt ? spec.prompt->description
                              : QString();
            if (!words.isEmpty())
                out << who + tr("does not have the expected format; expected %1").arg(words);
            else if (!told.isEmpty())
                out << who + tr("does not have the expected format: %1").arg(told);
            else
                out << who + tr("does not have the expected format");
        }
    }
    return out;
}

QString SecretValidator::expectation(const SecretSpec &spec)
{
    if (!spec.format.isEmpty()) {
        if (const QString words = formatInWords(spec); !words.isEmpty())
            return words;
        if (spec.prompt && !spec.prompt->hint.isEmpty())
            return spec.prompt->hint;
        return tr("in the format the app expects");
    }
    return spec.required ? tr("any non-empty value") : tr("optional");
}

QString SecretValidator::formatInWords(const SecretSpec &spec)
{
    // ^prefix[class]{n,m}$ and its simpler forms: the shapes token formats take.
    static const QRegularExpression shape(
        QStringLiteral(R"(^\^([A-Za-z0-9_:.]*-?)\[([^\]\[]+)\](\{(\d+)(,(\d*))?\}|\+|\*)\$$)"));
    const QRegularExpressionMatch m = shape.match(spec.format);
    if (m.hasMatch()) {
        const QString cls = classInWords(m.captured(2));
        if (!cls.isEmpty()) {
            QString count;
            const QString quantifier = m.captured(3);
            const QString min = m.captured(4);
            const QString max = m.captured(6);
            if (quantifier == QLatin1String("+"))
                count = tr("one or more characters");
            else if (quantifier == QLatin1String("*"))
                count = tr("any number of characters");
            else if (m.captured(5).isEmpty())
                count = tr("exactly %1 characters").arg(min);
            else if (max.isEmpty())
                count = tr("at least %1 characters").arg(min);
            else
                count = tr("%1 to %2 characters").arg(min, max);
            const QString prefix = m.captured(1);
            //: How many characters, then which: "at least 20 characters: letters or digits".
            return prefix.isEmpty() ? tr("%1: %2").arg(count, cls)
                                    //: A fixed beginning, then how many characters and which.
                                    : tr("\"%1\" then %2: %3").arg(prefix, count, cls);
        }
    }
    return {};
}

} // namespace steward
