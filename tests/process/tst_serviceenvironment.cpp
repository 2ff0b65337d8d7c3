#include "manifest/TemplateRenderer.h"
#include "process/ServiceEnvironment.h"

#include <QTest>

using namespace steward;

// What a service inherits of Steward's environment, and the order in which the layers of its
// environment override each other (the v0.1 reference runtime's order).
class tst_ServiceEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void carriesCredentials_data();
    void carriesCredentials();
    void inheritModes_data();
    void inheritModes();
    void layersOverrideInOrder();
    void playwrightPortFillsInOnlyWhatIsUnresolved();
};

void tst_ServiceEnvironment::carriesCredentials_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("credential");
    const std::pair<const char *, bool> rows[] = {
        {"GITHUB_TOKEN", true},
        {"NPM_TOKEN", true},
        {"DB_PASSWORD", true},
        {"CLIENT_SECRET", true},
        {"STRIPE_API_KEY", true},
        {"AWS_ACCESS_KEY_ID", true},
        {"AWS_SECRET_ACCESS_KEY", true},
        {"VAULT_TOKEN", true},
        {"VAULT_ADDR", true},
        {"STEWARD_TOKEN", true},
        {"PGPASSWORD", true},
        {"MYSQL_PWD", true},
        {"GOOGLE_APPLICATION_CREDENTIALS", true},
        {"OP_SESSION_my", true},
        {"github_token", true},
        {"DISPLAY", false},
        {"WAYLAND_DISPLAY", false},
        {"DBUS_SESSION_BUS_ADDRESS", false},
        {"HTTPS_PROXY", false},
        {"SSL_CERT_FILE", false},
        {"LD_LIBRARY_PATH", false},
        {"PWD", false},
        {"XAUTHORITY", false},
        {"SSH_AUTH_SOCK", false},
        {"TOKENIZERS_PARALLELISM", false},
        {"OPENSSL_CONF", false},
    };
    for (const auto &[name, credential] : rows)
        QTest::newRow(name) << QString::fromLatin1(name) << credential;
}

void tst_ServiceEnvironment::carriesCredentials()
{
    QFETCH(QString, name);
    QFETCH(bool, credential);
    QCOMPARE(ServiceEnvironment::carriesCredentials(name), credential);
}

void tst_ServiceEnvironment::inheritModes_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("inherited");
    QTest::newRow("all: display") << "all"
                                  << "DISPLAY" << true;
    QTest::newRow("all: never a token") << "all"
                                        << "GITHUB_TOKEN" << false;
    QTest::newRow("minimal: PATH") << "minimal"
                                   << "PATH" << true;
    QTest::newRow("minimal: locale") << "minimal"
                                     << "LC_ALL" << true;
    QTest::newRow("minimal: no display") << "minimal"
                                         << "DISPLAY" << false;
    QTest::newRow("list: listed") << "list"
                                  << "DISPLAY" << true;
    QTest::newRow("list: plus the minimal set") << "list"
                                                << "HOME" << true;
    QTest::newRow("list: not listed") << "list"
                                      << "HTTPS_PROXY" << false;
    QTest::newRow("list: a listed token still not") << "list"
                                                    << "GITHUB_TOKEN" << false;
}

void tst_ServiceEnvironment::inheritModes()
{
    QFETCH(QString, mode);
    QFETCH(QString, name);
    QFETCH(bool, inherited);
    EnvInherit inherit;
    inherit.mode = mode == QLatin1String("all") ? EnvInherit::Mode::All
        : mode == QLatin1String("minimal")      ? EnvInherit::Mode::Minimal
                                                : EnvInherit::Mode::List;
    inherit.names = {QStringLiteral("DISPLAY"), QStringLiteral("GITHUB_TOKEN")};
    QCOMPARE(ServiceEnvironment::isInherited(inherit, name), inherited);
}

