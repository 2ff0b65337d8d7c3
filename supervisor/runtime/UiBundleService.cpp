#include "UiBundleService.h"

#include <QDir>

namespace steward {

Result<std::unique_ptr<EmbeddedService>> UiBundleService::create(const ServiceSpec &spec,
                                                                 const ServiceContext &context)
{
    using R = Result<std::unique_ptr<EmbeddedService>>;
    const Manifest &manifest = *context.manifest;
    UiBundleServer::Settings settings;
    settings.root = manifest.servedFolder(spec);
    if (settings.root.isEmpty())
        return R::failure(QStringLiteral("a ui-bundle service is served from the folder of its "
                                         "first assets entry, and it has none"));
    settings.port = context.templates.ports.value(spec.id).value(spec.servedPortName());
    if (settings.port <= 0)
        return R::failure(QStringLiteral("a ui-bundle service needs a port to be served on"));
    QString apiPort;
    if (const ServiceSpec *api = manifest.apiService(&apiPort)) {
        settings.apiService = api->id;
        settings.apiPort = context.templates.ports.value(api->id).value(apiPort);
    }
    // The app data dir holds the control API's token and the secret files: never served, even
    // if it lies inside the asset folder.
    settings.excluded = {context.appData};
    return R(std::make_unique<UiBundleService>(settings));
}

UiBundleService::UiBundleService(UiBundleServer::Settings settings, QObject *parent)
    : EmbeddedService(parent)
    , m_server(new UiBundleServer(std::move(settings), this))
{
    connect(m_server, &UiBundleServer::requestsLogged, this, &EmbeddedService::output);
}

Status UiBundleService::start()
{
    return m_server->start();
}

void UiBundleService::stop()
{
    m_server->stop();
}

bool UiBundleService::isRunning() const
{
    return m_server->isListening();
}

int UiBundleService::port() const
{
    return m_server->port();
}

QString UiBundleService::description() const
{
    const UiBundleServer::Settings &s = m_server->settings();
    return QStringLiteral("serving %1 on http://127.0.0.1:%2/ (/api and /ws: %3)")
        .arg(QDir::toNativeSeparators(s.root))
        .arg(m_server->port())
        .arg(s.apiPort > 0 ? QStringLiteral("%1 on 127.0.0.1:%2").arg(s.apiService).arg(s.apiPort)
                           : QStringLiteral("no API service, 502"));
}

} // namespace steward
