#include "SecretInjector.h"

#include "AuditTrail.h"
#include "ConfigFiles.h"
#include "EnvFile.h"
#include "SecretKeeper.h"
#include "core/AtomicFile.h"
#include "core/SafeFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace steward {

namespace {
// A planted link is removed itself: removeRecursively() would empty the directory it points to.
void removeTree(const QString &dir)
{
    if (QFileInfo(dir).isSymLink())
        QFile::remove(dir);
    else
        QDir(dir).removeRecursively();
}
} // namespace

SecretInjector::SecretInjector(const QString &appDataDir, const QString &privateDir)
    : m_root(QDir(privateDir.isEmpty() ? appDataDir : privateDir)
                 .absoluteFilePath(QStringLiteral("runtime/secrets")))
    , m_shownRoot(QDir(appDataDir).absoluteFilePath(QStringLiteral("runtime/secrets")))
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
    QStringList injected;
    for (const QString &id : service.secrets) {
        const SecretSpec *spec = manifest.secret(id);
        const std::optional<QByteArray> value = keeper.value(id);
        if (!spec || !value)
            continue;
        if (spec->source && spec->source->shape == RemoteSource::Shape::Env) {
            // Each key of the .env, as the source's keys or prefix select them.
            const Result<EnvFile> file = EnvFile::parse(*value);
            if (!file)
                return R::failure(QStringLiteral("secret %1: %2").arg(id, file.error()));
            for (const EnvFile::Entry &e : file->entries()) {
                if (spec->source->takes(e.key))
                    env.insert(e.key, QString::fromUtf8(e.value));
            }
            continue;
        }
        if (spec->target.type == SecretTarget::Type::Env) {
            // As the reference runtime does, surrounding whitespace (a pasted newline) goes.
            env.insert(spec->target.name, QString::fromUtf8(*value).trimmed());
            injected << id;
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
        const QString relative = path.mid(base.size() + 1);
        const QString shown = m_shownRoot + path.mid(m_root.size());
        if (spec->target.type == SecretTarget::Type::Dir) {
            // A deployment's config files, each at its confined path with its own mode.
            const Result<ConfigFiles> files = ConfigFiles::parse(*value);
            if (!files)
                return R::failure(QStringLiteral("secret %1: %2").arg(id, files.error()));
            removeTree(path); // a file the new set no longer has goes
            for (const ConfigFiles::File &f : files->files()) {
                // From the descriptor of the verified directory down, as below.
                if (Status s
                    = SafeFile::writeBeneath(base, relative + u'/' + f.path, f.content, f.mode);
                    !s)
                    return R::failure(QStringLiteral("secret %1: %2").arg(id, s.error()));
            }
            env.insert(secretDirEnvName(id), shown);
            env.insert(referenceSecretDirEnvName(id), shown);
            injected << id;
            continue;
        }
        // From the descriptor of the verified directory down: a directory on the way that is a
        // symlink could point anywhere, and is refused.
        if (Status s = SafeFile::writeBeneath(base, relative, *value, spec->target.fileMode); !s)
            return R::failure(QStringLiteral("secret %1: %2").arg(id, s.error()));
        env.insert(secretFileEnvName(id), shown);
        env.insert(referenceSecretFileEnvName(id), shown); // the reference runtime's name
        injected << id;
    }
    // Only once every secret is in place: a start that fails here hands the service nothing.
    if (AuditTrail *audit = keeper.auditTrail()) {
        for (const QString &id : std::as_const(injected))
            audit->record({QStringLiteral("steward"), QStringLiteral("injected"), id, service.id,
                           QStringLiteral("ok")});
    }
    return env;
}

void SecretInjector::removeFor(const QString &serviceId) const
{
    removeTree(directoryFor(serviceId));
}

void SecretInjector::removeAll() const
{
    removeTree(m_root);
}

} // namespace steward
