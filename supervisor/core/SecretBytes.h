#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QString>
#include <QStringList>

#include <cstddef>
#include <memory>
#include <optional>

namespace steward {

// A secret value in memory of its own (Linux): pages left out of any core dump
// (MADV_DONTDUMP), not copied into a child Steward forks (MADV_WIPEONFORK: a service between
// fork and exec sees zeros), kept out of swap where the memlock limit allows (mlock), and zeroed
// before they are given back. Elsewhere, heap memory zeroed when dropped.
//
// Only where the value is kept: whoever reads it gets a copy (a QByteArray on the heap) for as
// long as they need it, as the environment of a service or the body of an answer must be.
class SecretBytes
{
public:
    SecretBytes() = default;
    explicit SecretBytes(QByteArrayView bytes);
    ~SecretBytes();
    SecretBytes(SecretBytes &&other) noexcept;
    SecretBytes &operator=(SecretBytes &&other) noexcept;
    SecretBytes(const SecretBytes &) = delete;
    SecretBytes &operator=(const SecretBytes &) = delete;

    QByteArrayView view() const { return {m_data, m_size}; }
    qsizetype size() const { return m_size; }
    // Where the bytes are, for the test that asks the kernel about their pages.
    const char *data() const { return m_data; }
    // Zeroes the bytes and gives their memory back.
    void clear();

private:
    char *m_data = nullptr;
    qsizetype m_size = 0;
};

namespace detail {
// Memory as SecretBytes keeps it: whole pages, out of core dumps, zeros in a forked child,
// zeroed and unmapped when given back (Linux; elsewhere the heap, zeroed).
void *allocateSecret(std::size_t bytes);
void releaseSecret(void *p, std::size_t bytes);
} // namespace detail

// An allocator for containers whose contents reveal secrets (the redactor's automaton).
template<typename T> struct SecretAllocator
{
    using value_type = T;
    SecretAllocator() = default;
    template<typename U> SecretAllocator(const SecretAllocator<U> &) { }
    T *allocate(std::size_t n) { return static_cast<T *>(detail::allocateSecret(n * sizeof(T))); }
    void deallocate(T *p, std::size_t n) { detail::releaseSecret(p, n * sizeof(T)); }
    template<typename U> bool operator==(const SecretAllocator<U> &) const { return true; }
};

// Zeroes what `bytes` holds if no other QByteArray shares it (a copy that is about to go).
void wipeUnshared(QByteArray &bytes);
// Zeroes `size` bytes at `data`, a store the compiler may not drop.
void wipeMemory(void *data, std::size_t size);

// The values a SecretKeeper holds, by secret id, each in SecretBytes. Reads return copies.
class SecretMap
{
public:
    bool contains(const QString &id) const { return m_values.contains(id); }
    // A copy of the value; empty when there is none.
    QByteArray value(const QString &id) const;
    std::optional<QByteArray> find(const QString &id) const;
    // Replaces any value `id` had; the old one is zeroed and its memory given back.
    void insert(const QString &id, QByteArrayView value);
    void remove(const QString &id) { m_values.remove(id); }
    void clear() { m_values.clear(); }
    QStringList keys() const { return m_values.keys(); }
    qsizetype size() const { return m_values.size(); }
    // Calls f(id, value) for each, without copying the values.
    template<typename F> void forEach(F f) const
    {
        for (auto it = m_values.cbegin(); it != m_values.cend(); ++it)
            f(it.key(), it.value()->view());
    }

private:
    QHash<QString, std::shared_ptr<const SecretBytes>> m_values;
};

} // namespace steward
