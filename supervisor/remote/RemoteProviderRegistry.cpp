#include "RemoteProviderRegistry.h"

#include "manifest/JsonReader.h"
#include "manifest/Manifest.h"
#include "secrets/RemoteSecretProvider.h"
#include "vault/VaultProviderFactory.h"

namespace steward {

namespace {

// Every provider built into Steward: one line each.
void registerBuiltIns(RemoteProviderRegistry &registry)
{
    registry.add(std::make_shared<VaultProviderFactory>());
}

} // namespace

const RemoteProviderRegistry &RemoteProviderRegistry::builtIn()
{
    static const RemoteProviderRegistry registry = [] {
        RemoteProviderRegistry r;
        registerBuiltIns(r);
        return r;
    }();
    return registry;
}

void RemoteProviderRegistry::add(std::shared_ptr<const RemoteProviderFactory> factory)
{
    const QString name = factory->name();
    std::erase_if(m_factories, [&name](const auto &f) { return f->name() == name; });
    m_factories.push_back(std::move(factory));
}

const RemoteProviderFactory *RemoteProviderRegistry::factory(const QString &name) const
{
    for (const auto &f : m_factories) {
        if (f->name() == name)
            return f.get();
    }
    return nullptr;
}

QStringList RemoteProviderRegistry::providerNames() const
{
    QStringList names;
    for (const auto &f : m_factories)
        names << f->name();
    return names;
}

void RemoteProviderRegistry::checkConfig(const QString &provider, const nlohmann::json &block,
                                         const QString &path, Diagnostics &out) const
{
    if (const RemoteProviderFactory *f = factory(provider))
        f->checkConfig(block, path, out);
}

void RemoteProviderRegistry::checkSource(const QString &provider, const nlohmann::json &source,
                                         const QString &path, Diagnostics &out) const
{
    if (const RemoteProviderFactory *f = factory(provider))
        f->checkSource(source, path, out);
}

QList<RemoteProviderRules::AuthReference>
RemoteProviderRegistry::authSecrets(const QString &provider, const nlohmann::json &block) const
{
    const RemoteProviderFactory *f = factory(provider);
    return f ? f->authSecrets(block,
                              JsonReader::child(QStringLiteral("/remote"), provider.toStdString()))
             : QList<AuthReference> {};
}

RemoteProviderRegistry::Created RemoteProviderRegistry::createFor(const Manifest &manifest,
                                                                  const QProcessEnvironment &env,
                                                                  QObject *parent) const
{
    Created out;
    QStringList wanted;
    for (const SecretSpec *spec : manifest.secretsOf(SecretClass::RemoteFetch)) {
        if (spec->source && !wanted.contains(spec->source->provider))
            wanted << spec->source->provider;
    }
    for (const QString &name : wanted) {
        const RemoteProviderFactory *f = factory(name);
        if (!f) {
            out.errors << QStringLiteral("no remote provider is named %1").arg(name);
            continue;
        }
        Result<RemoteSecretProvider *> made = f->create(manifest, env, parent);
        if (made)
            out.providers << made.value();
        else
            out.errors << made.error();
    }
    return out;
}

} // namespace steward
