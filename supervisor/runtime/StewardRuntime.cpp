#include "StewardRuntime.h"

#include "ConsoleReport.h"
#include "ControlApiFiles.h"
#include "DryRunReport.h"
#include "InstanceLock.h"
#include "UiBundleService.h"
#include "api/ControlApi.h"
#include "api/ControlServer.h"
#include "api/TokenBook.h"
#include "core/AtomicFile.h"
#include "core/Platform.h"
#include "core/PrivateDir.h"
#include "core/Redactor.h"
#include "logging/Logging.h"
#include "manifest/ManifestLoader.h"
#include "manifest/PlanReport.h"
#include "process/Cgroup.h"
#include "process/GpuProbe.h"
#include "process/OrphanReaper.h"
#include "process/RunMarker.h"
#include "process/ServiceSandbox.h"
#include "process/Supervisor.h"
#include "process/TelemetryLog.h"
#include "remote/RemoteProviderRegistry.h"
#include "remote/RemoteRefresher.h"
#include "runtime/TerminalPrompter.h"
#include "secrets/AuditTrail.h"
#include "secrets/EncryptedFileStore.h"
#include "secrets/InstallState.h"
#include "secrets/KeychainStore.h"
#include "secrets/RemoteSecretProvider.h"
#include "secrets/SecretKeeper.h"
#include "trust/ExecGuard.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QStandardPaths>
#include <QTimer>
#include <QUuid>

#include <algorithm>
#include <csignal>

