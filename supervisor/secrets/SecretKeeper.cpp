#include "SecretKeeper.h"

#include "AuditTrail.h"
#include "RemoteSecretProvider.h"
#include "SecretGenerator.h"
#include "ShapedValue.h"
#include "core/Redactor.h"
#include "core/StdText.h"
#include "logging/Logging.h"
#include "manifest/SecretValidator.h"

#include <QRegularExpression>

#include <algorithm>

namespace steward {

using stdtext::s;

SecretKeeper::SecretKeeper(const Manifest &manifest, InstallState &state, SecretStore &store,
                           std::shared_ptr<Redactor> redactor, QObject *parent)
    : QObject(parent)
    , m_manifest(manifest)
    , m_state(state)
    , m_store(store)
    , m_redactor(std::move(redactor))
{ }

SecretKeeper::~SecretKeeper() = default;

QString SecretKeeper::phaseName(Phase p)
{
    switch (p) {
    case Phase::Idle:
        return QStringLiteral("idle");
    case Phase::Loading:
        return QStringLiteral("loading");
    case Phase::Generating:
        return QStringLiteral("generating");
    case Phase::FetchingRemote:
        return QStringLiteral("fetching_remote");
    case Phase::WaitingForSecrets:
        return QStringLiteral("waiting_for_secrets");
    case Phase::Ready:
        return QStringLiteral("ready");
    case Phase::Failed:
        return QStringLiteral("failed");
    }
    return {};
}

void SecretKeeper::addRemoteProvider(RemoteSecretProvider *provider)
{
    m_providers.insert(provider->name(), provider);
    provider->setSecretLookup([keeper = QPointer<SecretKeeper>(this)](const QString &id) {
        return keeper ? keeper->value(id) : std::nullopt;
    });
}

RemoteSecretProvider *SecretKeeper::providerFor(const SecretSpec &spec) const
{
    return spec.source ? m_providers.value(spec.source->provider) : nullptr;
}

std::optional<QByteArray> SecretKeeper::value(const QString &secretId) const
{
    return m_values.find(secretId);
}

const InstallState::SecretRecord *SecretKeeper::record(const QString &secretId) const
{
    return m_state.secret(secretId);
}

QStringList SecretKeeper::missingRequired() const
{
    QStringList out;
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass == SecretClass::Infrastructure || !spec.required)
            continue;
        if (!m_values.contains(spec.id))
            out << spec.id;
    }
    return out;
}

QStringList SecretKeeper::missingFor(const QString &serviceId) const
{
    QStringList out;
    const ServiceSpec *svc = m_manifest.service(serviceId);
    if (!svc)
        return out;
    for (const QString &id : svc->secrets) {
        const SecretSpec *spec = m_manifest.secret(id);
        if (spec && spec->required && !m_values.contains(id))
            out << id;
    }
    return out;
}

void SecretKeeper::setPhase(Phase p)
{
    if (m_phase == p)
        return;
    m_phase = p;
    Logging::secrets()->info("secrets phase: {}", s(phaseName(p)));
    Q_EMIT phaseChanged(p);
}

void SecretKeeper::fail(const QString &reason)
{
    m_failure = reason;
    Logging::secrets()->error("{}", s(reason));
    setPhase(Phase::Failed);
    if (m_settleDone) {
        auto done = std::move(m_settleDone);
        m_settleDone = nullptr;
        done();
    }
}

void SecretKeeper::enqueue(std::function<void(std::function<void()>)> op)
{
    m_queue.push_back(std::move(op));
    if (!m_busy)
        runNext();
}

void SecretKeeper::runNext()
{
    if (m_queue.empty()) {
        m_busy = false;
        return;
    }
    m_busy = true;
    auto op = std::move(m_queue.front());
    m_queue.pop_front();
    QPointer<SecretKeeper> self(this);
    op([self] {
        if (self)
            QMetaObject::invokeMethod(
                self, [self] { self->runNext(); }, Qt::QueuedConnection);
    });
}

void SecretKeeper::saveState()
{
    if (Status st = m_state.save(); !st)
        Logging::state()->error("cannot save the install state: {}", s(st.error()));
    Q_EMIT recordsChanged();
}

