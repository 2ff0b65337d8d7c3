#include "InstallState.h"

#include "SecretGenerator.h"
#include "core/AtomicFile.h"
#include "logging/Logging.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <nlohmann/json.hpp>

namespace steward {

namespace {

using json = nlohmann::json;

constexpr int FormatVersion = 1;

QString fromJson(const json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                            : QString();
}

bool isUuid(const QString &s)
{
    static const QRegularExpression re(
        QStringLiteral("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
    return re.match(s).hasMatch();
}

InstallState::SecretSource sourceFrom(const QString &s)
{
    if (s == QLatin1String("generated"))
        return InstallState::SecretSource::Generated;
    if (s == QLatin1String("user_provided"))
        return InstallState::SecretSource::UserProvided;
    if (s == QLatin1String("remote"))
        return InstallState::SecretSource::Remote;
    return InstallState::SecretSource::None;
}

InstallState::SecretStatus statusFrom(const QString &s)
{
    if (s == QLatin1String("configured"))
        return InstallState::SecretStatus::Configured;
    if (s == QLatin1String("invalid"))
        return InstallState::SecretStatus::Invalid;
    if (s == QLatin1String("stale"))
        return InstallState::SecretStatus::Stale;
    return InstallState::SecretStatus::Missing;
}

// The manifest's word for a class ("user_prompt"); none for "" or a word it does not have.
std::optional<SecretClass> classFrom(const QString &s)
{
    for (SecretClass c : {SecretClass::Infrastructure, SecretClass::PerInstallGenerated,
                          SecretClass::UserPrompt, SecretClass::RemoteFetch}) {
        if (s == enumName(c))
            return c;
    }
    return std::nullopt;
}

} // namespace

QString InstallState::sourceName(SecretSource s)
{
    switch (s) {
    case SecretSource::None:
        return QStringLiteral("none");
    case SecretSource::Generated:
        return QStringLiteral("generated");
    case SecretSource::UserProvided:
        return QStringLiteral("user_provided");
    case SecretSource::Remote:
        return QStringLiteral("remote");
    }
    return {};
}

QString InstallState::statusName(SecretStatus s)
{
    switch (s) {
    case SecretStatus::Missing:
        return QStringLiteral("missing");
    case SecretStatus::Configured:
        return QStringLiteral("configured");
    case SecretStatus::Invalid:
        return QStringLiteral("invalid");
    case SecretStatus::Stale:
        return QStringLiteral("stale");
    }
    return {};
}

const InstallState::SecretRecord *InstallState::secret(const QString &id) const
{
    const auto it = m_secrets.constFind(id);
    return it == m_secrets.cend() ? nullptr : &*it;
}

InstallState::SecretRecord *InstallState::secret(const QString &id)
{
    const auto it = m_secrets.find(id);
    return it == m_secrets.end() ? nullptr : &*it;
}

QString InstallState::path() const
{
    return m_dir + QStringLiteral("/state.json");
}

void InstallState::markMigrationRun(const QString &serviceId, const QString &version)
{
    QStringList &done = m_migrations[serviceId];
    if (!done.contains(version))
        done << version;
}

Result<InstallState> InstallState::load(const QString &appDataDir)
{
    auto log = Logging::state();
    if (Status s = AtomicFile::ensureDirectory(appDataDir, 0700, AtomicFile::Links::Follow); !s)
        return Result<InstallState>::failure(s.error());

    InstallState st;
    st.m_dir = QDir(appDataDir).absolutePath();

    // The install id also lives in its own small file: the keychain items are keyed by it, so
    // it must survive a corrupt state.json.
    const QString idPath = st.m_dir + QStringLiteral("/install-id");
    QFile idFile(idPath);
    QString idFromFile;
    if (idFile.open(QIODevice::ReadOnly))
        idFromFile = QString::fromLatin1(idFile.readAll()).trimmed();

    QFile file(st.path());
    if (!file.exists()) {
        st.m_newInstall = idFromFile.isEmpty();
        st.m_installId = isUuid(idFromFile) ? idFromFile : SecretGenerator::uuidV4();
        st.m_createdAt = QDateTime::currentDateTimeUtc();
        st.m_recovered = !idFromFile.isEmpty(); // state lost but the install existed: rebuild
    } else {
        if (!file.open(QIODevice::ReadOnly))
            return Result<InstallState>::failure(
                QStringLiteral("cannot read %1: %2").arg(st.path(), file.errorString()));
        const QByteArray bytes = file.readAll();
        file.close();
        QString problem;
        json j;
        try {
            j = json::parse(bytes.cbegin(), bytes.cend());
            if (!j.is_object() || !j.contains("install_id") || !j.contains("secrets")
                || !j["secrets"].is_object())
                problem = QStringLiteral("it does not have Steward's state layout");
            else if (!isUuid(fromJson(j, "install_id")))
                problem = QStringLiteral("its install id is not a UUID");
        } catch (const json::exception &e) {
            problem = QString::fromUtf8(e.what());
        }
        if (problem.isEmpty()) {
            st.m_installId = fromJson(j, "install_id");
            st.m_previousAppVersion = fromJson(j, "app_version");
            st.m_appVersion = st.m_previousAppVersion;
            st.m_createdAt = QDateTime::fromString(fromJson(j, "created_at"), Qt::ISODate);
            for (auto it = j["secrets"].begin(); it != j["secrets"].end(); ++it) {
                if (!it->is_object())
                    continue;
                SecretRecord r;
                r.secretClass = classFrom(fromJson(*it, "class"));
                r.source = sourceFrom(fromJson(*it, "source"));
                r.status = statusFrom(fromJson(*it, "status"));
                r.updatedAt = QDateTime::fromString(fromJson(*it, "updated_at"), Qt::ISODate);
                r.version = it->value("version", 0);
                r.detail = fromJson(*it, "detail");
                for (const json &v : it->value("history", json::array())) {
                    if (!v.is_object() || !v.value("version", json()).is_number_integer())
                        continue;
                    r.history.append(
                        {v["version"].get<int>(), fromJson(v, "source"), fromJson(v, "actor"),
                         QDateTime::fromString(fromJson(v, "created_at"), Qt::ISODate)});
                }
                st.m_secrets.insert(QString::fromStdString(it.key()), r);
            }
            if (j.contains("migrations") && j["migrations"].is_object()) {
                for (auto it = j["migrations"].begin(); it != j["migrations"].end(); ++it) {
                    QStringList versions;
                    for (const json &v : *it) {
                        if (v.is_string())
                            versions << QString::fromStdString(v.get<std::string>());
                    }
                    st.m_migrations.insert(QString::fromStdString(it.key()), versions);
                }
            }
        } else {
            const QString aside = st.path() + QStringLiteral(".corrupt-")
                + QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
            QFile::remove(aside);
            if (!QFile::rename(st.path(), aside))
                return Result<InstallState>::failure(
                    QStringLiteral("%1 is corrupt (%2) and cannot be moved aside")
                        .arg(st.path(), problem));
            log->warn("state file {} is corrupt ({}); moved it to {} and rebuilding the state from "
                      "the secret store",
                      st.path().toStdString(), problem.toStdString(), aside.toStdString());
            st.m_recovered = true;
            st.m_recoveredFrom = aside;
            st.m_installId = isUuid(idFromFile) ? idFromFile : SecretGenerator::uuidV4();
            st.m_newInstall = idFromFile.isEmpty();
            st.m_createdAt = QDateTime::currentDateTimeUtc();
        }
    }
    if (idFromFile != st.m_installId) {
        if (Status s = AtomicFile::write(idPath, st.m_installId.toLatin1() + '\n', 0600); !s)
            return Result<InstallState>::failure(s.error());
    }
    return st;
}

Status InstallState::save() const
{
    json secrets = json::object();
    for (auto it = m_secrets.cbegin(); it != m_secrets.cend(); ++it) {
        json r {{"class", it->secretClass ? enumName(*it->secretClass).toStdString() : ""},
                {"source", sourceName(it->source).toStdString()},
                {"status", statusName(it->status).toStdString()},
                {"version", it->version}};
        r["updated_at"] = it->updatedAt.isValid()
            ? json(it->updatedAt.toUTC().toString(Qt::ISODateWithMs).toStdString())
            : json(nullptr);
        if (!it->detail.isEmpty())
            r["detail"] = it->detail.toStdString();
        if (!it->history.isEmpty()) {
            json history = json::array();
            for (const SecretVersion &v : it->history)
                history.push_back(
                    {{"version", v.number},
                     {"source", v.source.toStdString()},
                     {"actor", v.actor.toStdString()},
                     {"created_at",
                      v.createdAt.toUTC().toString(Qt::ISODateWithMs).toStdString()}});
            r["history"] = history;
        }
        secrets[it.key().toStdString()] = r;
    }
    json migrations = json::object();
    for (auto it = m_migrations.cbegin(); it != m_migrations.cend(); ++it) {
        json list = json::array();
        for (const QString &v : *it)
            list.push_back(v.toStdString());
        migrations[it.key().toStdString()] = list;
    }
    const json doc {{"format", FormatVersion},
                    {"install_id", m_installId.toStdString()},
                    {"app_version", m_appVersion.toStdString()},
                    {"created_at", m_createdAt.toUTC().toString(Qt::ISODate).toStdString()},
                    {"secrets", secrets},
                    {"migrations", migrations}};
    return AtomicFile::write(path(), QByteArray::fromStdString(doc.dump(2)) + '\n', 0600);
}

InstallState::SecretSource InstallState::sourceFor(SecretClass c)
{
    switch (c) {
    case SecretClass::PerInstallGenerated:
        return SecretSource::Generated;
    case SecretClass::UserPrompt:
        return SecretSource::UserProvided;
    case SecretClass::RemoteFetch:
        return SecretSource::Remote;
    case SecretClass::Infrastructure:
        break;
    }
    return SecretSource::None;
}

} // namespace steward
