#include "EncryptedFileStore.h"

#include "SecretGenerator.h"
#include "core/AtomicFile.h"

#include <QDir>
#include <QFile>
#include <QTimer>

#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace steward {

namespace {

// File layout: magic "STW1" | nonce (12) | tag (16) | ciphertext.
const QByteArray Magic = QByteArrayLiteral("STW1");
constexpr int NonceBytes = 12;
constexpr int TagBytes = 16;

struct CipherCtx
{
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    ~CipherCtx() { EVP_CIPHER_CTX_free(ctx); }
};

template<typename F> void later(QObject *context, F &&f)
{
    QTimer::singleShot(0, context, std::forward<F>(f));
}

} // namespace

EncryptedFileStore::EncryptedFileStore(const QString &dir, const QString &appName,
                                       const QString &installId, const QByteArray &key,
                                       Protection protection, QObject *parent)
    : SecretStore(parent)
    , m_dir(dir)
    , m_app(appName)
    , m_installId(installId)
    , m_key(key)
    , m_protection(protection)
{ }

EncryptedFileStore::~EncryptedFileStore()
{
    OPENSSL_cleanse(m_key.data(), std::size_t(m_key.size()));
}

QString EncryptedFileStore::backendName() const
{
    return m_protection == Protection::KeychainKeyedFile
        ? QStringLiteral("encrypted files, key in the OS keychain")
        : QStringLiteral("encrypted files, key in a local file");
}

QString EncryptedFileStore::fileFor(const QString &secretId) const
{
    return m_dir + QLatin1Char('/') + secretId + QStringLiteral(".secret");
}

QByteArray EncryptedFileStore::associatedData(const QString &secretId) const
{
    return QByteArrayLiteral("steward-secret-v1") + '\0' + m_app.toUtf8() + '\0'
        + m_installId.toUtf8() + '\0' + secretId.toUtf8();
}

SecretStore::Error EncryptedFileStore::writeNow(const QString &secretId,
                                                const QByteArray &value) const
{
    unsigned char nonce[NonceBytes];
    if (!SecretGenerator::randomBytes(nonce, sizeof nonce))
        return {ErrorKind::Io, secretId + QStringLiteral(": the system random generator failed")};
    const QByteArray aad = associatedData(secretId);
    CipherCtx c;
    QByteArray cipher(value.size() + 16, Qt::Uninitialized);
    int len = 0;
    int total = 0;
    unsigned char tag[TagBytes];
    const bool ok = c.ctx
        && EVP_EncryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, NonceBytes, nullptr) == 1
        && EVP_EncryptInit_ex(c.ctx, nullptr, nullptr,
                              reinterpret_cast<const unsigned char *>(m_key.constData()), nonce)
            == 1
        && EVP_EncryptUpdate(c.ctx, nullptr, &len,
                             reinterpret_cast<const unsigned char *>(aad.constData()),
                             int(aad.size()))
            == 1
        && EVP_EncryptUpdate(c.ctx, reinterpret_cast<unsigned char *>(cipher.data()), &len,
                             reinterpret_cast<const unsigned char *>(value.constData()),
                             int(value.size()))
            == 1
        && (total = len,
            EVP_EncryptFinal_ex(c.ctx, reinterpret_cast<unsigned char *>(cipher.data()) + total,
                                &len)
                == 1)
        && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_GET_TAG, TagBytes, tag) == 1;
    if (!ok)
        return {ErrorKind::Io, secretId + QStringLiteral(": encryption failed")};
    cipher.truncate(total + len);
    const QByteArray file = Magic + QByteArray(reinterpret_cast<const char *>(nonce), NonceBytes)
        + QByteArray(reinterpret_cast<const char *>(tag), TagBytes) + cipher;
    if (Status s = AtomicFile::write(fileFor(secretId), file, 0600); !s)
        return {ErrorKind::Io, secretId + QStringLiteral(": ") + s.error()};
    return {};
}

