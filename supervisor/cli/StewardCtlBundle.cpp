#include "StewardCtl.h"
#include "core/AtomicFile.h"
#include "manifest/ManifestLoader.h"
#include "remote/RemoteProviderRegistry.h"
#include "trust/BundleLock.h"
#include "trust/BundleSignature.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QFileInfo>

// stewardctl's commands that lock, sign and verify a bundle.
namespace steward {

namespace {

// The bundle directory and its manifest, from a command's positional argument and --manifest.
struct BundleArgs
{
    QString root;
    QString manifest;
};

std::optional<BundleArgs> bundleArgs(const QCommandLineParser &parser,
                                     const QCommandLineOption &manifestOpt, const char *command,
                                     QTextStream &err)
{
    if (parser.positionalArguments().size() != 1) {
        err << "stewardctl " << command << ": expected exactly one BUNDLE_DIR\n";
        return std::nullopt;
    }
    const QString root = parser.positionalArguments().first();
    if (!QFileInfo(root).isDir()) {
        err << "stewardctl " << command << ": " << root << " is not a directory\n";
        return std::nullopt;
    }
    return BundleArgs {root,
                       parser.isSet(manifestOpt)
                           ? parser.value(manifestOpt)
                           : QDir(root).filePath(QStringLiteral("bundle.json"))};
}

QCommandLineOption manifestOption()
{
    return QCommandLineOption(QStringLiteral("manifest"),
                              QStringLiteral("The manifest (default: BUNDLE_DIR/bundle.json)."),
                              QStringLiteral("PATH"));
}

} // namespace

int StewardCtl::keygen(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Makes an Ed25519 key pair for signing bundles: KEY (the private key, PEM, mode 0600; "
        "keep it out of the bundle and out of version control) and KEY.pub (the public key that "
        "the package installs with Steward). Never overwrites a key."));
    parser.addPositionalArgument(QStringLiteral("KEY"), QStringLiteral("The private key file."));
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1) {
        m_err << "stewardctl keygen: expected exactly one KEY\n";
        return Usage;
    }
    const QString key = parser.positionalArguments().first();
    const QString pub = key + QStringLiteral(".pub");
    for (const QString &path : {key, pub}) {
        if (QFileInfo::exists(path)) {
            m_err << "stewardctl keygen: " << path << " exists; it is not overwritten\n";
            return Invalid;
        }
    }
    const Result<BundleSignature::KeyPair> pair = BundleSignature::generate();
    if (!pair) {
        m_err << "stewardctl keygen: " << pair.error() << "\n";
        return Invalid;
    }
    if (Status st = AtomicFile::write(key, pair->privatePem, 0600); !st) {
        m_err << "stewardctl keygen: " << st.error() << "\n";
        return Unreadable;
    }
    if (Status st = AtomicFile::write(pub, pair->publicPem, 0644); !st) {
        m_err << "stewardctl keygen: " << st.error() << "\n";
        return Unreadable;
    }
    m_out << "Wrote the private key " << key << " and the public key " << pub << ".\n";
    return Ok;
}

int StewardCtl::lock(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Writes BUNDLE_DIR/bundle.lock: the SHA-256 and size of the manifest and of every file "
        "under BUNDLE_DIR. Steward then runs a program of the bundle only while it matches, and "
        "no program outside the bundle. An earlier signature no longer applies and is "
        "removed; sign again after locking."));
    parser.addPositionalArgument(QStringLiteral("BUNDLE_DIR"),
                                 QStringLiteral("The bundle's root directory."));
    const QCommandLineOption manifestOpt = manifestOption();
    parser.addOption(manifestOpt);
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    const std::optional<BundleArgs> bundle = bundleArgs(parser, manifestOpt, "lock", m_err);
    if (!bundle)
        return Usage;
    const ManifestLoadResult loaded
        = ManifestLoader::loadFile(bundle->manifest, &RemoteProviderRegistry::builtIn());
    if (const int rc = refuseUnusable(bundle->manifest, loaded); rc != Ok)
        return rc;
    const Result<BundleLock> made = BundleLock::create(bundle->root, bundle->manifest);
    if (!made) {
        m_err << "stewardctl lock: " << made.error() << "\n";
        return Unreadable;
    }
    const QDir root(bundle->root);
    const QString sig = root.filePath(QLatin1String(BundleLock::SignatureFileName));
    if (QFileInfo::exists(sig) && !QFile::remove(sig)) {
        m_err << "stewardctl lock: cannot remove the old signature " << sig << "\n";
        return Unreadable;
    }
    const QString path = root.filePath(QLatin1String(BundleLock::FileName));
    if (Status st = AtomicFile::write(path, made->toBytes(), 0644); !st) {
        m_err << "stewardctl lock: " << st.error() << "\n";
        return Unreadable;
    }
    m_out << "Locked " << made->files().size() << " files in " << path << ".\n";
    return Ok;
}

