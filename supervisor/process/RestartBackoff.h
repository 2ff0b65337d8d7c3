#pragma once

#include "manifest/Manifest.h"

#include <QtGlobal>

namespace steward {

// The restart schedule of one service: the first restart is immediate, later ones wait
// backoff_initial_ms * 2^(n-1) (capped at backoff_max_ms) with +-20% jitter. After the service
// has run for stable_after_ms the count starts again; more than max_restarts in a row is a
// crash loop.
class RestartBackoff
{
public:
    explicit RestartBackoff(const RestartPolicy &policy)
        : m_policy(policy)
    { }

    // Whether an exit with this outcome should be followed by a restart at all.
    bool wantsRestart(bool failed) const;
    // Records one restart; false once the crash loop limit is reached.
    bool recordRestart();
    // Delay before the restart just recorded.
    int delayMs() const;
    // The service ran for `ranMs` before its last exit; a stable run resets the count.
    void noteRun(qint64 ranMs);
    int consecutive() const { return m_consecutive; }
    int total() const { return m_total; }

private:
    RestartPolicy m_policy;
    int m_consecutive = 0;
    int m_total = 0;
};

} // namespace steward
