#include "ReferenceInstallImport.h"

#include "InstallState.h"
#include "logging/Logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTimer>

#include <nlohmann/json.hpp>
#include <unistd.h>
#include <utility>

namespace steward {

namespace {

using json = nlohmann::json;

// Reads a whole JSON file. The parser's own message is never passed on: it quotes the text
// around the fault, which in secrets.json is a secret.
std::optional<json> readJson(const QString &path, QString *error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    QByteArray bytes = f.readAll();
    json doc = json::parse(bytes.cbegin(), bytes.cend(), nullptr, false);
    bytes.fill('\0');
    if (doc.is_discarded() || !doc.is_object()) {
        *error = QStringLiteral("%1 is not a JSON object").arg(path);
        return std::nullopt;
    }
    return doc;
}

// Overwrites a file with zeros, syncs it and removes it.
Status shred(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadWrite))
        return Status::failure(QStringLiteral("cannot open %1: %2").arg(path, f.errorString()));
    const QByteArray zeros(f.size(), '\0');
    if (f.write(zeros) != zeros.size() || !f.flush() || ::fsync(f.handle()) != 0)
        return Status::failure(
            QStringLiteral("cannot overwrite %1: %2").arg(path, f.errorString()));
    f.close();
    if (!f.remove())
        return Status::failure(QStringLiteral("cannot remove %1: %2").arg(path, f.errorString()));
    return {};
}

} // namespace

int ReferenceInstallImport::Report::migrationCount() const
{
    int n = 0;
    for (const QStringList &versions : migrations)
        n += int(versions.size());
    return n;
}

QString ReferenceInstallImport::sourceDirFor(const QString &appName)
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericConfigLocation)
        + QLatin1Char('/') + appName;
}

bool ReferenceInstallImport::applies(const InstallState &state, const QString &sourceDir)
{
    // A recovered state with nothing moved aside had no state.json, only the install id: an
    // earlier run that stopped before saving any state (an import that failed, say).
    const bool noStateYet
        = state.isNewInstall() || (state.recovered() && state.recoveredFrom().isEmpty());
    const QDir dir(sourceDir);
    return noStateYet
        && (dir.exists(QStringLiteral("secrets.json"))
            || dir.exists(QStringLiteral("migrations.json")));
}

ReferenceInstallImport::ReferenceInstallImport(const Manifest &manifest, InstallState &state,
                                               SecretStore &store, const QString &sourceDir,
                                               QObject *parent)
    : QObject(parent)
    , m_manifest(manifest)
    , m_state(state)
    , m_store(store)
{
    m_report.sourceDir = QDir(sourceDir).absolutePath();
}

ReferenceInstallImport::~ReferenceInstallImport()
{
    for (QByteArray &v : m_values)
        v.fill('\0');
}

QString ReferenceInstallImport::secretsFile() const
{
    return m_report.sourceDir + QStringLiteral("/secrets.json");
}

QString ReferenceInstallImport::migrationsFile() const
{
    return m_report.sourceDir + QStringLiteral("/migrations.json");
}

void ReferenceInstallImport::run(Handler done)
{
    m_done = std::move(done);
    // Everything is read and checked before the store is touched.
    if (!readSecrets() || !readMigrations())
        return;
    QTimer::singleShot(0, this, [this] { storeNext(0); });
}

bool ReferenceInstallImport::readSecrets()
{
    if (!QFileInfo::exists(secretsFile()))
        return true;
    QString error;
    std::optional<json> doc = readJson(secretsFile(), &error);
    if (!doc) {
        fail(error);
        return false;
    }
    // {"secrets": {"<id>": "<value>"}}, or the older flat {"<id>": "<value>"}.
    json &map
        = doc->contains("secrets") && (*doc)["secrets"].is_object() ? (*doc)["secrets"] : *doc;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const QString id = QString::fromStdString(it.key());
        if (!it->is_string()) {
            fail(QStringLiteral("%1: the value of %2 is not a string").arg(secretsFile(), id));
            return false;
        }
        std::string &value = it->get_ref<std::string &>();
        const SecretSpec *spec = m_manifest.secret(id);
        if (!spec)
            m_report.unknown << id;
        else if (spec->secretClass == SecretClass::Infrastructure)
            m_report.refused << id;
        else if (!QByteArray::fromStdString(value).trimmed().isEmpty())
            m_values.insert(id, QByteArray::fromStdString(value));
        // The Vrooli runtime counts a blank value as none: there is nothing to keep.
        std::fill(value.begin(), value.end(), '\0');
    }
    for (const SecretSpec &spec : m_manifest.secrets) {
        if (m_values.contains(spec.id))
            m_report.imported << spec.id;
    }
    return true;
}

