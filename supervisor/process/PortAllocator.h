#pragma once

#include "core/Result.h"
#include "manifest/Manifest.h"

#include <QMap>
#include <QSet>

namespace steward {

// Gives every requested port a free port on 127.0.0.1 from the request's own range (or the
// manifest's default range, else 47000-47999), skipping reserved ports and ports already
// handed out. Each request scans its own range from its minimum, so services are independent:
// a service listed later with a lower range still gets a port.
class PortAllocator
{
public:
    using Ports = QMap<QString, QMap<QString, int>>; // service -> port name -> port

    explicit PortAllocator(const Manifest &manifest);
    // Allocates every port of every service; fails naming the service, port and range.
    Result<Ports> allocateAll();
    // True if nothing listens on 127.0.0.1:port and we may bind it.
    static bool isFree(int port);
    // Ports this process itself claims (the control API) so services never get them.
    void exclude(int port) { m_taken.insert(port); }

private:
    const Manifest &m_manifest;
    QSet<int> m_taken;
};

} // namespace steward
