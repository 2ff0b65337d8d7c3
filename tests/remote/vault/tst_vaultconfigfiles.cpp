// A deployment's config files from the test Vault (shape "files", issue 18): each entry of the
// JSON array is written with its mode into the consumer's folder, confined to it; a rotation
// of one file is a change of that secret only, named by file; an unchanged refresh touches
// nothing on disk; a malformed update is named by path, key and entry and keeps the last good
// files; no content appears in an error or the logs.

#include "ManifestBuilder.h"
#include "VaultKeeper.h"
#include "VaultTestData.h"
#include "secrets/ConfigFiles.h"
#include "secrets/SecretInjector.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace steward;
using json = nlohmann::json;
using test::FakeVault;

Q_DECLARE_METATYPE(nlohmann::json)

namespace {

const char *const AppPath = "steward/default/apps/ledger";
const char *const AppYaml = "db_password: cfg-pass-0042\nlog_level: info\n";
const char *const CaPem = "-----BEGIN CERTIFICATE-----\nMIIBcfgcafile0042\n-----END "
                          "CERTIFICATE-----\n";

json goodFiles()
{
    return json::array({{{"name", "app.yaml"}, {"content", AppYaml}, {"file_mode", "0640"}},
                        {{"name", "ca.pem"},
                         {"content", CaPem},
                         {"destination_path", "/etc/ledger/certs/"},
                         {"owner", "ledger"},
                         {"group", "ledger"}},
                        {{"name", "settings.ini"},
                         {"content", "[smtp]\nhost=smtp.example.com\n"},
                         {"content_type", "text/plain"},
                         {"destination_path", "conf/settings.ini"},
                         {"file_mode", 600}}});
}

void writeConfigs(FakeVault &vault, const json &files)
{
    vault.control(
        QStringLiteral("secret"),
        {{"mount", "secret"}, {"path", AppPath}, {"data", {{"ledger_configs", files.dump()}}}});
}

// deploy_configs is written for api into its folder "config"; web consumes nothing remote.
std::optional<Manifest> filesManifest()
{
    test::ManifestBuilder b;
    b.set("/secrets",
          json::array({{{"id", "deploy_configs"},
                        {"class", "remote_fetch"},
                        {"source",
                         {{"provider", "vault"},
                          {"path", "{path_prefix}/{deployment_hash}/apps/ledger"},
                          {"key", "ledger_configs"},
                          {"shape", "files"}}},
                        {"target", {{"type", "dir"}, {"name", "config"}}}}}));
    b.set("/remote", {{"vault", {{"path_prefix", "steward"}}}});
    b.set("/services/0/secrets", json::array({"deploy_configs"}));
    b.set("/services/1/secrets", json::array());
    const ManifestLoadResult loaded = b.load();
    if (!loaded.valid()) {
        qWarning() << (loaded.diagnostics.isEmpty() ? QString()
                                                    : loaded.diagnostics.first().toString());
        return std::nullopt;
    }
    return *loaded.manifest;
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

int modeOf(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

// What says a file was rewritten: its inode (a new file is renamed over it) and its mtime.
QString identity(const QString &path)
{
    struct stat st
    {
    };
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return {};
    return QStringLiteral("%1/%2.%3").arg(st.st_ino).arg(st.st_mtim.tv_sec).arg(st.st_mtim.tv_nsec);
}

} // namespace

class tst_VaultConfigFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void entriesAreRead_data();
    void entriesAreRead();
    void filesAreWrittenWithTheirModesInsideTheFolder();
    void rotationNamesTheFileAndAnUnchangedRefreshTouchesNothing();
    void malformedUpdateKeepsTheLastGoodFiles_data();
    void malformedUpdateKeepsTheLastGoodFiles();
    void manifestChecksTheShape_data();
    void manifestChecksTheShape();

private:
    test::VaultKeeper m_k;

    bool startKeeper();
    QString folder() const { return m_k.dataDir() + QStringLiteral("/runtime/secrets/api/config"); }
};

void tst_VaultConfigFiles::init()
{
    m_k.stop();
}

bool tst_VaultConfigFiles::startKeeper()
{
    json config = test::standardConfig();
    config["secrets"].push_back({{"mount", "secret"},
                                 {"path", AppPath},
                                 {"data", {{"ledger_configs", goodFiles().dump()}}}});
    const std::optional<Manifest> manifest = filesManifest();
    return manifest && m_k.start(config, *manifest);
}

void tst_VaultConfigFiles::entriesAreRead_data()
{
    QTest::addColumn<json>("entry");
    QTest::addColumn<QString>("path"); // empty: refused
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("problem"); // in the error, or the warning
    const json c = {{"name", "a.conf"}, {"content", "x"}};
    auto with = [&c](const json &extra) {
        json e = c;
        e.update(extra);
        return e;
    };
    QTest::newRow("name only") << c << QStringLiteral("a.conf") << 0600 << QString();
    QTest::newRow("into a folder") << with({{"destination_path", "etc/app/"}})
                                   << QStringLiteral("etc/app/a.conf") << 0600 << QString();
    QTest::newRow("a full path") << with({{"destination_path", "etc/app/b.conf"}})
                                 << QStringLiteral("etc/app/b.conf") << 0600 << QString();
    QTest::newRow("absolute, mapped inside")
        << with({{"destination_path", "/etc/app/"}}) << QStringLiteral("etc/app/a.conf") << 0600
        << QString();
    QTest::newRow("mode as text") << with({{"file_mode", "0640"}}) << QStringLiteral("a.conf")
                                  << 0640 << QString();
    QTest::newRow("mode as a number")
        << with({{"file_mode", 644}}) << QStringLiteral("a.conf") << 0640 << QString();
    QTest::newRow("owner ignored") << with({{"owner", "root"}}) << QStringLiteral("a.conf") << 0600
                                   << QStringLiteral("owner and group are ignored");
    QTest::newRow("dot dot") << with({{"destination_path", "../outside.conf"}}) << QString() << 0
                             << QStringLiteral("is not a path inside the folder");
    QTest::newRow("dot dot inside") << with({{"destination_path", "/etc/../../x"}}) << QString()
                                    << 0 << QStringLiteral("is not a path inside the folder");
    QTest::newRow("no content") << json {{"name", "a.conf"}} << QString() << 0
                                << QStringLiteral("entry 0: a.conf has no \"content\"");
    QTest::newRow("no name") << json {{"content", "x"}} << QString() << 0
                             << QStringLiteral("entry 0: has no \"name\"");
    QTest::newRow("bad mode") << with({{"file_mode", "rw-r--r--"}}) << QString() << 0
                              << QStringLiteral("file_mode must be an octal mode");
}

void tst_VaultConfigFiles::entriesAreRead()
{
    QFETCH(json, entry);
    QFETCH(QString, path);
    QFETCH(int, mode);
    QFETCH(QString, problem);
    // An array of one, and the legacy single object, read the same.
    for (const json &value : {json::array({entry}), entry}) {
        const Result<ConfigFiles> files
            = ConfigFiles::parse(QByteArray::fromStdString(value.dump()));
        if (path.isEmpty()) {
            QVERIFY(!files);
            QVERIFY2(files.error().contains(problem), qPrintable(files.error()));
            continue;
        }
        QVERIFY2(files, qPrintable(files.error()));
        QCOMPARE(files->files().size(), 1);
        QCOMPARE(files->files().first().path, path);
        QCOMPARE(files->files().first().mode, mode);
        QCOMPARE(files->warnings().join(u' ').contains(problem), true);
    }
}

void tst_VaultConfigFiles::filesAreWrittenWithTheirModesInsideTheFolder()
{
    QVERIFY(startKeeper());
    const SecretInjector injector(m_k.dataDir());
    Result<QMap<QString, QString>> env
        = injector.prepare(m_k.manifest(), m_k.manifest().services.at(0), m_k.keeper());
    QVERIFY2(env, qPrintable(env.error()));
    QCOMPARE(env.value().value(QStringLiteral("STEWARD_SECRET_DIR_DEPLOY_CONFIGS")), folder());
    QCOMPARE(env.value().value(QStringLiteral("SECRET_DIR_DEPLOY_CONFIGS")), folder());
    QCOMPARE(readFile(folder() + QStringLiteral("/app.yaml")), QByteArray(AppYaml));
    QCOMPARE(modeOf(folder() + QStringLiteral("/app.yaml")), 0640);
    QCOMPARE(readFile(folder() + QStringLiteral("/etc/ledger/certs/ca.pem")), QByteArray(CaPem));
    QCOMPARE(modeOf(folder() + QStringLiteral("/etc/ledger/certs/ca.pem")), 0600);
    QCOMPARE(modeOf(folder() + QStringLiteral("/conf/settings.ini")), 0600);
    QCOMPARE(modeOf(folder()), 0700);
    // The other service gets neither the files nor the variable.
    env = injector.prepare(m_k.manifest(), m_k.manifest().services.at(1), m_k.keeper());
    QVERIFY(env && !env.value().contains(QStringLiteral("STEWARD_SECRET_DIR_DEPLOY_CONFIGS")));
    QVERIFY(!QFileInfo::exists(m_k.dataDir() + QStringLiteral("/runtime/secrets/web/config")));
    // Each file's content is a secret of its own in the logs.
    const QString logged = m_k.redactor().redact(QString::fromLatin1(CaPem));
    QVERIFY2(!logged.contains(QLatin1String("MIIBcfgcafile0042")), qPrintable(logged));
}

void tst_VaultConfigFiles::rotationNamesTheFileAndAnUnchangedRefreshTouchesNothing()
{
    QVERIFY(startKeeper());
    const SecretInjector injector(m_k.dataDir());
    QVERIFY(injector.prepare(m_k.manifest(), m_k.manifest().services.at(0), m_k.keeper()));
    const QString yaml = folder() + QStringLiteral("/app.yaml");
    const QString before = identity(yaml);
    QVERIFY(!before.isEmpty());

    // Unchanged: no change of the secret, so no restart and no file rewritten.
    QSignalSpy changed(&m_k.keeper(), &SecretKeeper::secretsChanged);
    SecretKeeper::RefreshResult r = m_k.refreshNow();
    QCOMPARE(r.unchanged, QStringList {QStringLiteral("deploy_configs")});
    QCOMPARE(changed.count(), 0);
    QCOMPARE(identity(yaml), before);

    // One file rotated, one dropped: a change of this secret, named by file.
    json files = goodFiles();
    files[0]["content"] = "db_password: cfg-pass-0043\nlog_level: info\n";
    files.erase(2);
    writeConfigs(m_k.vault(), files);
    r = m_k.refreshNow();
    QCOMPARE(r.changed, QStringList {QStringLiteral("deploy_configs")});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(m_k.keeper().freshness(QStringLiteral("deploy_configs"))->changed,
             (QStringList {QStringLiteral("app.yaml"), QStringLiteral("conf/settings.ini")}));
    // The consumer's restart writes the new set.
    QVERIFY(injector.prepare(m_k.manifest(), m_k.manifest().services.at(0), m_k.keeper()));
    QVERIFY(readFile(yaml).contains("cfg-pass-0043"));
    QVERIFY(!QFileInfo::exists(folder() + QStringLiteral("/conf/settings.ini")));
}

void tst_VaultConfigFiles::malformedUpdateKeepsTheLastGoodFiles_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("problem");
    QTest::newRow("not JSON") << QByteArray("name=app.yaml cfg-leak-0099")
                              << QStringLiteral("not a JSON array of files");
    QTest::newRow("no content") << QByteArray(R"([{"name":"app.yaml","content":"cfg-leak-0099"},)"
                                              R"({"name":"b.yaml","contents":"cfg-leak-0099"}])")
                                << QStringLiteral("entry 1: b.yaml has no \"content\"");
    QTest::newRow("outside") << QByteArray(R"([{"name":"x","content":"cfg-leak-0099",)"
                                           R"("destination_path":"../../x"}])")
                             << QStringLiteral("entry 0: x:");
}

