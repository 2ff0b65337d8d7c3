#include "BundleSignature.h"

#include "BundleLock.h"

#include <QDir>
#include <QFile>

#include <memory>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

namespace steward {

namespace {

struct PkeyFree
{
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree
{
    void operator()(EVP_MD_CTX *c) const { EVP_MD_CTX_free(c); }
};
struct BioFree
{
    void operator()(BIO *b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxFree>;
using Bio = std::unique_ptr<BIO, BioFree>;

QString opensslError()
{
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    if (e == 0)
        return QStringLiteral("unknown OpenSSL error");
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    return QString::fromLatin1(buf);
}

QByteArray bioBytes(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return QByteArray(data, int(n));
}

Pkey readPrivate(const QByteArray &pem)
{
    Bio bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Pkey(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

Pkey readPublic(const QByteArray &pem)
{
    Bio bio(BIO_new_mem_buf(pem.constData(), int(pem.size())));
    return Pkey(bio ? PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

bool isEd25519(const Pkey &key)
{
    return key && EVP_PKEY_is_a(key.get(), "ED25519");
}

Result<QByteArray> publicPemOf(EVP_PKEY *key)
{
    Bio out(BIO_new(BIO_s_mem()));
    if (!out || PEM_write_bio_PUBKEY(out.get(), key) != 1)
        return Result<QByteArray>::failure(opensslError());
    return bioBytes(out.get());
}

Result<QByteArray> readFile(const QString &path, const QString &what)
{
    QFile f(path);
    if (!f.exists())
        return Result<QByteArray>::failure(QStringLiteral("%1 %2 is missing").arg(what, path));
    if (!f.open(QIODevice::ReadOnly))
        return Result<QByteArray>::failure(
            QStringLiteral("cannot read %1 %2: %3").arg(what, path, f.errorString()));
    return f.readAll();
}

} // namespace

Result<BundleSignature::KeyPair> BundleSignature::generate()
{
    using R = Result<KeyPair>;
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
    if (!key)
        return R::failure(QStringLiteral("cannot make an Ed25519 key: %1").arg(opensslError()));
    Bio priv(BIO_new(BIO_s_mem()));
    if (!priv
        || PEM_write_bio_PrivateKey(priv.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)
            != 1)
        return R::failure(opensslError());
    Result<QByteArray> pub = publicPemOf(key.get());
    if (!pub)
        return R::failure(pub.error());
    return KeyPair {bioBytes(priv.get()), pub.value()};
}

Result<QByteArray> BundleSignature::publicKeyOf(const QByteArray &privatePem)
{
    const Pkey key = readPrivate(privatePem);
    if (!isEd25519(key))
        return Result<QByteArray>::failure(QStringLiteral("not an Ed25519 private key in PEM"));
    return publicPemOf(key.get());
}

Result<QByteArray> BundleSignature::sign(const QByteArray &data, const QByteArray &privatePem)
{
    using R = Result<QByteArray>;
    const Pkey key = readPrivate(privatePem);
    if (!isEd25519(key))
        return R::failure(QStringLiteral("not an Ed25519 private key in PEM"));
    const MdCtx ctx(EVP_MD_CTX_new());
    // Ed25519 signs the message itself (no separate digest), in one call.
    size_t length = 0;
    const auto *bytes = reinterpret_cast<const unsigned char *>(data.constData());
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length, bytes, size_t(data.size())) != 1)
        return R::failure(QStringLiteral("cannot sign: %1").arg(opensslError()));
    QByteArray signature(qsizetype(length), '\0');
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length,
                       bytes, size_t(data.size()))
        != 1)
        return R::failure(QStringLiteral("cannot sign: %1").arg(opensslError()));
    signature.truncate(qsizetype(length));
    return QByteArray(signature.toBase64() + '\n');
}

Status BundleSignature::verify(const QByteArray &data, const QByteArray &signatureFile,
                               const QByteArray &publicPem)
{
    const Pkey key = readPublic(publicPem);
    if (!isEd25519(key))
        return Status::failure(QStringLiteral("the public key is not an Ed25519 key in PEM"));
    const auto decoded = QByteArray::fromBase64Encoding(signatureFile.trimmed(),
                                                        QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.size() != 64)
        return Status::failure(QStringLiteral("the signature is not an Ed25519 signature"));
    const MdCtx ctx(EVP_MD_CTX_new());
    const int ok = ctx ? EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1
            && EVP_DigestVerify(
                   ctx.get(), reinterpret_cast<const unsigned char *>(decoded.decoded.constData()),
                   size_t(decoded.decoded.size()),
                   reinterpret_cast<const unsigned char *>(data.constData()), size_t(data.size()))
                == 1
                       : 0;
    ERR_clear_error();
    if (!ok)
        return Status::failure(QStringLiteral("the signature does not match the installed key"));
    return {};
}

Status BundleSignature::verifyBundle(const QString &bundleRoot, const QString &publicKeyPath)
{
    const QDir root(bundleRoot);
    const Result<QByteArray> key = readFile(publicKeyPath, QStringLiteral("the public key"));
    if (!key)
        return Status::failure(key.error());
    const QString lockPath = root.absoluteFilePath(QLatin1String(BundleLock::FileName));
    const Result<QByteArray> lock = readFile(lockPath, QStringLiteral("the bundle lock"));
    if (!lock)
        return Status::failure(lock.error());
    const QString sigPath = root.absoluteFilePath(QLatin1String(BundleLock::SignatureFileName));
    const Result<QByteArray> sig = readFile(sigPath, QStringLiteral("the signature"));
    if (!sig)
        return Status::failure(sig.error());
    if (Status st = verify(lock.value(), sig.value(), key.value()); !st)
        return Status::failure(QStringLiteral("%1 does not verify with %2: %3")
                                   .arg(sigPath, publicKeyPath, st.error()));
    return {};
}

} // namespace steward