namespace steward {

StewardRuntime::StewardRuntime(RuntimeOptions options, QTextStream &out, QTextStream &err,
                               QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
    , m_out(out)
    , m_report(new ConsoleReport(out, err, this))
    , m_redactor(std::make_shared<Redactor>())
{ }

StewardRuntime::~StewardRuntime()
{
    // The API reads the supervisor, which uses the keeper, which uses the store and the state:
    // tear down in that order.
    m_server.reset();
    m_api.reset();
    m_supervisor.reset();
    m_refresher.reset();
    m_keeper.reset();
    m_audit.reset();
    if (m_apiFiles)
        m_apiFiles->remove();
}

const RemoteProviderRegistry &StewardRuntime::remoteProviders() const
{
    return m_options.remoteProviders ? *m_options.remoteProviders
                                     : RemoteProviderRegistry::builtIn();
}

QString StewardRuntime::defaultAppDataDir(const QString &appName)
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/steward/") + appName;
}

int StewardRuntime::start()
{
    const ManifestLoadResult loaded
        = ManifestLoader::loadFile(m_options.manifestPath, &remoteProviders());
    if (loaded.unreadable) {
        m_report->error(loaded.readError);
        return Unreadable;
    }
    m_report->diagnostics(m_options.manifestPath, loaded.diagnostics);
    if (!loaded.valid()) {
        m_report->error(QStringLiteral(
            "the manifest has errors; nothing was started (see stewardctl validate)"));
        return InvalidManifest;
    }
    m_manifest = *loaded.manifest;
    m_diagnostics = loaded.diagnostics;
    if (!m_options.bundleRoot.isEmpty()) {
        if (!QFileInfo(m_options.bundleRoot).isDir()) {
            m_report->error(
                QStringLiteral("--bundle-root %1 is not a directory").arg(m_options.bundleRoot));
            return Usage;
        }
        m_manifest.bundleRoot = QDir(m_options.bundleRoot).absolutePath();
    }
    m_appData = m_options.appDataDir.isEmpty() ? defaultAppDataDir(m_manifest.app.name)
                                               : QDir(m_options.appDataDir).absolutePath();
    if (m_options.dryRun) {
        // Before anything is created, locked or asked of the keychain.
        const DryRunReport report(m_manifest, Platform::current(), m_appData);
        m_out << PlanReport::toText(m_manifest, Platform::current()) << "\n"
              << "Bundle root: " << m_manifest.bundleRoot << "\nApp data: " << m_appData << "\n\n"
              << report.toText() << Qt::flush;
        return Ok;
    }
    m_instanceId = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_startedAt = QDateTime::currentDateTimeUtc();
    if (QFile f(m_manifest.sourcePath); f.open(QIODevice::ReadOnly))
        m_manifestSha256 = QString::fromLatin1(
            QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex());

    // The app data dir may be a link the user made; what Steward makes in it may not.
    if (Status st = AtomicFile::ensureDirectory(m_appData, 0700, AtomicFile::Links::Follow); !st) {
        m_report->error(st.error());
        return AppDataUnusable;
    }
    // Services may write the app data dir; what is Steward's alone goes to its private dir.
    Result<QString> privateDir = PrivateDir::prepare(
        m_appData, PrivateDir::standardEntries() << m_manifest.ipc.authTokenPath);
    if (!privateDir) {
        m_report->error(privateDir.error());
        return AppDataUnusable;
    }
    m_privateDir = privateDir.value();
    if (Status st = AtomicFile::ensureDirectory(m_privateDir + QStringLiteral("/runtime")); !st) {
        m_report->error(st.error());
        return AppDataUnusable;
    }
    m_apiFiles = std::make_unique<ControlApiFiles>(m_privateDir, m_manifest.ipc.authTokenPath);
    m_instanceLock = std::make_unique<InstanceLock>(m_privateDir);
    if (!m_instanceLock->tryLock()) {
        m_report->alreadyRunning(m_manifest.app.name, m_instanceLock->holderPid(), m_appData);
        return AlreadyRunning;
    }
    m_apiFiles->removeLeftovers();

    Logging::setRedactor(m_redactor);
    if (Status st = Logging::addFile(m_appData + QStringLiteral("/logs/steward.log")); !st) {
        m_report->error(QStringLiteral("cannot write its log: %1").arg(st.error()));
        return AppDataUnusable;
    }
    auto log = Logging::runtime();
    log->info("starting {} {} from {} (app data {})", m_manifest.app.name.toStdString(),
              m_manifest.app.version.toStdString(), m_manifest.sourcePath.toStdString(),
              m_appData.toStdString());
    m_telemetry = std::make_unique<TelemetryLog>(
        QDir(m_appData).absoluteFilePath(m_manifest.telemetry.file), m_redactor);
    m_telemetry->record("runtime_start",
                        {{"app", m_manifest.app.name.toStdString()},
                         {"version", m_manifest.app.version.toStdString()},
                         {"instance_id", m_instanceId.toStdString()}});
    // Before any secret is read or any program started: a bundle whose signature or manifest
    // does not match what was signed and locked runs nothing.
    Result<std::unique_ptr<ExecGuard>> guard
        = ExecGuard::open(m_manifest.bundleRoot, m_manifest.sourcePath, m_options.trustedKey);
    if (!guard) {
        m_report->error(QStringLiteral("%1; nothing was started").arg(guard.error()));
        m_telemetry->record("bundle_untrusted", {{"reason", guard.error().toStdString()}});
        return BundleUntrusted;
    }
    m_execGuard = std::move(guard).value();
    if (m_execGuard->isLocked())
        log->info("bundle.lock found: every program is checked against it before it runs");

    Result<InstallState> state = InstallState::load(m_privateDir);
    if (!state) {
        m_report->error(state.error());
        return StoreFailed;
    }
    m_state = std::make_unique<InstallState>(std::move(state).value());
    m_importDue = m_options.importReference
        && ReferenceInstallImport::applies(
                      *m_state, ReferenceInstallImport::sourceDirFor(m_manifest.app.name));
    m_state->setAppVersion(m_manifest.app.version);
    m_report->starting(m_manifest, m_appData, m_state->isNewInstall(),
                       m_state->recovered() && !m_importDue,
                       ServiceSandbox::report(m_manifest).message);
    openCgroups();
    stopLeftovers();
    if (QString why; !(new OrphanReaper(this))->start(&why))
        log->warn("orphans of services are not kept: {}", why.toStdString());
    // The control API answers before the keychain does: /healthz at once, the secrets'
    // routes with "loading" (and 503 for values) until the store has answered.
    if (!startControlApi())
        return ApiUnavailable;
    openStore();
    return Ok;
}

void StewardRuntime::openCgroups()
{
    Result<std::shared_ptr<CgroupTree>> tree
        = CgroupTree::open(m_manifest.app.name, m_state->installId(), m_instanceId);
    if (tree) {
        m_cgroups = std::move(tree).value();
        m_containment = QStringLiteral("each service, migration and command check runs in a cgroup "
                                       "of its own (%1): a stop ends every process in it, "
                                       "whatever group, session or environment it took")
                            .arg(m_cgroups->path());
        Logging::runtime()->info("services are kept in cgroups under {}",
                                 m_cgroups->path().toStdString());
        QList<ResourceLimits> limits;
        for (const ServiceSpec &svc : m_manifest.services)
            limits << svc.limits;
        if (const Status st = m_cgroups->enableLimits(limits); !st)
            Logging::runtime()->warn("the services' limits are not set: {}",
                                     st.error().toStdString());
        return;
    }
    m_containment = QStringLiteral("each service's processes are kept together by their process "
                                   "group, a run marker and Steward as their subreaper, not by a "
                                   "cgroup of their own (%1): a process that leaves its group and "
                                   "clears its environment escapes the stop (docs/security.md)")
                        .arg(tree.error());
    Logging::runtime()->info("services are not kept in cgroups: {}", tree.error().toStdString());
}

QString StewardRuntime::limitsUnavailable() const
{
    return m_cgroups ? m_cgroups->limitsUnavailable()
                     : QStringLiteral("services have no cgroups of their own here");
}

void StewardRuntime::stopLeftovers()
{
    // What an earlier run's cgroups hold first (everything, whatever it did to its environment),
    // then what carries an earlier run's marker outside them.
    QList<RunMarker::Process> left;
    QSet<qint64> seen;
    if (m_cgroups) {
        for (const CgroupTree::Leftover &l : m_cgroups->stopLeftovers()) {
            left << RunMarker::Process {l.pid, l.service, l.command};
            seen.insert(l.pid);
        }
    }
    for (const RunMarker::Process &p :
         RunMarker::signal(RunMarker::leftovers(m_state->installId(), m_instanceId), SIGKILL)) {
        if (!seen.contains(p.pid))
            left << p;
    }
    if (left.isEmpty())
        return;
    QStringList names;
    nlohmann::json processes = nlohmann::json::array();
    for (const RunMarker::Process &p : left) {
        const QString service = p.marker.section(QLatin1Char('/'), -1);
        names << QStringLiteral("%1 (pid %2, %3)").arg(service).arg(p.pid).arg(p.command);
        processes.push_back({{"pid", p.pid},
                             {"service", service.toStdString()},
                             {"command", p.command.toStdString()}});
    }
    m_report->leftoversStopped(names);
    m_telemetry->record("leftover_processes_stopped",
                        {{"count", left.size()}, {"processes", processes}});
}

void StewardRuntime::activateRunningInstance(
    std::function<void(bool shown, const QString &why)> done)
{
    const std::optional<ControlApiFiles::Endpoint> endpoint = m_apiFiles->read();
    if (!endpoint)
        return done(false, QStringLiteral("its control API is not up yet"));
    const int port = endpoint->port;
    const QByteArray token = endpoint->adminToken;
    auto *nam = new QNetworkAccessManager(this);
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1/activate").arg(port)));
    request.setRawHeader("Authorization", "Bearer " + token);
    request.setTransferTimeout(5000);
    QNetworkReply *reply = nam->post(request, QByteArray());
    connect(reply, &QNetworkReply::finished, this, [reply, nam, done = std::move(done)] {
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 200)
            done(true, {});
        else if (status == 409)
            done(false, QStringLiteral("it runs headless"));
        else
            done(false, reply->errorString());
        nam->deleteLater();
    });
}

