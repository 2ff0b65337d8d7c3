#include "KeychainStore.h"

#include "SecretGenerator.h"
#include "manifest/GeneratorAlphabet.h"

#include <QCryptographicHash>
#include <QLibrary>
#include <QTimer>
#include <qt6keychain/keychain.h>

#include <memory>

namespace steward {

namespace {

// libsecret, which QtKeychain loads at run time on Linux, keeps one connection to the Secret
// Service per process, with the session it opened in the daemon. When the daemon restarts, every
// later call fails ("The session does not exist") until that connection is dropped.
void forgetSecretServiceConnection()
{
#ifdef Q_OS_LINUX
    using Disconnect = void (*)();
    static const auto disconnect = reinterpret_cast<Disconnect>(
        QLibrary::resolve(QStringLiteral("secret-1"), 0, "secret_service_disconnect"));
    if (disconnect)
        disconnect();
#endif
}

// Item layout: a one-byte tag, then either the value ('v') or, for chunked values ('c'),
// "<generation>:<chunk count>:<sha256 hex>" with the chunks stored at "<key>#<generation>.<i>".
// Chunks are written under a fresh generation before the main item points at them, so a
// reader never sees a mix of old and new chunks.
constexpr char PlainTag = 'v';
constexpr char ChunkedTag = 'c';

struct ChunkHeader
{
    QByteArray generation;
    int count = 0;
    QByteArray sha256;
};

std::optional<ChunkHeader> parseHeader(const QByteArray &item)
{
    if (item.isEmpty() || item.at(0) != ChunkedTag)
        return std::nullopt;
    const QList<QByteArray> parts = item.mid(1).split(':');
    if (parts.size() != 3)
        return std::nullopt;
    bool ok = false;
    ChunkHeader h {parts.at(0), parts.at(1).toInt(&ok), parts.at(2)};
    if (!ok || h.count < 1 || h.count > 100000)
        return std::nullopt;
    return h;
}

QString chunkKey(const QString &key, const QByteArray &generation, int i)
{
    return QStringLiteral("%1#%2.%3").arg(key, QString::fromLatin1(generation)).arg(i);
}

template<typename Handler, typename... Args>
void deliver(const QPointer<QObject> &context, Handler &handler, Args &&...args)
{
    if (context)
        handler(std::forward<Args>(args)...);
}

} // namespace

KeychainStore::KeychainStore(const QString &appName, const QString &installId, QObject *parent)
    : SecretStore(parent)
    , m_service(QStringLiteral("steward:") + appName)
    , m_installId(installId)
{ }

QString KeychainStore::keyFor(const QString &secretId) const
{
    return m_installId + QLatin1Char('/') + secretId;
}

QString KeychainStore::backendName() const
{
#if defined(Q_OS_MACOS)
    return QStringLiteral("macOS Keychain");
#elif defined(Q_OS_WIN)
    return QStringLiteral("Windows Credential Manager");
#else
    return QStringLiteral("Secret Service (GNOME Keyring, KWallet or compatible)");
#endif
}

SecretStore::Error KeychainStore::translate(QKeychain::Job *job) const
{
    const QString detail = job->errorString();
    switch (job->error()) {
    case QKeychain::NoError:
        return {};
    case QKeychain::EntryNotFound:
        return {ErrorKind::NotFound, QStringLiteral("no value stored")};
    case QKeychain::AccessDeniedByUser:
        return {ErrorKind::Denied, QStringLiteral("access to the keychain was refused")};
    case QKeychain::AccessDenied:
        return {ErrorKind::Locked,
                QStringLiteral("the keychain is locked or refused access (%1)").arg(detail)};
    case QKeychain::NoBackendAvailable:
        return {ErrorKind::NoBackend,
                QStringLiteral("no keychain service is available (%1)").arg(detail)};
    case QKeychain::CouldNotDeleteEntry:
    case QKeychain::NotImplemented:
    case QKeychain::OtherError:
        break;
    }
    return {ErrorKind::Io, QStringLiteral("keychain error: %1").arg(detail)};
}

void KeychainStore::run(const std::function<QKeychain::Job *()> &makeJob, ItemHandler handler,
                        int attempt)
{
    QKeychain::Job *job = makeJob();
    job->setAutoDelete(true);
    // Never let QtKeychain fall back to storing values in plain text settings.
    job->setInsecureFallback(false);
    auto done = std::make_shared<bool>(false);
    auto finish
        = [this, makeJob, handler, attempt, done](const Error &error, const QByteArray &data) {
              if (*done)
                  return;
              *done = true;
              const bool backendTrouble = error.kind == ErrorKind::NoBackend
                  || error.kind == ErrorKind::Timeout || error.kind == ErrorKind::Io;
              // Retry once, on a fresh connection: at start-up for a daemon still starting, later
              // for a daemon that went away or restarted (but not after a timeout then: a hung
              // daemon would only double the wait).
              const bool retry = m_backendAnswered
                  ? error.kind == ErrorKind::NoBackend || error.kind == ErrorKind::Io
                  : backendTrouble;
              if (retry && attempt == 0) {
                  forgetSecretServiceConnection();
                  QTimer::singleShot(m_retryDelayMs, this,
                                     [this, makeJob, handler] { run(makeJob, handler, 1); });
                  return;
              }
              if (!backendTrouble)
                  m_backendAnswered = true;
              handler(error, data);
          };
    auto *timer = new QTimer(job);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [finish, timeoutMs = m_timeoutMs] {
        finish({ErrorKind::Timeout,
                QStringLiteral("the keychain did not answer within %1 ms").arg(timeoutMs)},
               {});
    });
    connect(job, &QKeychain::Job::finished, this, [this, finish](QKeychain::Job *j) {
        QByteArray data;
        if (auto *r = qobject_cast<QKeychain::ReadPasswordJob *>(j);
            r && j->error() == QKeychain::NoError)
            data = r->binaryData();
        finish(translate(j), data);
    });
    timer->start(m_timeoutMs);
    job->start();
}

