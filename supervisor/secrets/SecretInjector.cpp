#include "SecretInjector.h"

#include "SecretKeeper.h"
#include "core/AtomicFile.h"

#include <QDir>
#include <QFileInfo>

namespace steward {

SecretInjector::SecretInjector(const QString &appDataDir)
    : m_root(QDir(appDataDir).absoluteFilePath(QStringLiteral("runtime/secrets")))
{ }

QString SecretInjector::directoryFor(const QString &serviceId) const
{
    return m_root + QLatin1Char('/') + serviceId;
}

Result<QMap<QString, QString>> SecretInjector::prepare(const Manifest &manifest,
                                                       const ServiceSpec &service,
                                                       const SecretKeeper &keeper) const
{
    using R = Result<QMap<QString, QString>>;
    QMap<QString, QString> env;
    const QString base = directoryFor(service.id);
    bool dirReady = false;
    for (const QString &id : service.secrets) {
        const SecretSpec *spec = manifest.secret(id);
        const std::optional<QByteArray> value = keeper.value(id);
        if (!spec || !value)
            continue;
        if (spec->target.type == SecretTarget::Type::Env) {
            // As the reference runtime does, surrounding whitespace (a pasted newline) goes.
            env.insert(spec->target.name, QString::fromUtf8(*value).trimmed());
            continue;
        }
        const QString path = QDir::cleanPath(base + QLatin1Char('/') + spec->target.name);
        if (!path.startsWith(base + QLatin1Char('/')))
            return R::failure(QStringLiteral("secret %1: file target %2 would be outside %3")
                                  .arg(id, spec->target.name, base));
        if (!dirReady) {
            if (Status s = AtomicFile::ensureDirectory(m_root, 0700); !s)
                return R::failure(s.error());
            if (Status s = AtomicFile::ensureDirectory(base, 0700); !s)
                return R::failure(s.error());
            dirReady = true;
        }
        const QString parent = QFileInfo(path).absolutePath();
        if (Status s = AtomicFile::ensureDirectory(parent, 0700); !s)
            return R::failure(QStringLiteral("secret %1: %2").arg(id, s.error()));
        // A directory on the way that is a symlink could point anywhere: refuse it.
        const QString realParent = QFileInfo(parent).canonicalFilePath();
        const QString realBase = QFileInfo(base).canonicalFilePath();
        if (realParent != realBase && !realParent.startsWith(realBase + QLatin1Char('/')))
            return R::failure(
                QStringLiteral("secret %1: %2 leads outside %3").arg(id, parent, base));
        if (Status s = AtomicFile::write(path, *value, spec->target.fileMode); !s)
            return R::failure(QStringLiteral("secret %1: %2").arg(id, s.error()));
        env.insert(secretFileEnvName(id), path);
        env.insert(referenceSecretFileEnvName(id), path); // the reference runtime's name
    }
    return env;
}

void SecretInjector::removeFor(const QString &serviceId) const
{
    QDir(directoryFor(serviceId)).removeRecursively();
}

void SecretInjector::removeAll() const
{
    QDir(m_root).removeRecursively();
}

} // namespace steward