QString StewardRuntime::logsDir() const
{
    return m_appData + QStringLiteral("/logs");
}

void StewardRuntime::useEncryptedFileStore()
{
    if (m_options.store == RuntimeOptions::Store::File || m_shuttingDown)
        return;
    Logging::secrets()->warn(
        "no keychain; the person chose the encrypted file store with a key file");
    m_options.store = RuntimeOptions::Store::File;
    m_api->setSecrets(nullptr, nullptr);
    m_refresher.reset();
    m_keeper.reset();
    m_store = nullptr;
    openStore();
}

QString StewardRuntime::storeDelayText() const
{
    return tr("the %1 has not answered for %n s; if it is locked, unlock it (Steward waits for "
              "it)",
              nullptr, int(std::max<qint64>(m_storeAskedAt.elapsed(), StoreSlowMs) / 1000))
        .arg(m_options.store == RuntimeOptions::Store::Keychain ? tr("keychain")
                                                                : tr("secret store"));
}

void StewardRuntime::openStore()
{
    // A keychain waiting for an unlock prompt may never answer: after a while the console,
    // the UI and /status say so, and the API keeps answering meanwhile.
    // The flag, not the clock, says the store is slow: a coarse timer may fire up to 5% early,
    // and /status must not contradict the note on screen.
    m_storeAskedAt.start();
    m_storeSlow = false;
    QTimer::singleShot(StoreSlowMs, this, [this] {
        if (m_keeper && m_keeper->phase() != SecretKeeper::Phase::Idle
            && m_keeper->phase() != SecretKeeper::Phase::Loading)
            return;
        m_storeSlow = true;
        m_report->storeSlow(storeDelayText());
        Q_EMIT storeSlow(storeDelayText());
    });
    m_keychain = m_options.keychainFactory
        ? m_options.keychainFactory(m_manifest.app.name, m_state->installId())
        : std::make_unique<KeychainStore>(m_manifest.app.name, m_state->installId());
    if (m_options.store == RuntimeOptions::Store::Keychain) {
        m_store = m_keychain.get();
        return importThenStartKeeper();
    }
    // The person chose the encrypted file store: its key goes in the keychain when one works,
    // otherwise in a 0600 file, and then we say so.
    const QString dir = m_privateDir + QStringLiteral("/secrets");
    EncryptedFileStore::open(
        dir, m_manifest.app.name, m_state->installId(), m_keychain.get(), m_keychain.get(),
        [this, dir](const SecretStore::Error &e, EncryptedFileStore *store) {
            if (store) {
                m_store = store;
                return importThenStartKeeper();
            }
            Logging::secrets()->warn("no keychain for the file store's key ({}); using a key file",
                                     e.message.toStdString());
            EncryptedFileStore::open(
                dir, m_manifest.app.name, m_state->installId(), nullptr, m_keychain.get(),
                [this](const SecretStore::Error &e2, EncryptedFileStore *fileStore) {
                    if (!fileStore) {
                        m_report->error(QStringLiteral("cannot open the encrypted file store: %1")
                                            .arg(e2.message));
                        return Q_EMIT exitRequested(StoreFailed);
                    }
                    m_report->keyFileInUse();
                    m_store = fileStore;
                    importThenStartKeeper();
                });
        });
}

