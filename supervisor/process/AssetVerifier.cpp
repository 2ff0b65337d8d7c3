#include "AssetVerifier.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QPointer>
#include <QRegularExpression>
#include <QTimer>

#include <memory>

namespace steward {

namespace {

struct Job
{
    QList<Asset> assets;
    QString root;
    QPointer<QObject> context;
    AssetVerifier::Handler handler;
    AssetVerifier::Outcome outcome;
    qsizetype index = 0;
    std::unique_ptr<QFile> file;
    std::unique_ptr<QCryptographicHash> hash;
};

void step(std::shared_ptr<Job> job)
{
    if (!job->context)
        return;
    auto finish = [job](bool ok, const QString &problem) {
        job->outcome.ok = ok;
        job->outcome.problem = problem;
        job->handler(job->outcome);
    };
    if (job->file) {
        const QByteArray chunk = job->file->read(1024 * 1024);
        if (!chunk.isEmpty()) {
            job->hash->addData(chunk);
            QTimer::singleShot(0, job->context, [job] { step(job); });
            return;
        }
        const Asset &a = job->assets.at(job->index);
        const QByteArray got = job->hash->result().toHex();
        job->file.reset();
        job->hash.reset();
        if (got != a.sha256.toLower().toLatin1())
            return finish(false,
                          QStringLiteral("asset %1: SHA-256 is %2, the manifest expects %3")
                              .arg(a.path, QString::fromLatin1(got), a.sha256));
        ++job->index;
    }
    static const QRegularExpression sha(QStringLiteral("^[0-9a-fA-F]{64}$"));
    while (job->index < job->assets.size()) {
        const Asset &a = job->assets.at(job->index);
        const QString path = QDir(job->root).absoluteFilePath(a.path);
        QFileInfo info(path);
        if (!info.isFile()) {
            job->outcome.missing = a.path;
            return finish(false, QStringLiteral("asset %1 is missing from the bundle").arg(a.path));
        }
        if (a.sizeBytes && !AssetVerifier::sizeAcceptable(info.size(), *a.sizeBytes))
            return finish(false,
                          QStringLiteral("asset %1 is %2 bytes, the manifest expects %3")
                              .arg(a.path)
                              .arg(info.size())
                              .arg(*a.sizeBytes));
        if (a.sizeBytes && info.size() != *a.sizeBytes)
            job->outcome.warnings << QStringLiteral(
                                         "asset %1 is %2 bytes, the manifest says %3 (within "
                                         "the tolerance)")
                                         .arg(a.path)
                                         .arg(info.size())
                                         .arg(*a.sizeBytes);
        if (a.sha256.isEmpty() || !sha.match(a.sha256).hasMatch()) {
            if (!a.sha256.isEmpty()
                && a.sha256.compare(QLatin1String("pending"), Qt::CaseInsensitive) != 0)
                job->outcome.warnings
                    << QStringLiteral(
                           "asset %1: \"%2\" is not a SHA-256, so its content was not checked")
                           .arg(a.path, a.sha256);
            ++job->index;
            continue;
        }
        job->file = std::make_unique<QFile>(path);
        if (!job->file->open(QIODevice::ReadOnly))
            return finish(false,
                          QStringLiteral("asset %1 cannot be read: %2")
                              .arg(a.path, job->file->errorString()));
        job->hash = std::make_unique<QCryptographicHash>(QCryptographicHash::Sha256);
        QTimer::singleShot(0, job->context, [job] { step(job); });
        return;
    }
    finish(true, QString());
}

} // namespace

bool AssetVerifier::sizeAcceptable(qint64 actual, qint64 expected)
{
    const qint64 slack = std::max<qint64>(expected / 20, 1024 * 1024);
    return actual <= expected + slack && actual * 2 >= expected;
}

void AssetVerifier::verify(const QList<Asset> &assets, const QString &bundleRoot, QObject *context,
                           Handler handler)
{
    auto job = std::make_shared<Job>();
    job->assets = assets;
    job->root = bundleRoot;
    job->context = context;
    job->handler = std::move(handler);
    QTimer::singleShot(0, context, [job] { step(job); });
}

} // namespace steward
