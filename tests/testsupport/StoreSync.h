#pragma once

#include "secrets/SecretStore.h"

#include <QTest>

namespace steward::test {

// Runs one asynchronous store operation to completion by spinning the event loop (as
// QTRY_VERIFY does); tests only. Gives up after `timeoutMs`, returning a Timeout error.
struct ReadOutcome
{
    SecretStore::Error error;
    QByteArray value;
};

inline ReadOutcome readNow(SecretStore &store, const QString &id, int timeoutMs = 20000)
{
    ReadOutcome out;
    bool done = false;
    QObject context;
    store.read(id, &context, [&](const SecretStore::Error &e, const QByteArray &v) {
        out = {e, v};
        done = true;
    });
    if (!QTest::qWaitFor([&] { return done; }, timeoutMs))
        out.error = {SecretStore::ErrorKind::Timeout, QStringLiteral("test gave up waiting")};
    return out;
}

inline SecretStore::Error writeNow(SecretStore &store, const QString &id, const QByteArray &value,
                                   int timeoutMs = 20000)
{
    SecretStore::Error out {SecretStore::ErrorKind::Timeout,
                            QStringLiteral("test gave up waiting")};
    bool done = false;
    QObject context;
    store.write(id, value, &context, [&](const SecretStore::Error &e) {
        out = e;
        done = true;
    });
    (void)QTest::qWaitFor([&] { return done; }, timeoutMs); // on timeout `out` says so
    return out;
}

inline SecretStore::Error removeNow(SecretStore &store, const QString &id, int timeoutMs = 20000)
{
    SecretStore::Error out {SecretStore::ErrorKind::Timeout,
                            QStringLiteral("test gave up waiting")};
    bool done = false;
    QObject context;
    store.remove(id, &context, [&](const SecretStore::Error &e) {
        out = e;
        done = true;
    });
    (void)QTest::qWaitFor([&] { return done; }, timeoutMs); // on timeout `out` says so
    return out;
}

inline SecretStore::Error removeStoredNow(SecretStore &store, const QString &id,
                                          int timeoutMs = 20000)
{
    SecretStore::Error out {SecretStore::ErrorKind::Timeout,
                            QStringLiteral("test gave up waiting")};
    bool done = false;
    QObject context;
    store.removeStored(id, &context, [&](const SecretStore::Error &e) {
        out = e;
        done = true;
    });
    (void)QTest::qWaitFor([&] { return done; }, timeoutMs); // on timeout `out` says so
    return out;
}

} // namespace steward::test
