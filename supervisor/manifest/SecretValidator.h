#pragma once

#include "manifest/Manifest.h"

#include <QCoreApplication>
#include <QStringList>

namespace steward {

// Checks a value offered for a secret (from the wizard, the terminal or the API).
// Messages name the secret id and the rule that failed, never the value.
class SecretValidator
{
    Q_DECLARE_TR_FUNCTIONS(SecretValidator)

public:
    static constexpr qsizetype MaxEnvValueBytes = 64 * 1024;
    static constexpr qsizetype MaxFileValueBytes = 1024 * 1024;

    // Every problem with `value`; empty when it is acceptable. An empty value is
    // acceptable only for an optional secret (it means "not provided").
    static QStringList problems(const SecretSpec &spec, const QString &value);
    // What the value has to look like, for a prompt ("32 or more letters and digits").
    static QString expectation(const SecretSpec &spec);
    // The format in words, never the pattern, for the shapes token formats take ("at least 20
    // characters: letters, digits, - or _"); empty for other patterns (the prompt's hint or
    // description then speaks for it).
    static QString formatInWords(const SecretSpec &spec);
};

} // namespace steward