int StewardCtl::sign(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Signs BUNDLE_DIR/bundle.lock with an Ed25519 private key (stewardctl keygen) into "
        "BUNDLE_DIR/bundle.lock.sig, after checking that every file still matches the lock. A "
        "Steward that has the public key installed runs only bundles it signed."));
    parser.addPositionalArgument(QStringLiteral("BUNDLE_DIR"),
                                 QStringLiteral("The bundle's root directory."));
    const QCommandLineOption keyOpt(QStringLiteral("key"), QStringLiteral("The private key (PEM)."),
                                    QStringLiteral("KEY"));
    const QCommandLineOption manifestOpt = manifestOption();
    parser.addOption(keyOpt);
    parser.addOption(manifestOpt);
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    const std::optional<BundleArgs> bundle = bundleArgs(parser, manifestOpt, "sign", m_err);
    if (!bundle)
        return Usage;
    if (!parser.isSet(keyOpt)) {
        m_err << "stewardctl sign: --key KEY is required\n";
        return Usage;
    }
    QFile keyFile(parser.value(keyOpt));
    if (!keyFile.open(QIODevice::ReadOnly)) {
        m_err << "stewardctl sign: cannot read " << keyFile.fileName() << ": "
              << keyFile.errorString() << "\n";
        return Unreadable;
    }
    const QDir root(bundle->root);
    const QString lockPath = root.filePath(QLatin1String(BundleLock::FileName));
    const Result<BundleLock> lock = BundleLock::load(lockPath);
    if (!lock) {
        m_err << "stewardctl sign: " << lock.error() << " (run stewardctl lock " << bundle->root
              << " first)\n";
        return Unreadable;
    }
    if (const QStringList diff = lock->differences(bundle->root, bundle->manifest);
        !diff.isEmpty()) {
        m_err << "stewardctl sign: the bundle no longer matches " << lockPath << ":\n  "
              << diff.join(QStringLiteral("\n  ")) << "\nRun stewardctl lock " << bundle->root
              << " again first.\n";
        return Invalid;
    }
    QFile lockFile(lockPath);
    if (!lockFile.open(QIODevice::ReadOnly)) {
        m_err << "stewardctl sign: cannot read " << lockPath << "\n";
        return Unreadable;
    }
    const Result<QByteArray> signature
        = BundleSignature::sign(lockFile.readAll(), keyFile.readAll());
    if (!signature) {
        m_err << "stewardctl sign: " << keyFile.fileName() << ": " << signature.error() << "\n";
        return Invalid;
    }
    const QString sigPath = root.filePath(QLatin1String(BundleLock::SignatureFileName));
    if (Status st = AtomicFile::write(sigPath, signature.value(), 0644); !st) {
        m_err << "stewardctl sign: " << st.error() << "\n";
        return Unreadable;
    }
    m_out << "Signed " << lockPath << " into " << sigPath << ".\n";
    return Ok;
}

int StewardCtl::verify(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Checks a locked bundle now: with --key, the signature of bundle.lock; then every file "
        "against the lock (changed, removed or added files are listed).\nExit codes: 0 the "
        "bundle matches, 1 it does not, 2 no lock or an unreadable file."));
    parser.addPositionalArgument(QStringLiteral("BUNDLE_DIR"),
                                 QStringLiteral("The bundle's root directory."));
    const QCommandLineOption keyOpt(QStringLiteral("key"),
                                    QStringLiteral("The public key (PEM) to check the "
                                                   "signature with."),
                                    QStringLiteral("KEY.pub"));
    const QCommandLineOption manifestOpt = manifestOption();
    parser.addOption(keyOpt);
    parser.addOption(manifestOpt);
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    const std::optional<BundleArgs> bundle = bundleArgs(parser, manifestOpt, "verify", m_err);
    if (!bundle)
        return Usage;
    if (parser.isSet(keyOpt)) {
        if (Status st = BundleSignature::verifyBundle(bundle->root, parser.value(keyOpt)); !st) {
            m_err << "stewardctl verify: " << st.error() << "\n";
            return Invalid;
        }
    }
    const QString lockPath = QDir(bundle->root).filePath(QLatin1String(BundleLock::FileName));
    const Result<BundleLock> lock = BundleLock::load(lockPath);
    if (!lock) {
        m_err << "stewardctl verify: " << lock.error() << "\n";
        return Unreadable;
    }
    if (const QStringList diff = lock->differences(bundle->root, bundle->manifest);
        !diff.isEmpty()) {
        m_err << "stewardctl verify: the bundle does not match " << lockPath << ":\n  "
              << diff.join(QStringLiteral("\n  ")) << "\n";
        return Invalid;
    }
    m_out << bundle->root << ": " << lock->files().size() << " files match the lock"
          << (parser.isSet(keyOpt) ? ", and the signature is valid" : "") << ".\n";
    return Ok;
}

} // namespace steward
