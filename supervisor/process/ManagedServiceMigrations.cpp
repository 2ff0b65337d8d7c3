#include "AssetVerifier.h"
#include "ChildProcessGuard.h"
#include "GpuProbe.h"
#include "ManagedService.h"
#include "ManagedServiceParts.h"
#include "ServiceLog.h"
#include "core/StdText.h"
#include "logging/Logging.h"
#include "secrets/InstallState.h"
#include "trust/ExecGuard.h"

namespace steward {

using stdtext::s;

void ManagedService::preflight()
{
    setState(State::Starting, QStringLiteral("checking before the first start"));
    auto afterGpu = [this] {
        AssetVerifier::verify(m_spec.assets, m_ctx.manifest->bundleRoot, this,
                              [this](const AssetVerifier::Outcome &outcome) {
                                  for (const QString &w : outcome.warnings) {
                                      m_log->note(w);
                                      Logging::process()->warn("{}: {}", s(m_spec.id), s(w));
                                  }
                                  if (!outcome.missing.isEmpty())
                                      record("asset_missing", {{"path", s(outcome.missing)}});
                                  if (!outcome.ok)
                                      return setState(State::Failed, outcome.problem);
                                  runMigrations(0);
                              });
    };
    // Every service learns whether there is a GPU (BUNDLE_GPU_AVAILABLE), as in the reference.
    if (!m_ctx.gpu)
        return afterGpu();
    m_ctx.gpu->query(this, [this, afterGpu](bool available, const QString &detail) {
        m_gpuAvailable = available;
        if (m_spec.gpu == GpuRequirement::None)
            return afterGpu();
        if (!available) {
            switch (m_spec.gpu) {
            case GpuRequirement::Required:
                return setState(State::Failed, QStringLiteral("needs a GPU: %1").arg(detail));
            case GpuRequirement::OptionalButWarn:
                Logging::process()->warn("{} runs without a GPU: {}", s(m_spec.id), s(detail));
                m_log->note(QStringLiteral("warning: running without a GPU (%1)").arg(detail));
                break;
            default:
                m_log->note(QStringLiteral("no GPU (%1): running on the CPU").arg(detail));
            }
        } else {
            m_log->note(QStringLiteral("GPU: %1").arg(detail));
        }
        afterGpu();
    });
}

void ManagedService::runMigrations(qsizetype index)
{
    InstallState *state = m_ctx.state;
    // Skip what does not apply to this run.
    while (state && index < m_spec.migrations.size()) {
        // Versioned, as in the reference runtime: a migration runs at most once, ever; run_on
        // only says in which launch it may.
        const Migration &mig = m_spec.migrations.at(index);
        const bool done = state->migrationsRun(m_spec.id).contains(mig.version);
        const bool upgraded = !state->previousAppVersion().isEmpty()
            && state->previousAppVersion() != state->appVersion();
        bool due = false;
        switch (mig.runOn) {
        case Migration::RunOn::Always:
            due = true;
            break;
        case Migration::RunOn::FirstInstall:
            due = state->isNewInstall();
            break;
        case Migration::RunOn::Upgrade:
            due = upgraded;
            break;
        case Migration::RunOn::Never:
            break;
        }
        if (due && !done)
            break;
        ++index;
    }
    if (!state || index >= m_spec.migrations.size()) {
        m_preflightDone = true;
        return spawn();
    }
    const Migration &mig = m_spec.migrations.at(index);
    const Result<LaunchPlan> plan = launchPlan();
    if (!plan)
        return setState(State::Failed, plan.error());
    const TemplateRenderer templates(m_ctx.templates);
    QStringList argv;
    for (const QString &a : mig.command)
        argv << templates.render(a);
    QProcessEnvironment env = plan->env;
    for (auto it = mig.env.cbegin(); it != mig.env.cend(); ++it)
        env.insert(it.key(), templates.render(it.value()));
    // command[0] is relative to the bundle root; the migration runs where the service runs.
    const QString written = argv.first();
    argv.first() = resolveCommand(argv.first(), env);
    if (m_ctx.execGuard) {
        if (Status st = m_ctx.execGuard->admit(written, argv.first(), argv.mid(1), plan->workingDir,
                                               mig.system);
            !st) {
            record("integrity_refused", {{"migration", s(mig.version)}, {"reason", s(st.error())}});
            return setState(State::Failed, st.error());
        }
    }
    setState(State::Starting, QStringLiteral("running migration %1").arg(mig.version));
    record("migration_start", {{"version", s(mig.version)}, {"run_on", s(mig.runOnAsWritten)}});
    m_log->note(QStringLiteral("migration %1 (%2): %3")
                    .arg(mig.version, enumName(mig.runOn), argv.join(QLatin1Char(' '))));
    Result<Confinement> confinement = confinementFor(argv.first(), Role::Helper);
    if (!confinement)
        return setState(State::Failed,
                        QStringLiteral("migration %1: %2").arg(mig.version, confinement.error()));
    auto *proc = new QProcess(this);
    m_migration = proc;
    proc->setProgram(argv.first());
    proc->setArguments(argv.mid(1));
    proc->setWorkingDirectory(plan->workingDir);
    proc->setProcessEnvironment(env);
    ChildProcessGuard::guardHelper(*proc, std::move(confinement).value());
    connect(proc, &QProcess::readyReadStandardOutput, this, [this, proc] {
        m_log->append(ServiceLog::Channel::Stdout, proc->readAllStandardOutput());
    });
    connect(proc, &QProcess::readyReadStandardError, this, [this, proc] {
        m_log->append(ServiceLog::Channel::Stderr, proc->readAllStandardError());
    });
    const QString version = mig.version;
    auto finished = [this, proc, index, version](bool ok, const QString &how) {
        proc->deleteLater();
        m_log->flush();
        if (m_state != State::Starting)
            return; // stopped meanwhile
        if (!ok) {
            record("migration_failed", {{"version", s(version)}, {"error", s(how)}});
            return setState(State::Failed,
                            QStringLiteral("migration %1 failed: %2").arg(version, how));
        }
        record("migration_success", {{"version", s(version)}});
        m_log->note(QStringLiteral("migration %1 done").arg(version));
        m_ctx.state->markMigrationRun(m_spec.id, version);
        if (Status st = m_ctx.state->save(); !st)
            Logging::state()->error("cannot record migration {}: {}", s(version), s(st.error()));
        runMigrations(index + 1);
    };
    connect(proc, &QProcess::finished, this, [finished](int code, QProcess::ExitStatus st) {
        finished(st == QProcess::NormalExit && code == 0,
                 st == QProcess::NormalExit ? QStringLiteral("exit code %1").arg(code)
                                            : QStringLiteral("crashed"));
    });
    connect(proc, &QProcess::errorOccurred, this, [finished, proc](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finished(false, QStringLiteral("cannot run it: %1").arg(proc->errorString()));
    });
    proc->start();
}

} // namespace steward
