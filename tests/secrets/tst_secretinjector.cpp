#include "FileMode.h"
#include "TestPaths.h"
#include "core/Redactor.h"
#include "manifest/ManifestLoader.h"
#include "secrets/AuditTrail.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretInjector.h"
#include "secrets/SecretKeeper.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;
using steward::test::modeOf;

class tst_SecretInjector : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void envAndFileTargets();
    void envValuesLoseSurroundingWhitespace();
    void customFileMode();
    void optionalWithoutValueIsLeftOut();
    void targetOutsideTheDirectoryIsRefused();
    void symlinkedDirectoryIsRefused();
    void removeAll();
    void eachInjectionIsAudited();

private:
    void startKeeper();

    Manifest m_manifest;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<MemoryStore> m_store;
    std::unique_ptr<InstallState> m_state;
    std::unique_ptr<SecretKeeper> m_keeper;
};

void tst_SecretInjector::init()
{
    const ManifestLoadResult r = ManifestLoader::loadFile(
        test::sourceDir() + QStringLiteral("/resources/examples/hello/bundle.json"));
    QVERIFY(r.valid());
    m_manifest = *r.manifest;
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_unique<MemoryStore>();
}

void tst_SecretInjector::cleanup()
{
    m_keeper.reset();
    m_state.reset();
}

void tst_SecretInjector::startKeeper()
{
    m_state = std::make_unique<InstallState>(InstallState::load(m_dir->path()).value());
    m_keeper = std::make_unique<SecretKeeper>(m_manifest, *m_state, *m_store,
                                              std::make_shared<Redactor>());
    m_keeper->start();
    QTRY_COMPARE(m_keeper->phase(), SecretKeeper::Phase::WaitingForSecrets);
    bool done = false;
    QObject ctx;
    m_keeper->provide({{QStringLiteral("api_token"), QStringLiteral("wx_0123456789abcdefghij")}},
                      &ctx, [&](const SecretKeeper::ChangeResult &) { done = true; });
    QTRY_VERIFY(done);
}

void tst_SecretInjector::envAndFileTargets()
{
    startKeeper();
    SecretInjector injector(m_dir->path());
    const Result<QMap<QString, QString>> env
        = injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("api")), *m_keeper);
    QVERIFY2(env.ok(), qPrintable(env.error()));
    QCOMPARE(env->value(QStringLiteral("WEATHER_API_TOKEN")),
             QStringLiteral("wx_0123456789abcdefghij"));
    QCOMPARE(env->value(QStringLiteral("SESSION_KEY")).size(), 43);
    const QString file = env->value(QStringLiteral("STEWARD_SECRET_FILE_SIGNING_KEY"));
    QCOMPARE(file, m_dir->path() + QStringLiteral("/runtime/secrets/api/keys/signing.key"));
    // The v0.1 reference runtime's name for the same file.
    QCOMPARE(env->value(QStringLiteral("SECRET_FILE_SIGNING_KEY")), file);
    QFile f(file);
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), *m_keeper->value(QStringLiteral("signing_key")));
    QCOMPARE(modeOf(file), 0600);
    QCOMPARE(modeOf(injector.directoryFor(QStringLiteral("api"))), 0700);
    QCOMPARE(modeOf(m_dir->path() + QStringLiteral("/runtime/secrets")), 0700);
    QVERIFY(!env->contains(QStringLiteral("GREETING_NAME"))); // another service's secret
}

void tst_SecretInjector::eachInjectionIsAudited()
{
    startKeeper();
    AuditTrail audit(m_dir->path());
    QVERIFY(audit.openWithKey("audit key for the test").ok());
    m_keeper->setAuditTrail(&audit);
    SecretInjector injector(m_dir->path());
    QVERIFY(
        injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("api")), *m_keeper).ok());
    QStringList injected;
    for (const AuditTrail::Entry &e : AuditTrail::list(m_dir->path())) {
        QCOMPARE(e.event.action, QStringLiteral("injected"));
        QCOMPARE(e.event.service, QStringLiteral("api"));
        injected << e.event.secret;
    }
    injected.sort();
    QStringList consumed = m_manifest.service(QStringLiteral("api"))->secrets;
    consumed.removeIf([this](const QString &id) { return !m_keeper->value(id); });
    consumed.sort();
    QCOMPARE(injected, consumed);
    QVERIFY(!consumed.isEmpty());
    QFile trail(audit.path());
    QVERIFY(trail.open(QIODevice::ReadOnly));
    QVERIFY(!trail.readAll().contains("wx_0123456789abcdefghij"));
}

