#include "RestartBackoff.h"

#include <QRandomGenerator>

#include <algorithm>

namespace steward {

bool RestartBackoff::wantsRestart(bool failed) const
{
    switch (m_policy.mode) {
    case RestartPolicy::Mode::Always:
        return true;
    case RestartPolicy::Mode::OnFailure:
        return failed;
    case RestartPolicy::Mode::Never:
        return false;
    }
    return false;
}

bool RestartBackoff::recordRestart()
{
    if (m_consecutive >= m_policy.maxRestarts)
        return false;
    ++m_consecutive;
    ++m_total;
    return true;
}

int RestartBackoff::delayMs() const
{
    if (m_consecutive <= 1)
        return 0;
    const double base = std::min<double>(m_policy.backoffMaxMs,
                                         double(m_policy.backoffInitialMs)
                                             * double(1ULL << std::min(m_consecutive - 2, 30)));
    const double jitter = 0.8 + 0.4 * QRandomGenerator::global()->generateDouble();
    return int(std::min<double>(m_policy.backoffMaxMs, base * jitter));
}

void RestartBackoff::noteRun(qint64 ranMs)
{
    if (ranMs >= m_policy.stableAfterMs)
        m_consecutive = 0;
}

} // namespace steward
