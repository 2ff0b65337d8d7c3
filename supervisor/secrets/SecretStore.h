#pragma once

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <functional>

namespace steward {

// Where secret values live. Every operation is asynchronous: the handler runs later from the
// event loop (never inside the call), and not at all if `context` is destroyed first.
// Error messages name the secret id and the backend's trouble, never a value.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class ErrorKind {
        None,
        NotFound, // no value stored for this id
        NoBackend, // no keychain service on this system
        Locked, // the keychain is locked
        Denied, // the user or the system refused access
        Timeout, // the backend did not answer in time
        Corrupt, // a value is there but cannot be read back (tampered, truncated)
        Io, // a file or other system error
    };
    enum class Protection { Keychain, KeychainKeyedFile, PlainKeyFile, Memory };

    struct Error
    {
        ErrorKind kind = ErrorKind::None;
        QString message;
        bool ok() const { return kind == ErrorKind::None; }
    };
    using ReadHandler = std::function<void(const Error &error, const QByteArray &value)>;
    using WriteHandler = std::function<void(const Error &error)>;

    using QObject::QObject;

    virtual void read(const QString &secretId, QObject *context, ReadHandler handler) = 0;
    virtual void write(const QString &secretId, const QByteArray &value, QObject *context,
                       WriteHandler handler)
        = 0;
    // Removing an id that has no value succeeds.
    virtual void remove(const QString &secretId, QObject *context, WriteHandler handler) = 0;
    // Removes a value the caller knows is stored, and succeeds only once the store has confirmed
    // the removal: a store that does not show the value at all (a keychain collection that is
    // locked or has just restarted answers "not found") refuses, as a failed write does, rather
    // than reporting a removal that did not happen. The default is remove(), for stores whose
    // "not found" is final.
    virtual void removeStored(const QString &secretId, QObject *context, WriteHandler handler)
    {
        remove(secretId, context, std::move(handler));
    }

    // A name for people: "Secret Service (org.freedesktop.secrets)", "encrypted file".
    virtual QString backendName() const = 0;
    virtual Protection protection() const = 0;

    static QString kindName(ErrorKind kind);
};

} // namespace steward
