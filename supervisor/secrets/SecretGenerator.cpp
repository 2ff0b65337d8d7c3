#include "SecretGenerator.h"

#include "manifest/GeneratorAlphabet.h"

#include <climits>
#include <openssl/rand.h>
#include <vector>

namespace steward {

bool SecretGenerator::randomBytes(unsigned char *out, std::size_t size)
{
    while (size > 0) {
        const int chunk = int(std::min<std::size_t>(size, INT_MAX));
        if (RAND_bytes(out, chunk) != 1)
            return false;
        out += chunk;
        size -= std::size_t(chunk);
    }
    return true;
}

Result<QString> SecretGenerator::randomString(const QString &alphabet, int length)
{
    const int n = int(alphabet.size());
    if (n < 2 || n > 256)
        return Result<QString>::failure(
            QStringLiteral("the alphabet must have between 2 and 256 characters"));
    if (length < 1)
        return Result<QString>::failure(QStringLiteral("the length must be at least 1"));

    // Accept a byte only below the largest multiple of n that fits in a byte, so that
    // b % n is uniform (no modulo bias).
    const int limit = 256 - (256 % n);
    QString out;
    out.reserve(length);
    std::vector<unsigned char> buf(std::size_t(length) + 16);
    while (out.size() < length) {
        if (!randomBytes(buf.data(), buf.size()))
            return Result<QString>::failure(QStringLiteral("the system random generator failed"));
        for (unsigned char b : buf) {
            if (b >= limit)
                continue;
            out.append(alphabet.at(b % n));
            if (out.size() == length)
                break;
        }
    }
    OPENSSL_cleanse(buf.data(), buf.size());
    return out;
}

QString SecretGenerator::uuidV4()
{
    unsigned char b[16];
    if (!randomBytes(b, sizeof b))
        return {};
    b[6] = (b[6] & 0x0F) | 0x40; // version 4
    b[8] = (b[8] & 0x3F) | 0x80; // RFC 4122 variant
    static const char hex[] = "0123456789abcdef";
    QString out;
    out.reserve(36);
    for (int i = 0; i < 16; ++i) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out.append(QLatin1Char('-'));
        out.append(QLatin1Char(hex[b[i] >> 4]));
        out.append(QLatin1Char(hex[b[i] & 0x0F]));
    }
    return out;
}

Result<QString> SecretGenerator::generate(const SecretGeneratorSpec &spec)
{
    if (spec.type == SecretGeneratorSpec::Type::Uuid) {
        QString id = uuidV4();
        if (id.isEmpty())
            return Result<QString>::failure(QStringLiteral("the system random generator failed"));
        return id;
    }
    return randomString(GeneratorAlphabet::alphabetOf(spec), spec.length);
}

Result<QString> SecretGenerator::generateMatching(const SecretGeneratorSpec &spec,
                                                  const QRegularExpression &format, int attempts)
{
    const bool check = format.isValid() && !format.pattern().isEmpty();
    for (int i = 0; i < attempts; ++i) {
        Result<QString> value = generate(spec);
        if (!value.ok() || !check || format.match(value.value()).hasMatch())
            return value;
    }
    return Result<QString>::failure(
        QStringLiteral("no generated value matched the format in %1 attempts").arg(attempts));
}

} // namespace steward
