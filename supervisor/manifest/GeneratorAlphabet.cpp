#include "GeneratorAlphabet.h"

#include <QRandomGenerator>
#include <QUuid>

namespace steward {

const QStringList &GeneratorAlphabet::charsetNames()
{
    static const QStringList names {
        QStringLiteral("alnum"),     QStringLiteral("hex"),    QStringLiteral("base64"),
        QStringLiteral("base64url"), QStringLiteral("alpha"),  QStringLiteral("lower"),
        QStringLiteral("upper"),     QStringLiteral("digits"),
    };
    return names;
}

QString GeneratorAlphabet::alphabetFor(const QString &charset)
{
    const QString lower = QStringLiteral("abcdefghijklmnopqrstuvwxyz");
    const QString upper = QStringLiteral("ABCDEFGHIJKLMNOPQRSTUVWXYZ");
    const QString digits = QStringLiteral("0123456789");
    if (charset == QLatin1String("alnum"))
        return upper + lower + digits;
    if (charset == QLatin1String("hex"))
        return digits + QStringLiteral("abcdef");
    if (charset == QLatin1String("base64")) // RFC 4648 section 4 alphabet
        return upper + lower + digits + QStringLiteral("+/");
    if (charset == QLatin1String("base64url")) // RFC 4648 section 5 alphabet
        return upper + lower + digits + QStringLiteral("-_");
    if (charset == QLatin1String("alpha"))
        return upper + lower;
    if (charset == QLatin1String("lower"))
        return lower;
    if (charset == QLatin1String("upper"))
        return upper;
    if (charset == QLatin1String("digits"))
        return digits;
    return {};
}

QString GeneratorAlphabet::alphabetOf(const SecretGeneratorSpec &spec)
{
    if (!spec.alphabet.isEmpty())
        return spec.alphabet;
    return alphabetFor(spec.charset.isEmpty() ? QStringLiteral("alnum") : spec.charset);
}

bool GeneratorAlphabet::canMatch(const SecretGeneratorSpec &spec, const QRegularExpression &format,
                                 int attempts)
{
    if (!format.isValid() || format.pattern().isEmpty())
        return true;
    const QString alphabet = alphabetOf(spec);
    QRandomGenerator *random = QRandomGenerator::global();
    for (int i = 0; i < attempts; ++i) {
        QString sample;
        if (spec.type == SecretGeneratorSpec::Type::Uuid) {
            sample = QUuid::createUuid().toString(QUuid::WithoutBraces);
        } else {
            if (alphabet.isEmpty() || spec.length < 1)
                return false;
            sample.reserve(spec.length);
            for (int n = 0; n < spec.length; ++n)
                sample.append(alphabet.at(random->bounded(int(alphabet.size()))));
        }
        if (format.match(sample).hasMatch())
            return true;
    }
    return false;
}

} // namespace steward
