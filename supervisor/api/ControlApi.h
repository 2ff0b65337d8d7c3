#pragma once

#include "HttpMessage.h"
#include "TokenBook.h"
#include "manifest/Diagnostic.h"
#include "manifest/Manifest.h"
#include "secrets/ReferenceInstallImport.h"

#include <QDateTime>
#include <QObject>

#include <deque>
#include <functional>
#include <optional>

namespace steward {

class SecretKeeper;
class ServiceTimeline;
class Supervisor;

// What the control API reads and drives.
struct ApiContext
{
    const Manifest *manifest = nullptr;
    SecretKeeper *keeper = nullptr;
    Supervisor *supervisor = nullptr;
    QString appData;
    Diagnostics diagnostics; // from loading the manifest, for /validate
    std::function<void()> shutdown;
    // Brings up the running instance's window (a second launch of the app); false when headless.
    std::function<bool()> activate;
    // This run of Steward, for /status (the Vrooli runtime's fields).
    QString instanceId;
    QDateTime startedAt;
    QString manifestSha256;
    // What this run imported from the Vrooli runtime's install of the app, if anything.
    std::optional<ReferenceInstallImport::Report> imported;
};

// The control API's guard and routes. Before any route: the Host header must name a loopback
// address with our port (else 421), an Origin must be loopback (else 403), and every route
// but /healthz needs a bearer token; repeated failures lock authentication for a while (429).
// The admin token reaches everything except secret values; a service's token reads only its
// own secrets and status. Answers never carry a secret value, except /secrets/{id}/value to
// the service that owns the secret.
class ControlApi : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxAuthFailures = 10; // within AuthWindowS seconds
    static constexpr int AuthWindowS = 60;
    static constexpr int LockoutS = 30;
    static constexpr int MaxLogLines = 10000;

    ControlApi(ApiContext context, const TokenBook &tokens, QObject *parent = nullptr);
    ~ControlApi() override;
    void setPort(int port) { m_port = port; }
    // Before the supervisor starts its services: /readyz reports when they changed state.
    void setSupervisor(Supervisor *s);
    void handle(const HttpRequest &request, Responder respond);

private:
    nlohmann::json secretEntry(const SecretSpec &spec) const;
    nlohmann::json serviceEntry(const QString &id) const;
    nlohmann::json statusJson() const;
    nlohmann::json gpuJson() const;
    HttpResponse healthz() const;

    HttpResponse getSecrets(const TokenBook::Principal &who) const;
    void postSecrets(const HttpRequest &request, Responder respond);
    // Fetches one remote secret (or all, with an empty id) now.
    void refreshSecrets(const QString &id, Responder respond);
    HttpResponse health(const TokenBook::Principal &who) const;
    void deleteSecret(const QString &id, Responder respond);
    HttpResponse secretValue(const QString &id, const TokenBook::Principal &who) const;
    HttpResponse readyz() const;
    HttpResponse ports() const;
    HttpResponse services() const;
    HttpResponse serviceAction(const QString &id, const QString &action);
    HttpResponse logsTail(const HttpRequest &request) const;
    HttpResponse telemetry() const;
    HttpResponse validate() const;
    HttpResponse openApi() const;

    ApiContext m_ctx;
    const TokenBook &m_tokens;
    ServiceTimeline *m_timeline;
    int m_port = 0;
    std::deque<QDateTime> m_failures;
    QDateTime m_lockedUntil;
};

} // namespace steward
