#pragma once

#include "SecretStore.h"

namespace QKeychain {
class Job;
}

namespace steward {

// Secrets in the OS keychain through QtKeychain (Secret Service on Linux, Keychain on macOS,
// Credential Manager on Windows): one item per secret, service "steward:<app>", key
// "<install id>/<secret id>". Values over ChunkBytes are split across items (the Windows
// Credential Manager caps one item at 2.5 KiB) and reassembled and checked on read.
class KeychainStore : public SecretStore
{
    Q_OBJECT
public:
    static constexpr qsizetype ChunkBytes = 2048;

    KeychainStore(const QString &appName, const QString &installId, QObject *parent = nullptr);

    void read(const QString &secretId, QObject *context, ReadHandler handler) override;
    void write(const QString &secretId, const QByteArray &value, QObject *context,
               WriteHandler handler) override;
    void remove(const QString &secretId, QObject *context, WriteHandler handler) override;
    void removeStored(const QString &secretId, QObject *context, WriteHandler handler) override;
    QString backendName() const override;
    Protection protection() const override { return Protection::Keychain; }

    QString serviceName() const { return m_service; }
    QString keyFor(const QString &secretId) const;
    // A job that has not answered after this long fails with Timeout.
    void setTimeout(int ms) { m_timeoutMs = ms; }
    // A job that fails for want of a backend is retried once after this delay, on a fresh
    // connection (a keyring daemon still starting up, or one that restarted).
    void setStartupRetryDelay(int ms) { m_retryDelayMs = ms; }

private:
    using ItemHandler = std::function<void(const Error &, const QByteArray &)>;
    void readItem(const QString &key, ItemHandler handler);
    void writeItem(const QString &key, const QByteArray &data, ItemHandler handler);
    // `mustExist`: an item that is not there is an error, not a success.
    void deleteItem(const QString &key, ItemHandler handler, bool mustExist = false);
    void removeItems(const QString &secretId, bool mustExist, QObject *context,
                     WriteHandler handler);
    void run(const std::function<QKeychain::Job *()> &makeJob, ItemHandler handler, int attempt);
    void deleteChunks(const QString &key, const QByteArray &header, ItemHandler handler);
    Error translate(QKeychain::Job *job) const;

    QString m_service;
    QString m_installId;
    int m_timeoutMs = 15000;
    int m_retryDelayMs = 750;
    bool m_backendAnswered = false;
};

} // namespace steward
