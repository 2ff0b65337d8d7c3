#include "TrustTestBundle.h"
#include "core/AtomicFile.h"
#include "trust/BundleLock.h"
#include "trust/BundleSignature.h"
#include "trust/ExecGuard.h"

#include <QTest>

#include <sys/stat.h>
#include <utime.h>

using namespace steward;
using test::TrustTestBundle;

namespace {

// A bundle with a manifest, a program, a script it runs and an asset, locked as it is.
struct LockedBundle
{
    TrustTestBundle files;
    std::unique_ptr<ExecGuard> guard;

    LockedBundle()
    {
        files.write(QStringLiteral("bundle.json"), "{\"app\":1}");
        files.write(QStringLiteral("bin/app"), "#!/bin/sh\necho app\n", true);
        files.write(QStringLiteral("services/db.py"), "print('db')\n");
        files.write(QStringLiteral("assets/model.bin"), QByteArray(1000, 'm'));
        lock();
    }
    void lock()
    {
        const Result<BundleLock> made = BundleLock::create(files.root(), files.manifest());
        QVERIFY(made);
        QVERIFY(
            AtomicFile::write(files.path(QStringLiteral("bundle.lock")), made->toBytes(), 0644));
        guard = std::make_unique<ExecGuard>(files.root(), made.value());
    }
    QString app() const { return files.path(QStringLiteral("bin/app")); }
};

// Sets the file's mtime forward by a second: the same content, a new identity.
bool touch(const QString &path)
{
    struct stat st
    {
    };
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return false;
    struct utimbuf times
    {
        st.st_atime, st.st_mtime + 1
    };
    return ::utime(QFile::encodeName(path).constData(), &times) == 0;
}

} // namespace

// ExecGuard on real files: a swapped program is refused, an untouched one admitted, the stat
// fast path skips the hash until something about the file changes.
class tst_ExecGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void untouchedProgramIsAdmittedAndHashedOnce();
    void swappedProgramIsRefused();
    void sameContentWithNewIdentityIsHashedAgainAndAdmitted();
    void sameSizeDifferentContentIsRefused();
    void fileAddedAfterLockIsRefused();
    void scriptsItsArgumentsNameAreChecked();
    void assetsAreChecked();
    void pathsLeavingTheBundle_data();
    void pathsLeavingTheBundle();
    void systemProgramByNameIsAdmitted();
    void openChecksManifestAndSignature();
};

void tst_ExecGuard::untouchedProgramIsAdmittedAndHashedOnce()
{
    LockedBundle b;
    for (int i = 0; i < 3; ++i) {
        const Status st = b.guard->admit(QStringLiteral("bin/app"), b.app());
        QVERIFY2(st, qPrintable(st.error()));
    }
    QCOMPARE(b.guard->hashes(), 1);
}

void tst_ExecGuard::swappedProgramIsRefused()
{
    LockedBundle b;
    QVERIFY(b.guard->admit(QStringLiteral("bin/app"), b.app()));
    QVERIFY(b.files.write(QStringLiteral("bin/app"), "#!/bin/sh\necho evil; rm -rf ~\n", true));
    const Status st = b.guard->admit(QStringLiteral("bin/app"), b.app());
    QVERIFY(!st);
    QVERIFY2(st.error().contains(QStringLiteral("bin/app was changed after the bundle was locked")),
             qPrintable(st.error()));
}

void tst_ExecGuard::sameContentWithNewIdentityIsHashedAgainAndAdmitted()
{
    LockedBundle b;
    QVERIFY(b.guard->admit(QStringLiteral("bin/app"), b.app()));
    QVERIFY(touch(b.app()));
    const Status st = b.guard->admit(QStringLiteral("bin/app"), b.app());
    QVERIFY2(st, qPrintable(st.error()));
    QCOMPARE(b.guard->hashes(), 2);
}

void tst_ExecGuard::sameSizeDifferentContentIsRefused()
{
    LockedBundle b;
    QVERIFY(b.guard->admit(QStringLiteral("bin/app"), b.app()));
    QVERIFY(b.files.write(QStringLiteral("bin/app"), "#!/bin/sh\necho bad\n", true));
    const Status st = b.guard->admit(QStringLiteral("bin/app"), b.app());
    QVERIFY(!st);
    QVERIFY(st.error().contains(QStringLiteral("SHA-256")));
}

void tst_ExecGuard::fileAddedAfterLockIsRefused()
{
    LockedBundle b;
    QVERIFY(b.files.write(QStringLiteral("bin/new"), "#!/bin/sh\n", true));
    const Status st
        = b.guard->admit(QStringLiteral("bin/new"), b.files.path(QStringLiteral("bin/new")));
    QVERIFY(!st);
    QVERIFY(st.error().contains(QStringLiteral("not in bundle.lock")));
}

void tst_ExecGuard::scriptsItsArgumentsNameAreChecked()
{
    LockedBundle b;
    const QStringList args {QStringLiteral("-u"), QStringLiteral("services/db.py")};
    QVERIFY(b.guard->admit(QStringLiteral("python3"), QStringLiteral("/usr/bin/python3"), args,
                           b.files.root()));
    QVERIFY(b.files.write(QStringLiteral("services/db.py"), "print('evil')\n"));
    const Status st = b.guard->admit(QStringLiteral("python3"), QStringLiteral("/usr/bin/python3"),
                                     args, b.files.root());
    QVERIFY(!st);
    QVERIFY(st.error().contains(QStringLiteral("services/db.py")));
    // Also when the manifest names the interpreter by path as the system's ("system": true).
    const Status system
        = b.guard->admit(QStringLiteral("/usr/bin/python3"), QStringLiteral("/usr/bin/python3"),
                         args, b.files.root(), /*system=*/true);
    QVERIFY(!system);
    QVERIFY2(system.error().contains(QStringLiteral("services/db.py")), qPrintable(system.error()));
}

