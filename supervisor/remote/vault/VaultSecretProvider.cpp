#include "VaultSecretProvider.h"

#include "logging/Logging.h"
#include "manifest/Manifest.h"

#include <QDir>
#include <QHostAddress>

#include <chrono>

namespace steward {

namespace {

using Kind = SecretStore::ErrorKind;

// A token this close to its expiry is treated as expired: a request would race it.
constexpr qint64 ExpiryMarginMs = 1000;

// Vault's own logger, declared once here (logging/ knows no provider).
const std::shared_ptr<spdlog::logger> &vaultLog()
{
    static const std::shared_ptr<spdlog::logger> logger = Logging::get("steward.vault");
    return logger;
}

} // namespace

VaultSecretProvider::VaultSecretProvider(VaultClient *client, Settings settings, QObject *parent)
    : RemoteSecretProvider(parent)
    , m_client(client)
    , m_settings(std::move(settings))
{
    m_client->setParent(this);
    m_renewTimer.setSingleShot(true);
    connect(&m_renewTimer, &QTimer::timeout, this, &VaultSecretProvider::renew);
}

Result<VaultSecretProvider *> VaultSecretProvider::create(const Manifest &manifest,
                                                          const QProcessEnvironment &env,
                                                          QObject *parent)
{
    Diagnostics problems;
    const VaultManifest::Config config = VaultManifest::parseConfig(
        manifest.remote.value(QStringLiteral("vault"), nlohmann::json::object()),
        QStringLiteral("/remote/vault"), problems);
    for (const Diagnostic &d : problems) {
        if (d.isError())
            return Result<VaultSecretProvider *>::failure(d.toString());
    }
    auto pick = [&env](std::initializer_list<const char *> names, const QString &fallback) {
        for (const char *name : names) {
            const QString v = env.value(QString::fromLatin1(name));
            if (!v.isEmpty())
                return v;
        }
        return fallback;
    };
    VaultEndpoint endpoint;
    const QString address = pick({"VAULT_ADDR", "VAULT_ADDRESS"}, config.address);
    if (address.isEmpty())
        return Result<VaultSecretProvider *>::failure(
            QStringLiteral("no Vault address: set remote.vault.address in the manifest or "
                           "VAULT_ADDR in the environment"));
    endpoint.address = QUrl(address);
    endpoint.namespaceName = pick({"VAULT_NAMESPACE"}, config.namespaceName);
    if (!config.caCert.isEmpty())
        endpoint.caCertFile = QDir(manifest.bundleRoot).absoluteFilePath(config.caCert);

    // VAULT_TOKEN, when set, overrides the manifest's auth like the other variables do.
    const QByteArray envToken = env.value(QStringLiteral("VAULT_TOKEN")).toUtf8();
    Method method = Method::EnvToken;
    if (envToken.isEmpty()) {
        if (config.authMethod == QLatin1String("approle"))
            method = Method::AppRole;
        else if (!config.tokenSecret.isEmpty())
            method = Method::TokenSecret;
        else
            return Result<VaultSecretProvider *>::failure(
                QStringLiteral("no Vault token: set VAULT_TOKEN in the environment, or name the "
                               "secret holding it in remote.vault.auth.token_secret"));
    }

    auto *client = new VaultClient(endpoint);
    if (Status st = client->init(); !st) {
        delete client;
        return Result<VaultSecretProvider *>::failure(st.error());
    }
    const QUrl &url = endpoint.address;
    if (url.scheme() == QLatin1String("http") && url.host() != QLatin1String("localhost")
        && !QHostAddress(url.host()).isLoopback())
        vaultLog()->warn(
            "Vault at {} is reached without TLS: its token travels unencrypted; use https",
            url.toString().toStdString());
    Settings settings;
    settings.method = method;
    settings.envToken = envToken;
    settings.tokenSecret = config.tokenSecret;
    settings.roleIdSecret = config.roleIdSecret;
    settings.secretIdSecret = config.secretIdSecret;
    settings.app = manifest.app.name;
    settings.pathPrefix = pick({"VAULT_AGENT_PATH_PREFIX"}, config.pathPrefix);
    settings.deployment = pick({"DEPLOYMENT_HASH"}, QStringLiteral("default"));
    settings.refresh = {config.refreshIntervalS, config.jitterMinS, config.jitterMaxS};
    return new VaultSecretProvider(client, std::move(settings), parent);
}

QStringList VaultSecretProvider::authSecretIds() const
{
    switch (m_settings.method) {
    case Method::EnvToken:
        return {};
    case Method::TokenSecret:
        return {m_settings.tokenSecret};
    case Method::AppRole:
        return {m_settings.roleIdSecret, m_settings.secretIdSecret};
    }
    return {};
}

VaultSecretProvider::~VaultSecretProvider()
{
    // Fetches still waiting for a token are answered (their contexts decide whether anyone
    // still listens).
    ++m_generation;
    finishAuth({Kind::NoBackend, QStringLiteral("Steward is stopping")});
}

void VaultSecretProvider::resetAuth()
{
    // Answers from an auth call already on its way belong to the old credentials: ignored.
    ++m_generation;
    m_authenticating = false;
    clearToken();
    if (!m_waiting.isEmpty())
        authenticate();
}

void VaultSecretProvider::clearToken()
{
    m_client->setToken({});
    m_tokenSince = {};
    m_expiresAt = {};
    m_renewTimer.stop();
}

VaultManifest::Source VaultSecretProvider::sourceOf(const SecretSpec &spec)
{
    Diagnostics ignored; // checked when the manifest was loaded
    return VaultManifest::parseSource(spec.source->settings, QString(), ignored);
}

bool VaultSecretProvider::keepsVersions(const SecretSpec &spec)
{
    return spec.source && sourceOf(spec).kvVersion == 2;
}

void VaultSecretProvider::withToken(AuthWaiter then)
{
    // A token is usable once Vault has confirmed it (no auth under way) and before it expires.
    const bool fresh = m_client->hasToken() && !m_authenticating
        && (!m_expiresAt.isValid()
            || QDateTime::currentDateTimeUtc().msecsTo(m_expiresAt) > ExpiryMarginMs);
    if (fresh)
        return then({});
    m_waiting << std::move(then);
    if (!m_authenticating)
        authenticate();
}

void VaultSecretProvider::authenticate()
{
    m_authenticating = true;
    clearToken();
    const quint64 generation = m_generation;
    if (m_settings.method == Method::AppRole) {
        const std::optional<QByteArray> roleId = lookup(m_settings.roleIdSecret);
        const std::optional<QByteArray> secretId = lookup(m_settings.secretIdSecret);
        if (!roleId || !secretId)
            return finishAuth(
                {Kind::NotFound,
                 QStringLiteral("no AppRole credentials for Vault: waiting for %1")
                     .arg(!roleId ? m_settings.roleIdSecret : m_settings.secretIdSecret)});
        return m_client->loginAppRole(
            *roleId, *secretId, this,
            [this, generation](const SecretStore::Error &e, const VaultClient::TokenLease &lease) {
                if (generation != m_generation)
                    return;
                if (e.ok()) {
                    m_client->setToken(lease.token);
                    adopt(lease, true);
                    vaultLog()->info("logged in to Vault with AppRole (token lease {} s)",
                                     lease.ttlS);
                }
                finishAuth(e);
            });
    }
    const std::optional<QByteArray> token = m_settings.method == Method::EnvToken
        ? std::optional(m_settings.envToken)
        : lookup(m_settings.tokenSecret);
    if (!token)
        return finishAuth(
            {Kind::NotFound,
             QStringLiteral("no Vault token: waiting for %1").arg(m_settings.tokenSecret)});
    m_client->setToken(*token);
    // lookup-self says whether Vault takes the token and how long it lives. Every token may call
    // it and renew-self under Vault's default policy (unless made with -no-default-policy).
    m_client->lookupSelf(
        this,
        [this, generation](const SecretStore::Error &e, const VaultClient::TokenLease &lease) {
            if (generation != m_generation)
                return;
            if (e.ok())
                adopt(lease, true);
            else
                m_client->setToken({});
            finishAuth(e);
        });
}

void VaultSecretProvider::finishAuth(const SecretStore::Error &e)
{
    m_authenticating = false;
    const QList<AuthWaiter> waiting = std::exchange(m_waiting, {});
    for (const AuthWaiter &w : waiting)
        w(e);
}

void VaultSecretProvider::adopt(const VaultClient::TokenLease &lease, bool newToken)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    if (newToken) {
        m_tokenSince = now;
        // Each renewal asks for the token's full lease again, not the rest of it.
        m_leaseS = lease.creationTtlS > 0 ? lease.creationTtlS : lease.ttlS;
    }
    m_renewable = lease.renewable;
    // A TTL of 0 is a token that never expires when it is new, and one at its end when renewed.
    m_expiresAt = lease.ttlS > 0 || !newToken ? now.addSecs(lease.ttlS) : QDateTime();
    if (lease.ttlS <= 0)
        return m_renewTimer.stop();
    // Renew (or log in again) with a third of the lease left, so a slow Vault still has time.
    m_renewTimer.start(std::chrono::seconds(std::max<qint64>(1, lease.ttlS * 2 / 3)));
}

