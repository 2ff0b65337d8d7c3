#pragma once

#include "manifest/JsonReader.h"
#include "manifest/Manifest.h"
#include "remote/RemoteProviderFactory.h"
#include "secrets/RemoteSecretProvider.h"

#include <QHash>
#include <QTimer>

#include <memory>

namespace steward::test {

// What the test puts in the canned store: values by name, each with a version.
struct CannedValues
{
    QHash<QString, QByteArray> values;
    QHash<QString, int> versions;
    int resets = 0; // resetAuth() calls
    QStringList fetched; // names, in the order asked
    void set(const QString &name, const QByteArray &value)
    {
        values.insert(name, value);
        versions[name] += 1;
    }
};

// A remote provider for tests only, to prove the seam: the manifest's "remote.canned" block is
// {"refresh_interval_s": n, "auth_secret": id}, a source is {"provider": "canned", "name": x},
// and the values come from a CannedValues the test holds. With an auth_secret, a fetch fails
// until that secret has a value.
class CannedProvider : public RemoteSecretProvider
{
    Q_OBJECT
public:
    CannedProvider(std::shared_ptr<CannedValues> store, QString authSecret, int intervalS,
                   QObject *parent)
        : RemoteSecretProvider(parent)
        , m_store(std::move(store))
        , m_authSecret(std::move(authSecret))
        , m_intervalS(intervalS)
    { }

    QString name() const override { return QStringLiteral("canned"); }
    void fetch(const SecretSpec &spec, QObject *context, FetchHandler handler) override
    {
        const QString name
            = QString::fromStdString(spec.source->settings.value("name", std::string()));
        // Answered later, as a real store would.
        QTimer::singleShot(0, context, [this, id = spec.id, name, handler = std::move(handler)] {
            m_store->fetched << name;
            if (!m_authSecret.isEmpty() && !lookup(m_authSecret))
                return handler({SecretStore::ErrorKind::Denied,
                                QStringLiteral("%1: waiting for %2").arg(id, m_authSecret)},
                               {}, 0);
            if (!m_store->values.contains(name))
                return handler({SecretStore::ErrorKind::NotFound,
                                QStringLiteral("%1: canned %2 has no value").arg(id, name)},
                               {}, 0);
            handler({}, m_store->values.value(name), m_store->versions.value(name));
        });
    }
    QString describe(const SecretSpec &spec) const override
    {
        return QStringLiteral("canned ")
            + QString::fromStdString(spec.source->settings.value("name", std::string()));
    }
    QStringList authSecretIds() const override
    {
        return m_authSecret.isEmpty() ? QStringList {} : QStringList {m_authSecret};
    }
    void resetAuth() override { ++m_store->resets; }
    nlohmann::json healthFields() const override { return {{"canned_resets", m_store->resets}}; }
    RefreshPolicy refreshPolicy() const override { return {m_intervalS, 0, 0}; }

private:
    std::shared_ptr<CannedValues> m_store;
    const QString m_authSecret;
    const int m_intervalS;
};

class CannedProviderFactory : public RemoteProviderFactory
{
public:
    explicit CannedProviderFactory(std::shared_ptr<CannedValues> store)
        : m_store(std::move(store))
    { }

    QString name() const override { return QStringLiteral("canned"); }
    void checkConfig(const nlohmann::json &block, const QString &path,
                     Diagnostics &out) const override
    {
        JsonReader r(out);
        r.warnUnknownKeys(block, path, {"refresh_interval_s", "auth_secret"});
        (void)r.integer(block, "refresh_interval_s", path, 1, 3600);
        (void)r.string(block, "auth_secret", path);
    }
    void checkSource(const nlohmann::json &source, const QString &path,
                     Diagnostics &out) const override
    {
        JsonReader r(out);
        r.warnUnknownKeys(source, path, {"provider", "name"});
        (void)r.string(source, "name", path, JsonReader::Need::Required, true);
    }
    QList<RemoteProviderRules::AuthReference> authSecrets(const nlohmann::json &block,
                                                          const QString &path) const override
    {
        if (!block.contains("auth_secret") || !block["auth_secret"].is_string())
            return {};
        return {{path + QStringLiteral("/auth_secret"),
                 QString::fromStdString(block["auth_secret"].get<std::string>())}};
    }
    Result<RemoteSecretProvider *> create(const Manifest &manifest, const QProcessEnvironment &,
                                          QObject *parent) const override
    {
        const nlohmann::json block
            = manifest.remote.value(QStringLiteral("canned"), nlohmann::json::object());
        const QString auth = QString::fromStdString(block.value("auth_secret", std::string()));
        const int interval = block.value("refresh_interval_s", 60);
        return Result<RemoteSecretProvider *>(new CannedProvider(m_store, auth, interval, parent));
    }

private:
    std::shared_ptr<CannedValues> m_store;
};

} // namespace steward::test