void StewardRuntime::importThenStartKeeper()
{
    if (!m_importDue)
        return startKeeper();
    auto *importer = new ReferenceInstallImport(
        m_manifest, *m_state, *m_store, ReferenceInstallImport::sourceDirFor(m_manifest.app.name),
        this);
    m_report->importing(m_manifest.app.name);
    importer->run([this, importer](const ReferenceInstallImport::Report &report) {
        importer->deleteLater();
        if (m_shuttingDown)
            return;
        if (!report.ok()) {
            if (report.storeFailed && m_options.interactive
                && m_options.store == RuntimeOptions::Store::Keychain) {
                // The person may keep the secrets in the encrypted file store instead; the
                // import runs again into that.
                m_report->keychainUnusable(report.error);
                return Q_EMIT storeUnavailable(report.error);
            }
            m_report->error(report.error);
            m_report->error(QStringLiteral(
                "nothing was removed; run with --no-import to start without importing"));
            if (report.storeFailed && m_options.store == RuntimeOptions::Store::Keychain)
                m_report->keychainHint();
            return Q_EMIT exitRequested(StoreFailed);
        }
        m_importDue = false;
        reportImport(report);
        startKeeper();
    });
}

void StewardRuntime::reportImport(const ReferenceInstallImport::Report &report)
{
    m_import = report;
    m_report->imported(report, m_store->backendName());
    nlohmann::json ids = nlohmann::json::array();
    for (const QString &id : report.imported)
        ids.push_back(id.toStdString());
    m_telemetry->record("secrets_imported",
                        {{"from", report.sourceDir.toStdString()},
                         {"count", report.imported.size()},
                         {"ids", ids},
                         {"migrations", report.migrationCount()},
                         {"plaintext_removed", report.plaintextRemoved}});
}

