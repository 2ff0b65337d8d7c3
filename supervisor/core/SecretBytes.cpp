#include "SecretBytes.h"

#include <cstring>
#include <new>
#include <utility>

#if defined(Q_OS_LINUX)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace steward {

namespace {

// Zeroes memory in a way the compiler may not drop as a dead store.
void wipe(char *data, qsizetype size)
{
    if (!data || size <= 0)
        return;
#if defined(Q_OS_LINUX)
    ::explicit_bzero(data, size_t(size));
#else
    volatile char *p = data;
    for (qsizetype i = 0; i < size; ++i)
        p[i] = 0;
#endif
}

} // namespace

namespace detail {

void *allocateSecret(std::size_t bytes)
{
    if (bytes == 0)
        bytes = 1;
#if defined(Q_OS_LINUX)
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE));
    const std::size_t mapped = (bytes + page - 1) / page * page;
    void *p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        throw std::bad_alloc();
    // Each is a hardening on top of the others (Steward is not dumpable, has no core limit and
    // a coredump_filter of 0); a kernel that refuses one leaves the memory usable.
    ::madvise(p, mapped, MADV_DONTDUMP);
    ::madvise(p, mapped, MADV_WIPEONFORK);
    ::mlock(p, mapped);
    return p;
#else
    return ::operator new(bytes);
#endif
}

void releaseSecret(void *p, std::size_t bytes)
{
    if (!p)
        return;
    if (bytes == 0)
        bytes = 1;
    wipe(static_cast<char *>(p), qsizetype(bytes));
#if defined(Q_OS_LINUX)
    const std::size_t page = std::size_t(::sysconf(_SC_PAGESIZE));
    const std::size_t mapped = (bytes + page - 1) / page * page;
    ::munlock(p, mapped);
    ::munmap(p, mapped);
#else
    ::operator delete(p);
#endif
}

} // namespace detail

void wipeMemory(void *data, std::size_t size)
{
    wipe(static_cast<char *>(data), qsizetype(size));
}

void wipeUnshared(QByteArray &bytes)
{
    if (!bytes.isDetached() || bytes.isEmpty())
        return;
    wipe(bytes.data(), bytes.size());
}

SecretBytes::SecretBytes(QByteArrayView bytes)
{
    if (bytes.isEmpty())
        return;
    m_size = bytes.size();
    m_data = static_cast<char *>(detail::allocateSecret(std::size_t(m_size)));
    std::memcpy(m_data, bytes.data(), std::size_t(m_size));
}

SecretBytes::~SecretBytes()
{
    clear();
}

SecretBytes::SecretBytes(SecretBytes &&other) noexcept
    : m_data(std::exchange(other.m_data, nullptr))
    , m_size(std::exchange(other.m_size, 0))
{ }

SecretBytes &SecretBytes::operator=(SecretBytes &&other) noexcept
{
    if (this != &other) {
        clear();
        m_data = std::exchange(other.m_data, nullptr);
        m_size = std::exchange(other.m_size, 0);
    }
    return *this;
}

void SecretBytes::clear()
{
    detail::releaseSecret(m_data, std::size_t(m_size));
    m_data = nullptr;
    m_size = 0;
}

QByteArray SecretMap::value(const QString &id) const
{
    const auto it = m_values.constFind(id);
    return it == m_values.cend() ? QByteArray() : (*it)->view().toByteArray();
}

std::optional<QByteArray> SecretMap::find(const QString &id) const
{
    const auto it = m_values.constFind(id);
    if (it == m_values.cend())
        return std::nullopt;
    return (*it)->view().toByteArray();
}

void SecretMap::insert(const QString &id, QByteArrayView value)
{
    m_values.insert(id, std::make_shared<const SecretBytes>(value));
}

} // namespace steward