void VaultSecretProvider::renew()
{
    auto log = vaultLog();
    const qint64 left = QDateTime::currentDateTimeUtc().secsTo(m_expiresAt);
    if (!m_renewable) {
        if (m_settings.method == Method::AppRole)
            return logInAgain();
        log->warn("the Vault token cannot be renewed and expires in {} s; give Steward a new one",
                  left);
        return;
    }
    m_client->renewSelf(
        m_leaseS, this,
        [this, log, left, generation = m_generation](const SecretStore::Error &e,
                                                     const VaultClient::TokenLease &lease) {
            if (generation != m_generation)
                return;
            if (e.ok() && (m_settings.method != Method::AppRole || lease.ttlS * 2 >= m_leaseS)) {
                log->info("renewed the Vault token (lease {} s)", lease.ttlS);
                return adopt(lease, false);
            }
            // Renewal failed, or max_ttl caps the lease: an AppRole logs in again; a given token
            // lives on as long as it can.
            if (m_settings.method == Method::AppRole) {
                log->info("the Vault token {}; logging in again",
                          e.ok() ? std::string("reaches its maximum TTL")
                                 : e.message.toStdString());
                return logInAgain();
            }
            if (!e.ok()) {
                // Vault may be down for a moment: try again with a third of what is left.
                log->warn("cannot renew the Vault token ({}); it expires in {} s",
                          e.message.toStdString(), left);
                if (left > 1)
                    m_renewTimer.start(std::chrono::seconds(std::max<qint64>(1, left / 3)));
                return;
            }
            adopt(lease, false);
        });
}