void StewardRuntime::startKeeper()
{
    m_refresher.reset(); // it refers to the keeper being replaced
    m_keeper = std::make_unique<SecretKeeper>(m_manifest, *m_state, *m_store, m_redactor);
    // The audit trail's key lives in the same store as the values it records the changes of.
    m_audit = std::make_unique<AuditTrail>(m_appData);
    m_audit->open(*m_store, this, nullptr); // a trail that cannot be written says so in the log
    m_keeper->setAuditTrail(m_audit.get());
    m_api->setSecrets(m_keeper.get(), m_audit.get());
    m_api->setImported(m_import);
    if (m_remoteProviders.isEmpty()) {
        RemoteProviderRegistry::Created made = remoteProviders().createFor(
            m_manifest, QProcessEnvironment::systemEnvironment(), this);
        m_remoteProviders = made.providers;
        for (const QString &why : std::as_const(made.errors)) {
            m_report->remoteUnavailable(why);
            Logging::remote()->warn("{}", why.toStdString());
        }
    }
    for (RemoteSecretProvider *provider : std::as_const(m_remoteProviders))
        m_keeper->addRemoteProvider(provider);
    if (!m_remoteProviders.isEmpty())
        m_refresher = std::make_unique<RemoteRefresher>(*m_keeper, m_remoteProviders);

    connect(m_keeper.get(), &SecretKeeper::phaseChanged, this, [this](SecretKeeper::Phase p) {
        if (p == SecretKeeper::Phase::Ready || p == SecretKeeper::Phase::WaitingForSecrets
            || p == SecretKeeper::Phase::Failed)
            onSecretsSettled();
    });
    m_keeper->start();
}

void StewardRuntime::onSecretsSettled()
{
    if (m_keeper->phase() == SecretKeeper::Phase::Failed) {
        if (m_options.interactive && m_options.store == RuntimeOptions::Store::Keychain) {
            m_report->keychainUnusable(m_keeper->failure());
            return Q_EMIT storeUnavailable(m_keeper->failure());
        }

        m_report->error(m_keeper->failure());
        if (m_options.store == RuntimeOptions::Store::Keychain)
            m_report->keychainHint();
        return Q_EMIT exitRequested(StoreFailed);
    }
    m_report->secretsSettled(m_manifest, *m_keeper, m_options.prompt, !m_reportedGenerated);
    if (!m_reportedGenerated) {
        m_reportedGenerated = true;
        const QStringList generated = m_keeper->generatedThisRun();
        nlohmann::json ids = nlohmann::json::array();
        for (const QString &id : generated)
            ids.push_back(id.toStdString());
        if (!generated.isEmpty())
            m_telemetry->record("secrets_generated", {{"count", generated.size()}, {"ids", ids}});
    }
    if (m_keeper->phase() == SecretKeeper::Phase::WaitingForSecrets) {
        startSupervisor();
        if (m_options.prompt && !m_prompter)
            promptForMissing();
        return Q_EMIT secretsSettled();
    }
    startSupervisor();
    Q_EMIT secretsSettled();
}

void StewardRuntime::startSupervisor()
{
    if (m_supervisor || m_shuttingDown)
        return;
    m_supervisor = std::make_unique<Supervisor>(m_manifest, m_appData, *m_keeper, m_redactor,
                                                m_telemetry.get());
    m_supervisor->gpu().query(this, [this](bool, const QString &) {
        const GpuProbe::Status gpu = *m_supervisor->gpu().status();
        m_telemetry->record("gpu_status",
                            {{"available", gpu.available},
                             {"method", gpu.method.toStdString()},
                             {"reason", gpu.reason.toStdString()}});
    });
    m_supervisor->setInstallState(m_state.get());
    m_supervisor->setPrivateDir(m_privateDir);
    m_supervisor->setExecGuard(m_execGuard.get());
    m_supervisor->setCgroups(m_cgroups.get());
    m_supervisor->setEmbeddedServices(&UiBundleService::create);
    // Each service learns where the control API is and gets its own token, nothing else.
    const QString controlUrl = QStringLiteral("http://127.0.0.1:%1").arg(m_server->port());
    m_supervisor->setStewardVariables([this, controlUrl](const QString &id) {
        return QMap<QString, QString> {
            {QStringLiteral("STEWARD_CONTROL_URL"), controlUrl},
            {QStringLiteral("STEWARD_TOKEN"), QString::fromLatin1(m_tokens->serviceToken(id))},
            {QLatin1String(RunMarker::Variable),
             RunMarker::value(m_state->installId(), m_instanceId, id)}};
    });
    if (Status st = m_supervisor->prepare({m_manifest.ipc.port, m_server->port()}); !st) {
        m_report->error(st.error());
        return Q_EMIT exitRequested(PortsUnavailable);
    }
    m_api->setSupervisor(m_supervisor.get());
    m_report->follow(*m_supervisor, m_manifest.app.name);
    m_supervisor->start();
    Q_EMIT supervisorStarted();
}