void KeychainStore::readItem(const QString &key, ItemHandler handler)
{
    run(
        [this, key] {
            auto *job = new QKeychain::ReadPasswordJob(m_service);
            job->setKey(key);
            return job;
        },
        std::move(handler), 0);
}

void KeychainStore::writeItem(const QString &key, const QByteArray &data, ItemHandler handler)
{
    run(
        [this, key, data] {
            auto *job = new QKeychain::WritePasswordJob(m_service);
            job->setKey(key);
            job->setBinaryData(data);
            return job;
        },
        std::move(handler), 0);
}

void KeychainStore::deleteItem(const QString &key, ItemHandler handler, bool mustExist)
{
    run(
        [this, key] {
            auto *job = new QKeychain::DeletePasswordJob(m_service);
            job->setKey(key);
            return job;
        },
        [handler, mustExist](const Error &e, const QByteArray &) {
            handler(e.kind == ErrorKind::NotFound && !mustExist ? Error {} : e, {});
        },
        0);
}

void KeychainStore::read(const QString &secretId, QObject *context, ReadHandler handler)
{
    const QString key = keyFor(secretId);
    QPointer<QObject> ctx(context);
    auto fail = [secretId](const Error &e) {
        return Error {e.kind, secretId + QStringLiteral(": ") + e.message};
    };
    readItem(key, [this, key, ctx, handler, fail](const Error &e, const QByteArray &item) mutable {
        if (!e.ok())
            return deliver(ctx, handler, fail(e), QByteArray());
        if (!item.isEmpty() && item.at(0) == PlainTag)
            return deliver(ctx, handler, Error {}, item.mid(1));
        const std::optional<ChunkHeader> header = parseHeader(item);
        if (!header)
            return deliver(ctx, handler,
                           fail({ErrorKind::Corrupt,
                                 QStringLiteral("the keychain item is not in Steward's format")}),
                           QByteArray());
        // Read the chunks one after another and check the whole against the recorded digest.
        auto value = std::make_shared<QByteArray>();
        auto next = std::make_shared<std::function<void(int)>>();
        // The chain refers to itself weakly; the callback of the read in flight keeps it alive.
        *next = [this, key, header = *header, value, weak = std::weak_ptr(next), ctx, handler,
                 fail](int i) mutable {
            if (i == header.count) {
                if (QCryptographicHash::hash(*value, QCryptographicHash::Sha256).toHex()
                    != header.sha256)
                    return deliver(
                        ctx, handler,
                        fail({ErrorKind::Corrupt,
                              QStringLiteral("the chunks do not add up to the stored value")}),
                        QByteArray());
                return deliver(ctx, handler, Error {}, *value);
            }
            readItem(chunkKey(key, header.generation, i),
                     [i, value, next = weak.lock(), ctx, handler,
                      fail](const Error &ce, const QByteArray &chunk) mutable {
                         if (!ce.ok()) {
                             const Error err = ce.kind == ErrorKind::NotFound
                                 ? Error {ErrorKind::Corrupt,
                                          QStringLiteral("chunk %1 is missing").arg(i)}
                                 : ce;
                             return deliver(ctx, handler, fail(err), QByteArray());
                         }
                         value->append(chunk);
                         (*next)(i + 1);
                     });
        };
        (*next)(0);
    });
}

