#pragma once

#include "core/Result.h"
#include "manifest/Manifest.h"

#include <QRegularExpression>

namespace steward {

// Generates per-install secrets with OpenSSL's CSPRNG (RAND_bytes), over the alphabets
// GeneratorAlphabet names.
// Characters are drawn by rejection sampling, so every alphabet symbol is equally likely.
class SecretGenerator
{
public:
    static Result<QString> generate(const SecretGeneratorSpec &spec);
    // Draws until the value matches `format` (when valid and non-empty), at most `attempts` times.
    static Result<QString> generateMatching(const SecretGeneratorSpec &spec,
                                            const QRegularExpression &format, int attempts = 64);

    static QString uuidV4();
    // Fills `size` bytes from the CSPRNG. False if OpenSSL could not seed itself.
    [[nodiscard]] static bool randomBytes(unsigned char *out, std::size_t size);
    // A random string over `alphabet` (at most 256 symbols) of `length` symbols.
    static Result<QString> randomString(const QString &alphabet, int length);
};

} // namespace steward