bool StewardRuntime::startControlApi()
{
    QStringList ids;
    for (const ServiceSpec &s : m_manifest.services)
        ids << s.id;
    m_tokens = std::make_unique<TokenBook>(ids);
    QList<QByteArray> tokens {m_tokens->adminToken()};
    for (const QString &id : ids)
        tokens << m_tokens->serviceToken(id);
    // A Vault token given in the environment: no service sees it, and no log line shows it.
    if (const QByteArray vaultToken = qgetenv("VAULT_TOKEN"); !vaultToken.isEmpty())
        tokens << vaultToken;
    m_redactor->setPermanent(tokens); // a service printing its token leaves no trace in logs
    ApiContext ctx;
    ctx.manifest = &m_manifest;
    ctx.redactor = m_redactor;
    ctx.storeDelay = [this] {
        return m_storeSlow ? storeDelayText() : QString();
    };
    ctx.appData = m_appData;
    ctx.diagnostics = m_diagnostics;
    ctx.instanceId = m_instanceId;
    ctx.startedAt = m_startedAt;
    ctx.manifestSha256 = m_manifestSha256;
    ctx.containment = m_containment;
    ctx.cgroupPerService = m_cgroups != nullptr;
    ctx.limitsUnavailable = limitsUnavailable();
    ctx.shutdown = [this] {
        requestShutdown();
    };
    ctx.activate = [this] {
        if (!m_options.interactive)
            return false;
        Q_EMIT activationRequested();
        return true;
    };

    m_api = std::make_unique<ControlApi>(ctx, *m_tokens);
    ControlApi *api = m_api.get();
    m_server = std::make_unique<ControlServer>(api);
    if (Status st = m_server->listen(m_manifest.ipc.host, m_manifest.ipc.port); !st) {
        m_report->error(st.error());
        return false;
    }
    m_api->setPort(m_server->port());
    // Where clients find us: the admin token and the port actually bound.
    if (Status st = m_apiFiles->write(m_tokens->adminToken(), m_server->port()); !st) {
        m_report->error(st.error());
        return false;
    }
    // Clients look for the token where the manifest says, in the app data dir (a link there).
    m_report->controlApi(m_server->port(),
                         QDir(m_appData).absoluteFilePath(m_manifest.ipc.authTokenPath));
    if (Status st = m_apiFiles->announce(m_manifest.app.name, m_appData); !st)
        m_report->notRegistered(st.error());
    return true;
}

void StewardRuntime::requestShutdown()
{
    if (m_shuttingDown)
        return;
    m_shuttingDown = true;
    if (m_refresher)
        m_refresher->stop();
    auto recordShutdown = [this] {
        if (m_telemetry)
            m_telemetry->record("runtime_shutdown", {{"app", m_manifest.app.name.toStdString()}});
    };
    if (!m_supervisor) {
        recordShutdown();
        return Q_EMIT exitRequested(Ok);
    }
    m_report->stopping(m_manifest.app.name);
    m_supervisor->stopAll([this, recordShutdown] {
        m_apiFiles->remove();
        recordShutdown();
        m_report->stopped();

        Q_EMIT exitRequested(Ok);
    });
}

void StewardRuntime::promptForMissing()
{
    QList<SecretSpec> ask;
    for (const SecretSpec &s : m_manifest.secrets) {
        if (s.secretClass == SecretClass::UserPrompt && !m_keeper->value(s.id))
            ask << s;
    }
    m_prompter = new TerminalPrompter(ask, m_out, this);
    connect(m_prompter, &TerminalPrompter::aborted, this, [this] {
        m_report->error(QStringLiteral("input ended before every secret was entered; the "
                                       "services that need them keep waiting"));
    });
    connect(m_prompter, &TerminalPrompter::finished, this,
            [this](const QMap<QString, QString> &values) {
                m_keeper->provide(values, this,
                                  [this](const SecretKeeper::ChangeResult &r) {
                                      if (!r.ok) {
                                          for (auto it = r.problems.cbegin();
                                               it != r.problems.cend(); ++it)
                                              m_report->error(it.key() + QStringLiteral(": ")
                                                              + it->join(QStringLiteral("; ")));
                                          if (!r.error.isEmpty())
                                              m_report->error(r.error);
                                          return Q_EMIT exitRequested(StoreFailed);
                                      }
                                  },
                                  {QStringLiteral("terminal"), QStringLiteral("terminal")});
            });
    m_prompter->start();
}

} // namespace steward