void KeychainStore::deleteChunks(const QString &key, const QByteArray &header, ItemHandler handler)
{
    const std::optional<ChunkHeader> h = parseHeader(header);
    if (!h)
        return handler({}, {});
    auto next = std::make_shared<std::function<void(int)>>();
    *next = [this, key, h = *h, weak = std::weak_ptr(next), handler](int i) {
        if (i == h.count)
            return handler({}, {});
        deleteItem(chunkKey(key, h.generation, i),
                   [next = weak.lock(), i](const Error &, const QByteArray &) { (*next)(i + 1); });
    };
    (*next)(0);
}

void KeychainStore::write(const QString &secretId, const QByteArray &value, QObject *context,
                          WriteHandler handler)
{
    const QString key = keyFor(secretId);
    QPointer<QObject> ctx(context);
    auto fail = [secretId](const Error &e) {
        return Error {e.kind, secretId + QStringLiteral(": ") + e.message};
    };
    // Learn the previous layout first, so chunks it leaves behind can be deleted afterwards.
    readItem(
        key,
        [this, key, value, ctx, handler, fail](const Error &e, const QByteArray &previous) mutable {
            if (!e.ok() && e.kind != ErrorKind::NotFound)
                return deliver(ctx, handler, fail(e));
            auto cleanup = [this, key, previous, ctx, handler](const Error &werr,
                                                               const QByteArray &) mutable {
                if (!werr.ok())
                    return deliver(ctx, handler, werr);
                deleteChunks(key, previous,
                             [ctx, handler](const Error &, const QByteArray &) mutable {
                                 deliver(ctx, handler, Error {});
                             });
            };
            if (value.size() <= ChunkBytes) {
                writeItem(key, PlainTag + value,
                          [cleanup, fail](const Error &werr, const QByteArray &d) mutable {
                              cleanup(werr.ok() ? werr : fail(werr), d);
                          });
                return;
            }
            const int count = int((value.size() + ChunkBytes - 1) / ChunkBytes);
            const QByteArray generation
                = SecretGenerator::randomString(
                      GeneratorAlphabet::alphabetFor(QStringLiteral("hex")), 12)
                      .value()
                      .toLatin1();
            const QByteArray header = ChunkedTag + generation + ':' + QByteArray::number(count)
                + ':' + QCryptographicHash::hash(value, QCryptographicHash::Sha256).toHex();
            auto next = std::make_shared<std::function<void(int)>>();
            *next = [this, key, value, generation, count, header, weak = std::weak_ptr(next),
                     cleanup, fail](int i) mutable {
                if (i == count) {
                    writeItem(key, header,
                              [cleanup, fail](const Error &werr, const QByteArray &d) mutable {
                                  cleanup(werr.ok() ? werr : fail(werr), d);
                              });
                    return;
                }
                writeItem(chunkKey(key, generation, i),
                          value.mid(qsizetype(i) * ChunkBytes, ChunkBytes),
                          [next = weak.lock(), i, cleanup, fail](const Error &werr,
                                                                 const QByteArray &d) mutable {
                              if (!werr.ok())
                                  return cleanup(fail(werr), d);
                              (*next)(i + 1);
                          });
            };
            (*next)(0);
        });
}

void KeychainStore::remove(const QString &secretId, QObject *context, WriteHandler handler)
{
    removeItems(secretId, false, context, std::move(handler));
}

void KeychainStore::removeStored(const QString &secretId, QObject *context, WriteHandler handler)
{
    removeItems(secretId, true, context, std::move(handler));
}

void KeychainStore::removeItems(const QString &secretId, bool mustExist, QObject *context,
                                WriteHandler handler)
{
    const QString key = keyFor(secretId);
    QPointer<QObject> ctx(context);
    // Secret Service answers "not found" for an item in a collection that is locked or was
    // just re-created by a restarted daemon; for a value known to be stored that is no
    // confirmation of anything.
    auto fail = [secretId, mustExist](const Error &e) {
        if (mustExist && e.kind == ErrorKind::NotFound)
            return Error {ErrorKind::Locked,
                          secretId
                              + QStringLiteral(": the keychain does not show the stored value "
                                               "(locked, or restarting); nothing was removed")};
        return Error {e.kind, secretId + QStringLiteral(": ") + e.message};
    };
    readItem(key,
             [this, key, ctx, handler, fail, mustExist](const Error &e,
                                                        const QByteArray &previous) mutable {
                 if (!e.ok() && (mustExist || e.kind != ErrorKind::NotFound))
                     return deliver(ctx, handler, fail(e));
                 deleteItem(
                     key,
                     [this, key, previous, ctx, handler, fail](const Error &de,
                                                               const QByteArray &) mutable {
                         if (!de.ok())
                             return deliver(ctx, handler, fail(de));
                         deleteChunks(key, previous,
                                      [ctx, handler](const Error &, const QByteArray &) mutable {
                                          deliver(ctx, handler, Error {});
                                      });
                     },
                     mustExist);
             });
}

} // namespace steward