void tst_ServiceEnvironment::layersOverrideInOrder()
{
    ServiceSpec service;
    service.id = QStringLiteral("api");
    service.env = {{QStringLiteral("BUNDLE_ROOT"), QStringLiteral("mine")},
                   {QStringLiteral("DATA"), QStringLiteral("${data}/db")},
                   {QStringLiteral("SHELLISH"), QStringLiteral("${HOME}/x")},
                   {QStringLiteral("STEWARD_TOKEN"), QStringLiteral("forged")},
                   {QStringLiteral("PLAYWRIGHT_CHROMIUM_PATH"), QStringLiteral("chrome/chrome")}};
    Binary binary;
    TemplateRenderer::Context ctx;
    ctx.dataDir = QStringLiteral("/data");
    QProcessEnvironment parent;
    parent.insert(QStringLiteral("PATH"), QStringLiteral("/usr/bin"));
    parent.insert(QStringLiteral("DISPLAY"), QStringLiteral(":1"));
    parent.insert(QStringLiteral("GITHUB_TOKEN"), QStringLiteral("ghp_x"));
    parent.insert(QStringLiteral("APP_DATA_DIR"), QStringLiteral("/parents"));
    ServiceEnvironment::Layers layers;
    layers.base = {{QStringLiteral("APP_DATA_DIR"), QStringLiteral("/data")},
                   {QStringLiteral("BUNDLE_ROOT"), QStringLiteral("/bundle")}};
    layers.steward = {{QStringLiteral("STEWARD_TOKEN"), QStringLiteral("real")}};
    layers.secrets = {{QStringLiteral("API_KEY"), QStringLiteral("s3cret")}};
    const QProcessEnvironment env = ServiceEnvironment::build(
        service, binary, TemplateRenderer(ctx), QStringLiteral("/bundle"), layers, parent);
    QCOMPARE(env.value(QStringLiteral("PATH")), QStringLiteral("/bundle/bin:/bundle/cli:/usr/bin"));
    QCOMPARE(env.value(QStringLiteral("DISPLAY")), QStringLiteral(":1"));
    QVERIFY(!env.contains(QStringLiteral("GITHUB_TOKEN")));
    QCOMPARE(env.value(QStringLiteral("APP_DATA_DIR")), QStringLiteral("/data"));
    QCOMPARE(env.value(QStringLiteral("BUNDLE_ROOT")), QStringLiteral("mine"));
    QCOMPARE(env.value(QStringLiteral("DATA")), QStringLiteral("/data/db"));
    QCOMPARE(env.value(QStringLiteral("SHELLISH")), QStringLiteral("${HOME}/x"));
    QCOMPARE(env.value(QStringLiteral("STEWARD_TOKEN")), QStringLiteral("real"));
    QCOMPARE(env.value(QStringLiteral("PLAYWRIGHT_CHROMIUM_PATH")),
             QStringLiteral("/bundle/chrome/chrome"));
    QCOMPARE(env.value(QStringLiteral("API_KEY")), QStringLiteral("s3cret"));
}

void tst_ServiceEnvironment::playwrightPortFillsInOnlyWhatIsUnresolved()
{
    ServiceSpec service;
    service.id = QStringLiteral("api");
    service.env = {{QStringLiteral("PLAYWRIGHT_DRIVER_URL"),
                    QStringLiteral("http://127.0.0.1:${playwright.http}")},
                   {QStringLiteral("PLAYWRIGHT_DRIVER_PORT"), QStringLiteral("9999")}};
    QVERIFY(ServiceEnvironment::usesPlaywright(service, nullptr));
    ServiceEnvironment::Layers layers;
    layers.steward
        = {{QStringLiteral("PLAYWRIGHT_DRIVER_URL"), QStringLiteral("http://127.0.0.1:4100")},
           {QStringLiteral("PLAYWRIGHT_DRIVER_PORT"), QStringLiteral("4100")}};
    const QProcessEnvironment env = ServiceEnvironment::build(
        service, Binary(), TemplateRenderer({}), QString(), layers, QProcessEnvironment());
    QCOMPARE(env.value(QStringLiteral("PLAYWRIGHT_DRIVER_URL")),
             QStringLiteral("http://127.0.0.1:4100"));
    QCOMPARE(env.value(QStringLiteral("PLAYWRIGHT_DRIVER_PORT")), QStringLiteral("9999"));
    ServiceSpec plain;
    plain.id = QStringLiteral("worker");
    QVERIFY(!ServiceEnvironment::usesPlaywright(plain, nullptr));
}

QTEST_GUILESS_MAIN(tst_ServiceEnvironment)
#include "tst_serviceenvironment.moc"