void VaultSecretProvider::logInAgain()
{
    // The old token may still have a second or two: drop it anyway, so this is a new login.
    resetAuth();
    withToken([](const SecretStore::Error &e) {
        if (!e.ok())
            vaultLog()->warn("cannot log in to Vault again: {}", e.message.toStdString());
    });
}

void VaultSecretProvider::fetch(const SecretSpec &spec, QObject *context, FetchHandler handler)
{
    if (!spec.source) {
        return handler(
            {Kind::NotFound, QStringLiteral("%1: the manifest names no source").arg(spec.id)}, {},
            0);
    }
    read(spec, 0, context, std::move(handler), false);
}

void VaultSecretProvider::fetchVersion(const SecretSpec &spec, int version, QObject *context,
                                       FetchHandler handler)
{
    if (!keepsVersions(spec))
        return handler(noVersions(spec), {}, 0);
    read(spec, version, context, std::move(handler), false);
}

void VaultSecretProvider::withTokenFor(const SecretSpec &spec, QPointer<QObject> ctx,
                                       std::function<void(const SecretStore::Error &)> fail,
                                       std::function<void()> then)
{
    withToken([this, spec, ctx, fail = std::move(fail),
               then = std::move(then)](const SecretStore::Error &authError) {
        if (!ctx)
            return;
        if (!authError.ok())
            return fail(
                {authError.kind,
                 QStringLiteral("%1 (%2): %3").arg(spec.id, describe(spec), authError.message)});
        then();
    });
}

