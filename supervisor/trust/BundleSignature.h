#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace steward {

// Ed25519 signatures over a bundle's lock (OpenSSL 3). Keys are PEM: the private key PKCS#8,
// the public key SubjectPublicKeyInfo. A signature file holds the signature in base64 on one
// line.
class BundleSignature
{
public:
    struct KeyPair
    {
        QByteArray privatePem;
        QByteArray publicPem;
    };

    static Result<KeyPair> generate();
    static Result<QByteArray> publicKeyOf(const QByteArray &privatePem);
    // The signature file's content for `data`.
    static Result<QByteArray> sign(const QByteArray &data, const QByteArray &privatePem);
    // Whether `signatureFile` (sign()'s output) is a signature of `data` by `publicPem`.
    static Status verify(const QByteArray &data, const QByteArray &signatureFile,
                         const QByteArray &publicPem);
    // Verifies <bundleRoot>/bundle.lock.sig over <bundleRoot>/bundle.lock with the key in
    // `publicKeyPath`; the message names the file that is missing or does not match.
    static Status verifyBundle(const QString &bundleRoot, const QString &publicKeyPath);
};

} // namespace steward
