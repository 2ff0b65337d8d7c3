#pragma once

#include "SecretStore.h"

#include <QHash>
#include <QList>
#include <QPointer>

#include <functional>

namespace steward {

// Keeps values in memory only; for unit tests. Can be told to fail the next operations.
class MemoryStore : public SecretStore
{
    Q_OBJECT
public:
    using SecretStore::SecretStore;

    void read(const QString &secretId, QObject *context, ReadHandler handler) override;
    void write(const QString &secretId, const QByteArray &value, QObject *context,
               WriteHandler handler) override;
    void remove(const QString &secretId, QObject *context, WriteHandler handler) override;
    QString backendName() const override { return QStringLiteral("memory"); }
    Protection protection() const override { return Protection::Memory; }

    // Makes every following operation fail with `kind` until called with ErrorKind::None.
    void failWith(ErrorKind kind) { m_failure = kind; }
    // Lets `count` more writes succeed, then fails exactly one write with Io (a transient fault).
    void failOneWriteAfter(int count) { m_writesLeft = count; }
    const QHash<QString, QByteArray> &values() const { return m_values; }
    // Holds every answer from now on, as a locked keychain waiting for an unlock prompt does,
    // until release() gives them, in order.
    void hold() { m_held = true; }
    void release();

private:
    void answer(QObject *context, std::function<void()> reply);

    QHash<QString, QByteArray> m_values;
    ErrorKind m_failure = ErrorKind::None;
    int m_writesLeft = -1;
    bool m_held = false;
    QList<std::pair<QPointer<QObject>, std::function<void()>>> m_heldAnswers;
};

} // namespace steward