void VaultSecretProvider::versions(const SecretSpec &spec, QObject *context,
                                   VersionsHandler handler)
{
    if (!keepsVersions(spec))
        return handler(noVersions(spec), {}, 0);
    const QPointer<QObject> ctx(context);
    auto fail = [handler](const SecretStore::Error &e) {
        handler(e, {}, 0);
    };
    withTokenFor(spec, ctx, fail, [this, spec, ctx, handler] {
        const VaultManifest::Source src = sourceOf(spec);
        m_client->readMetadata(
            src.mount, expandPath(src.path), spec.id, ctx,
            [handler](const SecretStore::Error &e, const VaultClient::KvMetadata &meta) {
                QList<SourceVersion> out;
                for (const VaultClient::KvVersion &v : meta.versions)
                    out.append({v.version, v.createdAt, v.deleted, v.destroyed});
                handler(e, out, meta.currentVersion);
            });
    });
}

void VaultSecretProvider::rollback(const SecretSpec &spec, int version, QObject *context,
                                   RollbackHandler handler)
{
    if (!keepsVersions(spec))
        return handler(noVersions(spec), 0);
    const QPointer<QObject> ctx(context);
    auto fail = [handler](const SecretStore::Error &e) {
        handler(e, 0);
    };
    withTokenFor(spec, ctx, fail, [this, spec, version, ctx, handler, fail] {
        const VaultManifest::Source src = sourceOf(spec);
        const QString path = expandPath(src.path);
        // The current version first: the write below must not overwrite a newer one.
        m_client->readMetadata(
            src.mount, path, spec.id, ctx,
            [this, spec, src, path, version, ctx, handler,
             fail](const SecretStore::Error &e, const VaultClient::KvMetadata &meta) {
                if (!e.ok())
                    return fail(e);
                const auto found = std::find_if(
                    meta.versions.cbegin(), meta.versions.cend(),
                    [version](const VaultClient::KvVersion &v) { return v.version == version; });
                const QString where = QStringLiteral("%1 (%2)").arg(spec.id, describe(spec));
                if (found == meta.versions.cend())
                    return fail(
                        {SecretStore::ErrorKind::NotFound,
                         QStringLiteral("%1: Vault keeps no version %2").arg(where).arg(version)});
                if (found->destroyed || found->deleted)
                    return fail({SecretStore::ErrorKind::NotFound,
                                 QStringLiteral("%1: version %2 was %3 in Vault")
                                     .arg(where)
                                     .arg(version)
                                     .arg(found->destroyed ? QStringLiteral("destroyed")
                                                           : QStringLiteral("deleted"))});
                if (version == meta.currentVersion)
                    return handler({}, version); // already current: nothing to write
                m_client->readKvData(
                    src.mount, path, version, spec.id, ctx,
                    [this, spec, src, path, ctx, handler, fail, current = meta.currentVersion](
                        const SecretStore::Error &e, const nlohmann::json &data, int) {
                        if (!e.ok())
                            return fail(e);
                        m_client->writeKvData(src.mount, path, data, current, spec.id, ctx,
                                              handler);
                    });
            });
    });
}

bool VaultSecretProvider::sameSource(const SecretSpec &a, const SecretSpec &b) const
{
    if (!a.source || !b.source || a.source->provider != b.source->provider)
        return false;
    const VaultManifest::Source x = sourceOf(a);
    const VaultManifest::Source y = sourceOf(b);
    return x.mount == y.mount && expandPath(x.path) == expandPath(y.path)
        && x.kvVersion == y.kvVersion;
}

