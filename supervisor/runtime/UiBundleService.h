#pragma once

#include "process/EmbeddedService.h"
#include "process/ManagedService.h"
#include "web/UiBundleServer.h"

#include <memory>

namespace steward {

// A ui-bundle service as the supervisor runs it: Steward's own web server for the app's files
// and API (web/UiBundleServer) behind process/'s EmbeddedService, so that neither of those
// folders depends on the other.
class UiBundleService : public EmbeddedService
{
    Q_OBJECT
public:
    // For ServiceContext::embedded: the server for `spec`, by the shared README's rules (its
    // first assets entry's folder, its port, the app's API service). Fails naming what is missing.
    static Result<std::unique_ptr<EmbeddedService>> create(const ServiceSpec &spec,
                                                           const ServiceContext &context);

    explicit UiBundleService(UiBundleServer::Settings settings, QObject *parent = nullptr);

    Status start() override;
    void stop() override;
    bool isRunning() const override;
    int port() const override;
    QString description() const override;

private:
    UiBundleServer *m_server;
};

} // namespace steward