void SecretKeeper::refreshRedactor()
{
    QList<QByteArray> values;
    values.reserve(m_values.size());
    m_values.forEach([&](const QString &id, QByteArrayView view) {
        const QByteArray v = view.toByteArray();
        values << v;
        // Env targets carry the value without surrounding whitespace: hide that form too.
        if (const QByteArray trimmed = v.trimmed(); trimmed.size() != v.size())
            values << trimmed;
        // A .env or config files from a remote store: each value, each file's content, is a
        // secret of its own.
        const SecretSpec *spec = m_manifest.secret(id);
        if (spec && spec->source && spec->source->shape != RemoteSource::Shape::Value) {
            const QMap<QString, QByteArray> parts = ShapedValue::parts(*spec, v);
            for (auto part = parts.cbegin(); part != parts.cend(); ++part)
                values << part.value();
        }
    });
    int ignored = 0;
    m_redactor->setSecrets(values, &ignored);
    // Copies made for the redactor, which keeps its own.
    for (QByteArray &v : values)
        wipeUnshared(v);
    if (ignored > 0)
        Logging::secrets()->warn(
            "{} secret value(s) are shorter than the redaction minimum and cannot be hidden "
            "in logs",
            ignored);
}

void SecretKeeper::start()
{
    enqueue([this](std::function<void()> done) {
        // The start sequence holds the queue until settle() so that changes made through the
        // API during start-up apply to a loaded state.
        m_settleDone = std::move(done);
        loadAll();
    });
}

void SecretKeeper::loadAll()
{
    setPhase(Phase::Loading);
    QStringList ids;
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass != SecretClass::Infrastructure)
            ids << spec.id;
    }
    if (ids.isEmpty())
        return generateMissing();
    auto pending = std::make_shared<int>(int(ids.size()));
    auto firstError = std::make_shared<QString>();
    for (const QString &id : ids) {
        m_store.read(
            id, this,
            [this, id, pending, firstError](const SecretStore::Error &e, const QByteArray &v) {
                const SecretSpec *spec = m_manifest.secret(id);
                InstallState::SecretRecord &rec = m_state.ensureSecret(id);
                rec.secretClass = spec->secretClass;
                if (e.ok()) {
                    m_values.insert(id, v);
                    if (rec.status == InstallState::SecretStatus::Missing
                        || rec.source == InstallState::SecretSource::None) {
                        // A value without a record: a rebuilt state, or an older Steward's store.
                        rec.source = InstallState::sourceFor(spec->secretClass);
                        rec.status = InstallState::SecretStatus::Configured;
                        rec.detail.clear();
                    }
                } else if (e.kind == SecretStore::ErrorKind::NotFound) {
                    if (rec.status != InstallState::SecretStatus::Missing)
                        Logging::secrets()->warn(
                            "secret {} was recorded as set but its value is gone from the "
                            "store",
                            s(id));
                    rec.status = InstallState::SecretStatus::Missing;
                    rec.source = InstallState::SecretSource::None;
                } else if (firstError->isEmpty()) {
                    *firstError = e.message;
                }
                if (--*pending > 0)
                    return;
                if (!firstError->isEmpty())
                    return fail(QStringLiteral("cannot read the secrets from %1: %2")
                                    .arg(m_store.backendName(), *firstError));
                generateMissing();
            });
    }
}

void SecretKeeper::generateMissing()
{
    QList<Write> writes;
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass != SecretClass::PerInstallGenerated || m_values.contains(spec.id)
            || !spec.generator)
            continue;
        const Result<QString> v
            = SecretGenerator::generateMatching(*spec.generator, QRegularExpression(spec.format));
        if (!v)
            return fail(QStringLiteral("cannot generate %1: %2").arg(spec.id, v.error()));
        writes.append({spec.id, v.value().toUtf8(), InstallState::SecretSource::Generated});
    }
    if (writes.isEmpty())
        return fetchRemote();
    setPhase(Phase::Generating);
    commit(writes, [this, writes](const ChangeResult &r) {
        if (!r.ok)
            return fail(QStringLiteral("cannot store the generated secrets in %1: %2")
                            .arg(m_store.backendName(), r.error));
        for (const Write &w : writes) {
            m_generatedThisRun << w.id;
            Logging::secrets()->info("generated secret {} ({} characters)", s(w.id),
                                     w.value->size());
        }
        fetchRemote();
    });
}

void SecretKeeper::settle()
{
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (spec.secretClass == SecretClass::Infrastructure)
            continue;
        InstallState::SecretRecord &rec = m_state.ensureSecret(spec.id);
        rec.secretClass = spec.secretClass;
        if (!m_values.contains(spec.id))
            rec.status = InstallState::SecretStatus::Missing;
    }
    saveState();
    refreshRedactor();
    const QStringList missing = missingRequired();
    if (!missing.isEmpty())
        Logging::secrets()->info("waiting for secrets: {}", s(missing.join(QStringLiteral(", "))));
    setPhase(missing.isEmpty() ? Phase::Ready : Phase::WaitingForSecrets);
    if (m_settleDone) {
        auto done = std::move(m_settleDone);
        m_settleDone = nullptr;
        done();
    }
}

} // namespace steward