void tst_VaultConfigFiles::malformedUpdateKeepsTheLastGoodFiles()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, problem);
    QVERIFY(startKeeper());
    m_k.vault().control(QStringLiteral("secret"),
                        {{"mount", "secret"},
                         {"path", AppPath},
                         {"data", {{"ledger_configs", value.toStdString()}}}});
    QSignalSpy changed(&m_k.keeper(), &SecretKeeper::secretsChanged);
    const SecretKeeper::RefreshResult r = m_k.refreshNow();
    QCOMPARE(r.failed.keys(), QStringList {QStringLiteral("deploy_configs")});
    const QString why = r.failed.value(QStringLiteral("deploy_configs"));
    QVERIFY2(why.contains(QLatin1String("secret/data/steward/default/apps/ledger#ledger_configs")),
             qPrintable(why));
    QVERIFY2(why.contains(problem), qPrintable(why));
    QVERIFY2(!why.contains(QLatin1String("cfg-leak-0099")), qPrintable(why));
    QCOMPARE(changed.count(), 0);
    QCOMPARE(m_k.keeper().record(QStringLiteral("deploy_configs"))->status,
             InstallState::SecretStatus::Stale);
    const SecretInjector injector(m_k.dataDir());
    QVERIFY(injector.prepare(m_k.manifest(), m_k.manifest().services.at(0), m_k.keeper()));
    QCOMPARE(readFile(folder() + QStringLiteral("/app.yaml")), QByteArray(AppYaml));
}

