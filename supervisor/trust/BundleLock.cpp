#include "BundleLock.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <nlohmann/json.hpp>

namespace steward {

namespace {

constexpr int LockVersion = 1;

bool isLockFile(const QString &relative)
{
    return relative == QLatin1String(BundleLock::FileName)
        || relative == QLatin1String(BundleLock::SignatureFileName);
}

bool isHex64(const std::string &s)
{
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

} // namespace

Result<BundleLock::Entry> BundleLock::hashFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Result<Entry>::failure(
            QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&f))
        return Result<Entry>::failure(
            QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    return Entry {hash.result().toHex(), f.size()};
}

Result<BundleLock> BundleLock::create(const QString &bundleRoot, const QString &manifestPath)
{
    const QDir root(bundleRoot);
    if (!root.exists())
        return Result<BundleLock>::failure(QStringLiteral("%1 is not a directory").arg(bundleRoot));
    BundleLock lock;
    QDirIterator it(root.absolutePath(), QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = root.relativeFilePath(path);
        if (isLockFile(relative))
            continue;
        Result<Entry> e = hashFile(path);
        if (!e)
            return Result<BundleLock>::failure(e.error());
        lock.m_files.insert(relative, e.value());
    }
    const QString manifestRelative
        = root.relativeFilePath(QFileInfo(manifestPath).absoluteFilePath());
    if (manifestRelative.startsWith(QLatin1String("../"))) {
        Result<Entry> e = hashFile(manifestPath);
        if (!e)
            return Result<BundleLock>::failure(e.error());
        lock.m_manifest = QFileInfo(manifestPath).fileName();
        lock.m_files.insert(lock.m_manifest, e.value());
    } else {
        lock.m_manifest = manifestRelative;
    }
    if (!lock.m_files.contains(lock.m_manifest))
        return Result<BundleLock>::failure(
            QStringLiteral("the manifest %1 is not a readable file").arg(manifestPath));
    return lock;
}

QStringList BundleLock::differences(const QString &bundleRoot, const QString &manifestPath) const
{
    QStringList out;
    const Result<BundleLock> now = create(bundleRoot, manifestPath);
    if (!now)
        return {now.error()};
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        const Entry *e = now->entry(it.key());
        if (!e)
            out << QStringLiteral("removed: %1").arg(it.key());
        else if (*e != it.value())
            out << QStringLiteral("changed: %1").arg(it.key());
    }
    for (auto it = now->m_files.cbegin(); it != now->m_files.cend(); ++it) {
        if (!m_files.contains(it.key()))
            out << QStringLiteral("added: %1").arg(it.key());
    }
    return out;
}

QByteArray BundleLock::toBytes() const
{
    nlohmann::json files = nlohmann::json::object();
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it)
        files[it.key().toStdString()]
            = {{"sha256", it.value().sha256.toStdString()}, {"size", it.value().size}};
    const nlohmann::json doc = {{"lock_version", LockVersion},
                                {"algorithm", "sha256"},
                                {"manifest", m_manifest.toStdString()},
                                {"files", files}};
    return QByteArray::fromStdString(doc.dump(2) + "\n");
}

Result<BundleLock> BundleLock::parse(const QByteArray &text)
{
    using R = Result<BundleLock>;
    const nlohmann::json doc = nlohmann::json::parse(text.toStdString(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        return R::failure(QStringLiteral("it is not a JSON object"));
    if (doc.value("lock_version", 0) != LockVersion)
        return R::failure(QStringLiteral("lock_version is not %1").arg(LockVersion));
    if (doc.value("algorithm", std::string()) != "sha256")
        return R::failure(QStringLiteral("algorithm is not sha256"));
    const auto manifest = doc.find("manifest");
    const auto files = doc.find("files");
    if (manifest == doc.end() || !manifest->is_string() || files == doc.end()
        || !files->is_object())
        return R::failure(QStringLiteral("it lacks the manifest or the files"));
    BundleLock lock;
    lock.m_manifest = QString::fromStdString(manifest->get<std::string>());
    for (auto it = files->begin(); it != files->end(); ++it) {
        const nlohmann::json &e = it.value();
        const QString path = QString::fromStdString(it.key());
        if (!e.is_object() || !e.contains("sha256") || !e["sha256"].is_string()
            || !isHex64(e["sha256"].get<std::string>()) || !e.contains("size")
            || !e["size"].is_number_unsigned())
            return R::failure(QStringLiteral("the entry of %1 is not a sha256 and size").arg(path));
        if (path.isEmpty() || QDir::isAbsolutePath(path) || QDir::cleanPath(path) != path
            || path.startsWith(QLatin1String("../")))
            return R::failure(QStringLiteral("%1 is not a path inside the bundle").arg(path));
        lock.m_files.insert(path,
                            Entry {QByteArray::fromStdString(e["sha256"].get<std::string>()),
                                   e["size"].get<qint64>()});
    }
    if (!lock.m_files.contains(lock.m_manifest))
        return R::failure(QStringLiteral("the manifest %1 has no entry").arg(lock.m_manifest));
    return lock;
}

Result<BundleLock> BundleLock::load(const QString &path)
{
    QFile f(path);
    if (!f.exists())
        return Result<BundleLock>::failure(QStringLiteral("%1 does not exist").arg(path));
    if (!f.open(QIODevice::ReadOnly))
        return Result<BundleLock>::failure(
            QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
    Result<BundleLock> lock = parse(f.readAll());
    if (!lock)
        return Result<BundleLock>::failure(
            QStringLiteral("%1 is not a bundle lock: %2").arg(path, lock.error()));
    return lock;
}

const BundleLock::Entry *BundleLock::entry(const QString &relativePath) const
{
    const auto it = m_files.constFind(relativePath);
    return it == m_files.cend() ? nullptr : &it.value();
}

} // namespace steward
