#include "InstanceLock.h"

#include <QLockFile>

namespace steward {

InstanceLock::InstanceLock(const QString &privateDir)
    : m_lock(std::make_unique<QLockFile>(privateDir + QStringLiteral("/runtime/steward.lock")))
{
    m_lock->setStaleLockTime(0);
}

InstanceLock::~InstanceLock() = default;

bool InstanceLock::tryLock()
{
    return m_lock->tryLock(0);
}

qint64 InstanceLock::holderPid() const
{
    qint64 pid = 0;
    QString host, app;
    m_lock->getLockInfo(&pid, &host, &app);
    return pid;
}

} // namespace steward