void tst_ExecGuard::assetsAreChecked()
{
    LockedBundle b;
    ServiceSpec spec;
    spec.id = QStringLiteral("api");
    spec.binaries.insert(QStringLiteral("universal"),
                         Binary {QStringLiteral("bin/app"), {}, {}, {}});
    spec.assets << Asset {QStringLiteral("assets/model.bin"), {}, {}};
    QVERIFY(b.guard->admit(spec, QStringLiteral("linux-x64"), b.app(), {}, b.files.root()));
    QVERIFY(b.files.write(QStringLiteral("assets/model.bin"), QByteArray(1000, 'e')));
    const Status st
        = b.guard->admit(spec, QStringLiteral("linux-x64"), b.app(), {}, b.files.root());
    QVERIFY(!st);
    QVERIFY(st.error().contains(QStringLiteral("assets/model.bin")));
}

void tst_ExecGuard::pathsLeavingTheBundle_data()
{
    QTest::addColumn<QString>("written");
    QTest::newRow("absolute") << QStringLiteral("/bin/sh");
    QTest::newRow("dot dot") << QStringLiteral("../../bin/sh");
    QTest::newRow("dot dot inside a path") << QStringLiteral("bin/../../x/sh");
}

void tst_ExecGuard::pathsLeavingTheBundle()
{
    QFETCH(QString, written);
    LockedBundle b;
    const Status locked = b.guard->admit(written, QStringLiteral("/bin/sh"));
    QVERIFY(!locked);
    QVERIFY2(locked.error().contains(QStringLiteral("outside the bundle")),
             qPrintable(locked.error()));
    // The refusal says what to change when the program is the system's on purpose.
    QVERIFY2(locked.error().contains(QStringLiteral("\"system\": true")),
             qPrintable(locked.error()));
    QVERIFY(b.guard->admit(written, QStringLiteral("/bin/sh"), {}, {}, /*system=*/true));
    ExecGuard unlocked(b.files.root(), std::nullopt);
    QVERIFY(unlocked.admit(written, QStringLiteral("/bin/sh")));
}

void tst_ExecGuard::systemProgramByNameIsAdmitted()
{
    LockedBundle b;
    QVERIFY(b.guard->admit(QStringLiteral("sh"), QStringLiteral("/bin/sh")));
}

void tst_ExecGuard::openChecksManifestAndSignature()
{
    LockedBundle b;
    const QString root = b.files.root();
    const QString manifest = b.files.manifest();
    // A lock and no key: the lock is checked, the signature not asked for.
    auto opened = ExecGuard::open(root, manifest, {});
    QVERIFY2(opened, qPrintable(opened.error()));
    QVERIFY(opened.value()->isLocked());

    // No lock at all: nothing to check.
    TrustTestBundle plain;
    QVERIFY(plain.write(QStringLiteral("bundle.json"), "{}"));
    opened = ExecGuard::open(plain.root(), plain.manifest(), {});
    QVERIFY(opened && !opened.value()->isLocked());

    // A key installed: no signature is refused, a good one passes, a tampered lock fails.
    const auto pair = BundleSignature::generate();
    QVERIFY(pair);
    TrustTestBundle keys;
    QVERIFY(keys.write(QStringLiteral("signing.pub"), pair->publicPem));
    const QString key = keys.path(QStringLiteral("signing.pub"));
    opened = ExecGuard::open(root, manifest, key);
    QVERIFY(!opened);
    QVERIFY2(opened.error().contains(QStringLiteral("bundle.lock.sig is missing")),
             qPrintable(opened.error()));
    QFile lockFile(b.files.path(QStringLiteral("bundle.lock")));
    QVERIFY(lockFile.open(QIODevice::ReadOnly));
    const QByteArray lockBytes = lockFile.readAll();
    lockFile.close();
    QVERIFY(b.files.write(QStringLiteral("bundle.lock.sig"),
                          BundleSignature::sign(lockBytes, pair->privatePem).value()));
    opened = ExecGuard::open(root, manifest, key);
    QVERIFY2(opened, qPrintable(opened.error()));
    QByteArray tampered = lockBytes;
    tampered.replace("\"size\": 1000", "\"size\": 1001");
    QVERIFY(tampered != lockBytes);
    QVERIFY(b.files.write(QStringLiteral("bundle.lock"), tampered));
    opened = ExecGuard::open(root, manifest, key);
    QVERIFY(!opened);
    QVERIFY(opened.error().contains(QStringLiteral("signature is not valid")));
    QVERIFY(QFile::remove(key));

    // The manifest changed after locking: refused with or without a key.
    QVERIFY(b.files.write(QStringLiteral("bundle.lock"), lockBytes));
    QVERIFY(b.files.write(QStringLiteral("bundle.json"), "{\"app\":2}"));
    opened = ExecGuard::open(root, manifest, {});
    QVERIFY(!opened);
    QVERIFY(opened.error().contains(QStringLiteral("manifest")));
}

QTEST_GUILESS_MAIN(tst_ExecGuard)
#include "tst_execguard.moc"