void tst_VaultConfigFiles::manifestChecksTheShape_data()
{
    QTest::addColumn<json>("source");
    QTest::addColumn<json>("target");
    QTest::addColumn<QString>("errorPath");
    const json base = {{"provider", "vault"}, {"path", "p"}, {"key", "k"}};
    json files = base;
    files["shape"] = "files";
    QTest::newRow("files into an env variable") << files << json {{"type", "env"}, {"name", "X"}}
                                                << QStringLiteral("/secrets/0/target/type");
    QTest::newRow("a folder for one value") << base << json {{"type", "dir"}, {"name", "config"}}
                                            << QStringLiteral("/secrets/0/target/type");
    QTest::newRow("a folder outside") << files << json {{"type", "dir"}, {"name", "../config"}}
                                      << QStringLiteral("/secrets/0/target/name");
    QTest::newRow("a folder without a name")
        << files << json {{"type", "dir"}} << QStringLiteral("/secrets/0/target/name");
}

void tst_VaultConfigFiles::manifestChecksTheShape()
{
    QFETCH(json, source);
    QFETCH(json, target);
    QFETCH(QString, errorPath);
    const QStringList errors = test::remoteSecretErrors("deploy_configs", source, target);
    QVERIFY2(errors.contains(errorPath), qPrintable(errors.join(QLatin1Char(' '))));
}

QTEST_GUILESS_MAIN(tst_VaultConfigFiles)

#include "tst_vaultconfigfiles.moc"
