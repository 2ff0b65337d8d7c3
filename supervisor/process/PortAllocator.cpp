#include "PortAllocator.h"

#include <QHostAddress>
#include <QTcpServer>

namespace steward {

PortAllocator::PortAllocator(const Manifest &manifest)
    : m_manifest(manifest)
{
    for (int p : manifest.ports.reserved)
        m_taken.insert(p);
}

bool PortAllocator::isFree(int port)
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, quint16(port));
}

Result<PortAllocator::Ports> PortAllocator::allocateAll()
{
    Ports out;
    const PortRange fallback = m_manifest.ports.defaultRange.value_or(PortRange {47000, 47999});
    for (const ServiceSpec &svc : m_manifest.services) {
        QList<PortRequest> requests = svc.ports;
        // A ui-bundle that requests no port is served on one named "ui", as the reference
        // runtime does.
        if (requests.isEmpty() && svc.type == ServiceSpec::Type::UiBundle)
            requests.append(PortRequest {svc.servedPortName(), std::nullopt, false});
        for (const PortRequest &req : std::as_const(requests)) {
            const PortRange range = req.range.value_or(fallback);
            int chosen = 0;
            for (int p = range.min; p <= range.max && chosen == 0; ++p) {
                if (!m_taken.contains(p) && isFree(p))
                    chosen = p;
            }
            if (chosen == 0)
                return Result<Ports>::failure(
                    QStringLiteral("no free port for %1.%2 in %3-%4 (reserved or in use)")
                        .arg(svc.id, req.name)
                        .arg(range.min)
                        .arg(range.max));
            m_taken.insert(chosen);
            out[svc.id][req.name] = chosen;
        }
    }
    return out;
}

} // namespace steward