SecretStore::Error EncryptedFileStore::readNow(const QString &secretId, QByteArray *value) const
{
    QFile f(fileFor(secretId));
    if (!f.exists())
        return {ErrorKind::NotFound, secretId + QStringLiteral(": no value stored")};
    if (!f.open(QIODevice::ReadOnly))
        return {ErrorKind::Io,
                secretId
                    + QStringLiteral(": cannot read %1: %2").arg(f.fileName(), f.errorString())};
    const QByteArray file = f.readAll();
    const int header = int(Magic.size()) + NonceBytes + TagBytes;
    if (file.size() < header || !file.startsWith(Magic))
        return {ErrorKind::Corrupt,
                secretId + QStringLiteral(": %1 is not a Steward secret file").arg(f.fileName())};
    const auto *nonce = reinterpret_cast<const unsigned char *>(file.constData() + Magic.size());
    QByteArray tag = file.mid(Magic.size() + NonceBytes, TagBytes);
    const QByteArray cipher = file.mid(header);
    const QByteArray aad = associatedData(secretId);
    CipherCtx c;
    QByteArray plain(cipher.size() + 16, Qt::Uninitialized);
    int len = 0;
    int total = 0;
    const bool ok = c.ctx
        && EVP_DecryptInit_ex(c.ctx, EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1
        && EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_IVLEN, NonceBytes, nullptr) == 1
        && EVP_DecryptInit_ex(c.ctx, nullptr, nullptr,
                              reinterpret_cast<const unsigned char *>(m_key.constData()), nonce)
            == 1
        && EVP_DecryptUpdate(c.ctx, nullptr, &len,
                             reinterpret_cast<const unsigned char *>(aad.constData()),
                             int(aad.size()))
            == 1
        && EVP_DecryptUpdate(c.ctx, reinterpret_cast<unsigned char *>(plain.data()), &len,
                             reinterpret_cast<const unsigned char *>(cipher.constData()),
                             int(cipher.size()))
            == 1
        && (total = len,
            EVP_CIPHER_CTX_ctrl(c.ctx, EVP_CTRL_GCM_SET_TAG, TagBytes, tag.data()) == 1)
        && EVP_DecryptFinal_ex(c.ctx, reinterpret_cast<unsigned char *>(plain.data()) + total, &len)
            == 1;
    if (!ok) {
        OPENSSL_cleanse(plain.data(), std::size_t(plain.size()));
        return {ErrorKind::Corrupt,
                secretId
                    + QStringLiteral(
                          ": %1 cannot be decrypted: it was modified, truncated, or belongs to "
                          "another secret or install")
                          .arg(f.fileName())};
    }
    plain.truncate(total + len);
    *value = plain;
    return {};
}

void EncryptedFileStore::read(const QString &secretId, QObject *context, ReadHandler handler)
{
    QByteArray value;
    const Error e = readNow(secretId, &value);
    later(context, [handler = std::move(handler), e, value] { handler(e, value); });
}

void EncryptedFileStore::write(const QString &secretId, const QByteArray &value, QObject *context,
                               WriteHandler handler)
{
    const Error e = writeNow(secretId, value);
    later(context, [handler = std::move(handler), e] { handler(e); });
}

void EncryptedFileStore::remove(const QString &secretId, QObject *context, WriteHandler handler)
{
    Error e;
    QFile f(fileFor(secretId));
    if (f.exists() && !f.remove())
        e = {ErrorKind::Io,
             secretId
                 + QStringLiteral(": cannot remove %1: %2").arg(f.fileName(), f.errorString())};
    later(context, [handler = std::move(handler), e] { handler(e); });
}

void EncryptedFileStore::open(const QString &dir, const QString &appName, const QString &installId,
                              SecretStore *keyStore, QObject *parent, OpenHandler handler)
{
    if (Status s = AtomicFile::ensureDirectory(dir, 0700); !s) {
        QTimer::singleShot(0, parent, [handler, s] {
            handler({ErrorKind::Io, s.error()}, nullptr);
        });
        return;
    }
    auto newKey = [] {
        QByteArray key(KeyBytes, Qt::Uninitialized);
        if (!SecretGenerator::randomBytes(reinterpret_cast<unsigned char *>(key.data()),
                                          std::size_t(key.size())))
            return QByteArray();
        return key;
    };
    if (!keyStore) {
        const QString keyPath = dir + QStringLiteral("/data.key");
        QFile f(keyPath);
        QByteArray key;
        Error e;
        if (f.open(QIODevice::ReadOnly)) {
            key = f.readAll();
            if (key.size() != KeyBytes)
                e = {ErrorKind::Corrupt,
                     QStringLiteral("%1 is not a %2-byte key").arg(keyPath).arg(KeyBytes)};
        } else {
            key = newKey();
            if (Status s = AtomicFile::write(keyPath, key, 0600); !s)
                e = {ErrorKind::Io, s.error()};
        }
        QTimer::singleShot(0, parent, [=] {
            handler(e,
                    e.ok() ? new EncryptedFileStore(dir, appName, installId, key,
                                                    Protection::PlainKeyFile, parent)
                           : nullptr);
        });
        return;
    }
    const QString keyId = QStringLiteral("file-store-key");
    keyStore->read(keyId, parent, [=](const Error &e, const QByteArray &stored) {
        auto make = [=](const QByteArray &key) {
            return new EncryptedFileStore(dir, appName, installId, key,
                                          Protection::KeychainKeyedFile, parent);
        };
        if (e.ok()) {
            if (stored.size() != KeyBytes)
                return handler({ErrorKind::Corrupt,
                                QStringLiteral("the file store's key in the keychain is damaged")},
                               nullptr);
            return handler({}, make(stored));
        }
        if (e.kind != ErrorKind::NotFound)
            return handler(e, nullptr);
        const QByteArray key = newKey();
        keyStore->write(keyId, key, parent, [=](const Error &we) {
            if (!we.ok())
                return handler(we, nullptr);
            handler({}, make(key));
        });
    });
}

} // namespace steward
