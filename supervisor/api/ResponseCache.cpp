#include "ResponseCache.h"

namespace steward {

std::optional<HttpResponse> ResponseCache::find(const QString &key) const
{
    const auto it = m_entries.constFind(key);
    if (it == m_entries.cend() || it->generation != m_generation
        || m_clock.elapsed() - it->storedAt >= MaxAgeMs)
        return std::nullopt;
    return it->response;
}

void ResponseCache::store(const QString &key, const HttpResponse &response)
{
    m_entries.insert(key, Entry {m_generation, m_clock.elapsed(), response});
}

} // namespace steward
