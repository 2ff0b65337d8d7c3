#include "ChildProcessGuard.h"
#include "EmbeddedService.h"
#include "HealthProbe.h"
#include "ManagedService.h"
#include "ManagedServiceParts.h"
#include "ServiceLog.h"
#include "TelemetryLog.h"
#include "core/StdText.h"

#include <QTimer>

namespace steward {

namespace {

// Readiness is probed at once, then again after a tenth of the time spent starting, never
// sooner than this.
constexpr int FirstRetryMs = 5;

} // namespace

using stdtext::s;

void ManagedService::probe(const HealthCheck &check, bool portOnly, const QString &portName,
                           std::function<void(bool, QString)> done)
{
    if (m_embedded)
        return probeEmbedded(portOnly, std::move(done));
    const int timeout = check.timeoutMs > 0 ? check.timeoutMs : 2000;
    const int port = m_ctx.templates.ports.value(m_spec.id).value(portName);
    if (portOnly)
        return HealthProbe::tcp(port, timeout, this, done);
    switch (check.type) {
    case HealthCheck::Type::Http:
        return HealthProbe::http(port, TemplateRenderer(m_ctx.templates).render(check.path),
                                 timeout, this, done);
    case HealthCheck::Type::Tcp:
        return HealthProbe::tcp(port, timeout, this, done);
    case HealthCheck::Type::Command: {
        QStringList argv;
        const TemplateRenderer templates(m_ctx.templates);
        for (const QString &a : check.command)
            argv << templates.render(a);
        // Relative programs ("./worker") are found as a migration's are; the check runs where
        // the service runs.
        const QProcessEnvironment env
            = m_process ? m_process->processEnvironment() : QProcessEnvironment();
        if (!argv.isEmpty())
            argv.first() = resolveCommand(argv.first(), env);
        const QString dir = m_process ? m_process->workingDirectory() : m_ctx.manifest->bundleRoot;
        Result<Confinement> confinement
            = confinementFor(argv.isEmpty() ? QString() : argv.first(), Role::Helper);
        if (!confinement)
            return QTimer::singleShot(0, this,
                                      [done, why = confinement.error()] { done(false, why); });
        return HealthProbe::command(argv, dir, env, timeout, this, done,
                                    std::move(confinement).value());
    }
    case HealthCheck::Type::LogMatch:
        // Output-based health: the pattern was seen (when it decides readiness), and the
        // process runs.
        return QTimer::singleShot(0, this, [this, done] {
            const bool seen = m_patternSeen || m_spec.readiness.type == Readiness::Type::LogMatch;
            done(seen, seen ? QString() : QStringLiteral("the output has not shown the pattern"));
        });
    }
}

void ManagedService::probeReadiness()
{
    if (m_state != State::Starting || m_probing)
        return;
    m_probing = true;
    const int generation = m_generation;
    const bool portOnly = m_spec.readiness.type == Readiness::Type::PortOpen;
    const QString portName = portOnly ? m_spec.readiness.portName : m_spec.health.portName;
    probe(m_spec.health, portOnly, portName, [this, generation](bool ok, const QString &) {
        m_probing = false;
        if (generation != m_generation || m_state != State::Starting)
            return;
        if (ok)
            return becomeReady();
        // The next check comes after a tenth of the time the service has been starting (at
        // least 5 ms, at most interval_ms): readiness is noticed within about 10% of the time
        // the service took, and a slow starter is not polled needlessly often.
        const int ceiling = m_spec.health.intervalMs > 0 ? m_spec.health.intervalMs : 1000;
        const int next = int(std::clamp<qint64>(m_runTime.elapsed() / 10, FirstRetryMs,
                                                std::max(ceiling, FirstRetryMs)));
        m_readinessTimer->start(next);
    });
}

void ManagedService::becomeReady()
{
    m_readinessTimer->stop();
    m_readinessDeadline->stop();
    m_livenessFailures = 0;
    setState(State::Ready, QString());
    m_log->note(QStringLiteral("ready"));
    if (m_ctx.telemetry)
        m_ctx.telemetry->record(
            "service_ready", {{"service", s(m_spec.id)}, {"ms_since_start", m_runTime.elapsed()}});
    if (m_spec.readiness.type != Readiness::Type::DependenciesReady
        || m_spec.health.type != HealthCheck::Type::LogMatch)
        m_livenessTimer->start(m_spec.health.intervalMs > 0 ? m_spec.health.intervalMs : 1000);
}

void ManagedService::probeLiveness()
{
    if (m_state != State::Ready || m_probing)
        return;
    m_probing = true;
    const int generation = m_generation;
    probe(m_spec.health, false, m_spec.health.portName,
          [this, generation](bool ok, const QString &detail) {
              m_probing = false;
              if (generation != m_generation || m_state != State::Ready)
                  return;
              m_livenessFailures = ok ? 0 : m_livenessFailures + 1;
              const int allowed = std::max(1, m_spec.health.retries);
              const QString unhealthy
                  = QStringLiteral("unhealthy: %1 failed health checks in a row (%2)")
                        .arg(m_livenessFailures)
                        .arg(detail);
              if (m_livenessFailures >= allowed && m_spec.restart.onUnhealthy)
                  return failAndRestart(unhealthy);
              // restart.on_unhealthy false: the service keeps running, marked unhealthy.
              if (!m_spec.restart.onUnhealthy)
                  setState(State::Ready, m_livenessFailures >= allowed ? unhealthy : QString());
              m_livenessTimer->start(m_spec.health.intervalMs > 0 ? m_spec.health.intervalMs
                                                                  : 1000);
          });
}

void ManagedService::probeEmbedded(bool portOnly, std::function<void(bool, QString)> done)
{
    // Steward serves it, so the manifest's check (meant for a program) does not apply: ready is
    // the port answering, healthy is GET / answered 2xx (index.html being readable).
    const int timeout = m_spec.health.timeoutMs > 0 ? m_spec.health.timeoutMs : 2000;
    if (portOnly)
        return HealthProbe::tcp(m_embedded->port(), timeout, this, std::move(done));
    HealthProbe::http(m_embedded->port(), QStringLiteral("/"), timeout, this, std::move(done));
}

} // namespace steward
