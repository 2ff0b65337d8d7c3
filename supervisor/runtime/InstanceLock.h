#pragma once

#include <QString>

#include <memory>

class QLockFile;

namespace steward {

// One Steward per app data dir: runtime/steward.lock in its private dir (PrivateDir), held
// while this process runs.
// QLockFile takes over the lock of a process that died (same host, PID gone), so a crash never
// blocks the next launch.
class InstanceLock
{
public:
    explicit InstanceLock(const QString &privateDir);
    ~InstanceLock();

    // True when this process holds the lock now; otherwise holderPid() names the one that does.
    bool tryLock();
    qint64 holderPid() const;

private:
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace steward
