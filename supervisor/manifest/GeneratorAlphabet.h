#pragma once

#include "manifest/Manifest.h"

#include <QRegularExpression>
#include <QStringList>

namespace steward {

// What a `generator` block means, without generating a secret: the charset names a manifest may
// use and the alphabet behind each. SecretGenerator draws real values from these alphabets; the
// manifest checks use them to validate a generator before first run.
class GeneratorAlphabet
{
public:
    // Names accepted as generator.charset.
    static const QStringList &charsetNames();
    // The alphabet behind a charset name; empty for an unknown name.
    static QString alphabetFor(const QString &charset);
    // The alphabet a spec draws from (explicit alphabet, named charset, or alnum by default).
    static QString alphabetOf(const SecretGeneratorSpec &spec);

    // Whether `spec` can produce a value matching `format` (a sample of `attempts` draws).
    // The samples come from a non-secret generator and are discarded: this answers a question
    // about the manifest, it makes no secret.
    static bool canMatch(const SecretGeneratorSpec &spec, const QRegularExpression &format,
                         int attempts);
};

} // namespace steward