void tst_SecretInjector::envValuesLoseSurroundingWhitespace()
{
    // As in the reference runtime: a stored value with a newline (imported from its
    // secrets.json, say; Steward's own prompts refuse one) reaches the service without it.
    bool written = false;
    QObject ctx;
    m_store->write(QStringLiteral("greeting_name"), "  Ada Lovelace \n", &ctx,
                   [&](const SecretStore::Error &) { written = true; });
    QTRY_VERIFY(written);
    startKeeper();
    SecretInjector injector(m_dir->path());
    const Result<QMap<QString, QString>> env
        = injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("web")), *m_keeper);
    QVERIFY2(env.ok(), qPrintable(env.error()));
    QCOMPARE(env->value(QStringLiteral("GREETING_NAME")), QStringLiteral("Ada Lovelace"));
}

void tst_SecretInjector::customFileMode()
{
    for (SecretSpec &s : m_manifest.secrets) {
        if (s.id == QLatin1String("signing_key"))
            s.target.fileMode = 0640;
    }
    startKeeper();
    SecretInjector injector(m_dir->path());
    const auto env
        = injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("api")), *m_keeper);
    QVERIFY(env.ok());
    QCOMPARE(modeOf(env->value(QStringLiteral("STEWARD_SECRET_FILE_SIGNING_KEY"))), 0640);
}

void tst_SecretInjector::optionalWithoutValueIsLeftOut()
{
    startKeeper();
    SecretInjector injector(m_dir->path());
    const auto env
        = injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("web")), *m_keeper);
    QVERIFY(env.ok());
    QVERIFY(env->isEmpty());
    QVERIFY(!QDir(injector.directoryFor(QStringLiteral("web"))).exists());
}

void tst_SecretInjector::targetOutsideTheDirectoryIsRefused()
{
    // The validator refuses such manifests; the injector checks again on its own.
    for (SecretSpec &s : m_manifest.secrets) {
        if (s.id == QLatin1String("signing_key"))
            s.target.name = QStringLiteral("../../escape.key");
    }
    startKeeper();
    SecretInjector injector(m_dir->path());
    const auto env
        = injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("api")), *m_keeper);
    QVERIFY(!env.ok());
    QVERIFY(env.error().contains(QLatin1String("signing_key")));
    QVERIFY(!QFile::exists(m_dir->path() + QStringLiteral("/runtime/escape.key")));
}

void tst_SecretInjector::symlinkedDirectoryIsRefused()
{
    startKeeper();
    SecretInjector injector(m_dir->path());
    QTemporaryDir elsewhere;
    QVERIFY(QDir().mkpath(injector.directoryFor(QStringLiteral("api"))));
    QVERIFY(QFile::link(elsewhere.path(),
                        injector.directoryFor(QStringLiteral("api")) + QStringLiteral("/keys")));
    const auto env
        = injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("api")), *m_keeper);
    QVERIFY(!env.ok());
    QVERIFY2(env.error().contains(QLatin1String("is a symbolic link")), qPrintable(env.error()));
    QVERIFY(QDir(elsewhere.path()).entryList(QDir::Files).isEmpty());
}

void tst_SecretInjector::removeAll()
{
    startKeeper();
    SecretInjector injector(m_dir->path());
    QVERIFY(
        injector.prepare(m_manifest, *m_manifest.service(QStringLiteral("api")), *m_keeper).ok());
    injector.removeAll();
    QVERIFY(!QDir(m_dir->path() + QStringLiteral("/runtime/secrets")).exists());
}

QTEST_GUILESS_MAIN(tst_SecretInjector)
#include "tst_secretinjector.moc"