void VaultSecretProvider::read(const SecretSpec &spec, int version, QObject *context,
                               FetchHandler handler, bool retried)
{
    const QPointer<QObject> ctx(context);
    auto fail = [handler](const SecretStore::Error &e) {
        handler(e, {}, 0);
    };
    withTokenFor(spec, ctx, fail, [this, spec, version, ctx, retried, handler] {
        const VaultManifest::Source src = sourceOf(spec);
        auto got = [this, spec, version, ctx, retried, handler](const SecretStore::Error &e,
                                                                const VaultClient::KvValue &v) {
            if (e.kind == Kind::Denied && !retried)
                return checkRefusal(spec, version, ctx, e, handler);
            handler(e, v.value, v.version);
        };
        m_client->readKv(src.mount, expandPath(src.path), src.key, src.kvVersion, spec.id, ctx,
                         std::move(got), version);
    });
}

void VaultSecretProvider::checkRefusal(const SecretSpec &spec, int version, QPointer<QObject> ctx,
                                       const SecretStore::Error &refusal, FetchHandler handler)
{
    // Vault answers 403 both to a dead token and to a policy without this path. Only the token
    // itself being refused (revoked, expired early) is worth a new login, and only once.
    m_client->lookupSelf(
        this,
        [this, spec, version, ctx, refusal, handler = std::move(handler),
         generation = m_generation](const SecretStore::Error &e,
                                    const VaultClient::TokenLease &) mutable {
            if (!ctx)
                return;
            if (e.kind != Kind::Denied)
                return handler(refusal, {}, 0); // the policy: the token is fine
            if (m_settings.method == Method::EnvToken)
                return handler({Kind::Denied,
                                QStringLiteral("%1 (%2): Vault refused the token in VAULT_TOKEN "
                                               "(expired or revoked)")
                                    .arg(spec.id, describe(spec))},
                               {}, 0);
            if (generation == m_generation)
                resetAuth();
            read(spec, version, ctx, std::move(handler), true);
        });
}

nlohmann::json VaultSecretProvider::healthFields() const
{
    const AuthStatus auth = authStatus();
    auto orNull = [](const std::optional<qint64> &v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"auth_method", auth.method.toStdString()},
            {"token_age_seconds", orNull(auth.tokenAgeS)},
            {"token_ttl_seconds", orNull(auth.tokenTtlS)}};
}

VaultSecretProvider::AuthStatus VaultSecretProvider::authStatus() const
{
    AuthStatus status;
    status.method = m_settings.method == Method::AppRole ? QStringLiteral("approle")
                                                         : QStringLiteral("token");
    if (!m_client->hasToken() || !m_tokenSince.isValid())
        return status;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    status.tokenAgeS = m_tokenSince.secsTo(now);
    if (m_expiresAt.isValid())
        status.tokenTtlS = std::max<qint64>(0, now.secsTo(m_expiresAt));
    return status;
}

QString VaultSecretProvider::expandPath(const QString &path) const
{
    QString out = path;
    out.replace(QLatin1String("{path_prefix}"), m_settings.pathPrefix)
        .replace(QLatin1String("{deployment_hash}"), m_settings.deployment)
        .replace(QLatin1String("{app}"), m_settings.app);
    // An empty prefix must not leave "//" or a leading "/" behind.
    while (out.contains(QLatin1String("//")))
        out.replace(QLatin1String("//"), QLatin1String("/"));
    while (out.startsWith(QLatin1Char('/')))
        out.remove(0, 1);
    return out;
}

QString VaultSecretProvider::describe(const SecretSpec &spec) const
{
    if (!spec.source)
        return QStringLiteral("vault (no source)");
    const VaultManifest::Source src = sourceOf(spec);
    return QStringLiteral("vault %1#%2")
        .arg(VaultClient::apiPath(src.mount, expandPath(src.path), src.kvVersion), src.key);
}

} // namespace steward