bool ReferenceInstallImport::readMigrations()
{
    if (!QFileInfo::exists(migrationsFile()))
        return true;
    QString error;
    const std::optional<json> doc = readJson(migrationsFile(), &error);
    if (!doc) {
        fail(error);
        return false;
    }
    if (auto v = doc->find("app_version"); v != doc->end() && v->is_string())
        m_report.previousAppVersion = QString::fromStdString(v->get<std::string>());
    const auto applied = doc->find("applied");
    if (applied == doc->end())
        return true;
    if (!applied->is_object()) {
        fail(QStringLiteral("%1: \"applied\" is not an object").arg(migrationsFile()));
        return false;
    }
    for (auto it = applied->begin(); it != applied->end(); ++it) {
        if (!it->is_array()) {
            fail(QStringLiteral("%1: the migrations of %2 are not a list")
                     .arg(migrationsFile(), QString::fromStdString(it.key())));
            return false;
        }
        QStringList versions;
        for (const json &v : *it)
            versions << (v.is_string() ? QString::fromStdString(v.get<std::string>())
                                       : QString::fromStdString(v.dump()));
        if (!versions.isEmpty())
            m_report.migrations.insert(QString::fromStdString(it.key()), versions);
    }
    return true;
}

void ReferenceInstallImport::storeNext(qsizetype index)
{
    if (index >= m_report.imported.size())
        return finish();
    // An id the store already holds (an earlier import that stopped half-way) must hold the same
    // value; anything else is Steward's own and is not overwritten.
    const QString id = m_report.imported.at(index);
    m_store.read(id, this, [this, id, index](const SecretStore::Error &e, const QByteArray &held) {
        if (e.ok()) {
            if (held != m_values.value(id))
                return fail(QStringLiteral("the secret store (%1) already holds another value "
                                           "for %2, so %3 was left as it is; run with --no-import "
                                           "to start without it")
                                .arg(m_store.backendName(), id, secretsFile()));
            return storeNext(index + 1);
        }
        if (e.kind != SecretStore::ErrorKind::NotFound)
            return fail(QStringLiteral("cannot import %1 from %2 into %3: %4")
                            .arg(id, secretsFile(), m_store.backendName(), e.message),
                        true);
        m_store.write(id, m_values.value(id), this, [this, id, index](const SecretStore::Error &w) {
            if (!w.ok())
                return fail(QStringLiteral("cannot import %1 from %2 into %3: %4")
                                .arg(id, secretsFile(), m_store.backendName(), w.message),
                            true);
            confirm(index);
        });
    });
}

void ReferenceInstallImport::confirm(qsizetype index)
{
    const QString id = m_report.imported.at(index);
    m_store.read(id, this, [this, id, index](const SecretStore::Error &e, const QByteArray &held) {
        if (!e.ok() || held != m_values.value(id))
            return fail(QStringLiteral("%1 did not give %2 back as imported from %3%4")
                            .arg(m_store.backendName(), id, secretsFile(),
                                 e.ok() ? QString() : QStringLiteral(": ") + e.message),
                        !e.ok());
        storeNext(index + 1);
    });
}

void ReferenceInstallImport::finish()
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const QString &id : std::as_const(m_report.imported)) {
        const SecretSpec *spec = m_manifest.secret(id);
        InstallState::SecretRecord &rec = m_state.ensureSecret(id);
        rec.secretClass = spec->secretClass;
        rec.source = InstallState::sourceFor(spec->secretClass);
        rec.status = InstallState::SecretStatus::Configured;
        rec.detail.clear();
        rec.updatedAt = now;
        rec.version = std::max(rec.version, 1);
    }
    for (auto it = m_report.migrations.cbegin(); it != m_report.migrations.cend(); ++it) {
        for (const QString &version : *it)
            m_state.markMigrationRun(it.key(), version);
    }
    m_state.continueEarlierInstall(m_report.previousAppVersion);
    if (Status st = m_state.save(); !st)
        return fail(QStringLiteral("cannot record the import from %1: %2")
                        .arg(m_report.sourceDir, st.error()));

    auto log = Logging::secrets();
    log->info("imported {} secret(s) from {} into {}: {}", m_report.imported.size(),
              secretsFile().toStdString(), m_store.backendName().toStdString(),
              m_report.imported.join(QStringLiteral(", ")).toStdString());
    if (!m_report.unknown.isEmpty())
        log->info("not imported from {} (not declared by the manifest): {}",
                  secretsFile().toStdString(),
                  m_report.unknown.join(QStringLiteral(", ")).toStdString());
    if (!m_report.refused.isEmpty())
        log->info("not imported from {} (infrastructure secrets are never stored): {}",
                  secretsFile().toStdString(),
                  m_report.refused.join(QStringLiteral(", ")).toStdString());
    if (QFileInfo::exists(secretsFile())) {
        if (Status st = shred(secretsFile()); st) {
            m_report.plaintextRemoved = true;
        } else {
            m_report.warning
                = QStringLiteral("the secrets were imported, but the plaintext file could not be "
                                 "removed (%1); delete it by hand")
                      .arg(st.error());
            log->warn("{}", m_report.warning.toStdString());
        }
    }
    for (QByteArray &v : m_values)
        v.fill('\0');
    m_values.clear();
    if (m_done)
        std::exchange(m_done, nullptr)(m_report);
}

void ReferenceInstallImport::fail(const QString &error, bool storeFailed)
{
    m_report.error = error;
    m_report.storeFailed = storeFailed;
    Logging::secrets()->error("{}", error.toStdString());
    for (QByteArray &v : m_values)
        v.fill('\0');
    m_values.clear();
    if (!m_done)
        return;
    // Always later, as the store's answers are: the caller may still be inside run().
    QTimer::singleShot(0, this, [this, done = std::exchange(m_done, nullptr)] { done(m_report); });
}

} // namespace steward
