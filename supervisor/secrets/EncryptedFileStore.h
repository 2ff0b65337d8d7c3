#pragma once

#include "SecretStore.h"

namespace steward {

// Secrets encrypted with AES-256-GCM in <dir>/<secret id>.secret (mode 0600, dir 0700), one
// file per secret, each written atomically with a fresh 96-bit nonce and the app, install and
// secret ids as associated data, so a file copied to another id or install fails to decrypt.
//
// The 256-bit data key lives in the OS keychain when one works (protection KeychainKeyedFile);
// otherwise in a 0600 key file beside the secrets (protection PlainKeyFile), which Steward only
// uses when the user asked for it (--secret-store=file), never as a silent fallback.
class EncryptedFileStore : public SecretStore
{
    Q_OBJECT
public:
    static constexpr int KeyBytes = 32;

    EncryptedFileStore(const QString &dir, const QString &appName, const QString &installId,
                       const QByteArray &key, Protection protection, QObject *parent = nullptr);
    ~EncryptedFileStore() override;

    // Opens the store in `dir`, with its data key kept in `keyStore` (an item named
    // "file-store-key") or, when `keyStore` is null, in <dir>/data.key.
    using OpenHandler = std::function<void(const Error &, EncryptedFileStore *store)>;
    static void open(const QString &dir, const QString &appName, const QString &installId,
                     SecretStore *keyStore, QObject *parent, OpenHandler handler);

    void read(const QString &secretId, QObject *context, ReadHandler handler) override;
    void write(const QString &secretId, const QByteArray &value, QObject *context,
               WriteHandler handler) override;
    void remove(const QString &secretId, QObject *context, WriteHandler handler) override;
    QString backendName() const override;
    Protection protection() const override { return m_protection; }

    QString fileFor(const QString &secretId) const;

    // Synchronous cores, exposed for tests and benchmarks.
    Error readNow(const QString &secretId, QByteArray *value) const;
    Error writeNow(const QString &secretId, const QByteArray &value) const;

private:
    QByteArray associatedData(const QString &secretId) const;

    QString m_dir;
    QString m_app;
    QString m_installId;
    QByteArray m_key;
    Protection m_protection;
};

} // namespace steward
