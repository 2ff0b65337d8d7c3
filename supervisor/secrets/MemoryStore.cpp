#include "MemoryStore.h"

#include <QTimer>

namespace steward {

namespace {
template<typename F> void later(QObject *context, F &&f)
{
    QTimer::singleShot(0, context, std::forward<F>(f));
}
} // namespace

void MemoryStore::read(const QString &secretId, QObject *context, ReadHandler handler)
{
    Error error;
    QByteArray value;
    if (m_failure != ErrorKind::None)
        error = {m_failure, QStringLiteral("%1: %2").arg(secretId, kindName(m_failure))};
    else if (!m_values.contains(secretId))
        error = {ErrorKind::NotFound, QStringLiteral("%1: no value stored").arg(secretId)};
    else
        value = m_values.value(secretId);
    answer(context, [handler = std::move(handler), error, value] { handler(error, value); });
}

void MemoryStore::write(const QString &secretId, const QByteArray &value, QObject *context,
                        WriteHandler handler)
{
    Error error;
    if (m_failure != ErrorKind::None)
        error = {m_failure, QStringLiteral("%1: %2").arg(secretId, kindName(m_failure))};
    else if (m_writesLeft == 0)
        error = {ErrorKind::Io, QStringLiteral("%1: simulated write failure").arg(secretId)};
    else
        m_values.insert(secretId, value);
    if (m_writesLeft >= 0)
        --m_writesLeft;
    answer(context, [handler = std::move(handler), error] { handler(error); });
}

void MemoryStore::remove(const QString &secretId, QObject *context, WriteHandler handler)
{
    Error error;
    if (m_failure != ErrorKind::None)
        error = {m_failure, QStringLiteral("%1: %2").arg(secretId, kindName(m_failure))};
    else
        m_values.remove(secretId);
    answer(context, [handler = std::move(handler), error] { handler(error); });
}

void MemoryStore::answer(QObject *context, std::function<void()> reply)
{
    if (m_held)
        return m_heldAnswers.append({QPointer<QObject>(context), std::move(reply)});
    later(context, std::move(reply));
}

void MemoryStore::release()
{
    m_held = false;
    const auto answers = std::exchange(m_heldAnswers, {});
    for (const auto &a : answers) {
        if (a.first)
            later(a.first.data(), a.second);
    }
}

} // namespace steward
