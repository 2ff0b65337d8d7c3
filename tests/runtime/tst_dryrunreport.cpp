#include "ManifestBuilder.h"
#include "core/Platform.h"
#include "runtime/DryRunReport.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;

// The builder's manifest with its binaries under `root`: bin/api exists (and is executable),
// bin/web does not.
class tst_DryRunReport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void servicesInStartOrderResolved();
    void uiBundleIsServedNotRun();
    void onDemandServicesAreNamed();
    void textShowsTheCommandLines();
    void bareNameIsFoundOnThePath();

private:
    Manifest load(test::ManifestBuilder builder);

    std::unique_ptr<QTemporaryDir> m_root;
};

void tst_DryRunReport::init()
{
    m_root = std::make_unique<QTemporaryDir>();
    QVERIFY(QDir(m_root->path()).mkpath(QStringLiteral("bin")));
    QFile api(m_root->filePath(QStringLiteral("bin/api")));
    QVERIFY(api.open(QIODevice::WriteOnly));
    api.write("#!/bin/sh\n");
    api.close();
    QVERIFY(api.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
}

Manifest tst_DryRunReport::load(test::ManifestBuilder builder)
{
    // Both services are programs here; a ui-bundle (which web is in the builder) runs none.
    if (builder.doc["services"][1]["type"] == "ui-bundle")
        builder.set("/services/1/type", "worker");
    for (const char *svc : {"0", "1"}) {
        const std::string at = std::string("/services/") + svc + "/binaries";
        builder.doc[nlohmann::json::json_pointer(at)][Platform::current().toStdString()]
            = builder.doc[nlohmann::json::json_pointer(at)]["linux-x64"];
    }
    ManifestLoadResult loaded = builder.load();
    if (!loaded.valid())
        qFatal("the test manifest is not valid");
    Manifest m = *loaded.manifest;
    m.bundleRoot = m_root->path();
    return m;
}

void tst_DryRunReport::uiBundleIsServedNotRun()
{
    test::ManifestBuilder b;
    b.set("/services/1/type", "ui-bundle");
    b.set("/services/1/assets", nlohmann::json::array({{{"path", "ui/index.html"}}}));
    ManifestLoadResult loaded = b.load();
    QVERIFY(loaded.valid());
    Manifest m = *loaded.manifest;
    m.bundleRoot = m_root->path();
    const DryRunReport report(m, Platform::current(), QStringLiteral("/data/demo"));
    QCOMPARE(
        report.services().at(1).note,
        QStringLiteral("served by Steward from %1").arg(m_root->filePath(QStringLiteral("ui"))));
    QVERIFY(report.services().at(1).program.isEmpty());
}

void tst_DryRunReport::servicesInStartOrderResolved()
{
    const DryRunReport report(load(test::ManifestBuilder()), Platform::current(),
                              QStringLiteral("/data/demo"));
    QVERIFY2(report.problem().isEmpty(), qPrintable(report.problem()));
    const QList<DryRunReport::Service> &services = report.services();
    QCOMPARE(services.size(), 2);
    const DryRunReport::Service &api = services.at(0);
    QCOMPARE(api.id, QStringLiteral("api"));
    QCOMPARE(api.program, m_root->filePath(QStringLiteral("bin/api")));
    const int port = api.ports.value(QStringLiteral("http"));
    QVERIFY(port >= 47100 && port <= 47199);
    QCOMPARE(api.args, (QStringList {QStringLiteral("--port"), QString::number(port)}));
    QVERIFY(api.problems.isEmpty());
    const DryRunReport::Service &web = services.at(1);
    QCOMPARE(web.id, QStringLiteral("web"));
    QCOMPARE(web.problems,
             QStringList {m_root->filePath(QStringLiteral("bin/web"))
                          + QStringLiteral(" does not exist")});
}

void tst_DryRunReport::onDemandServicesAreNamed()
{
    test::ManifestBuilder b;
    b.set("/services/1/metadata", {{"run_mode", "on_demand"}});
    const DryRunReport report(load(b), Platform::current(), QStringLiteral("/data/demo"));
    QVERIFY(report.services().at(0).note.isEmpty());
    QCOMPARE(report.services().at(1).note, QStringLiteral("on demand: not started at launch"));
}

void tst_DryRunReport::textShowsTheCommandLines()
{
    test::ManifestBuilder b;
    b.set("/services/0/binaries/linux-x64/args",
          {"--data", "${data}/db", "--greeting", "hello world"});
    const DryRunReport report(load(b), Platform::current(), QStringLiteral("/data/demo"));
    const QString text = report.toText();
    QVERIFY2(text.contains(QStringLiteral("  1. api\n     run:    ")
                           + m_root->filePath(QStringLiteral("bin/api"))
                           + QStringLiteral(" --data /data/demo/db --greeting 'hello world'\n")),
             qPrintable(text));
    QVERIFY(text.contains(QLatin1String("     ports:  http=127.0.0.1:471")));
    QVERIFY(text.contains(QLatin1String("  2. web\n")));
    QVERIFY(text.contains(QLatin1String("PROBLEM: ") + m_root->filePath(QStringLiteral("bin/web"))
                          + QLatin1String(" does not exist")));
}

void tst_DryRunReport::bareNameIsFoundOnThePath()
{
    // "sh" is not in the bundle: found on PATH, as the start finds it, and no problem.
    test::ManifestBuilder b;
    b.set("/services/1/binaries/linux-x64/path", "sh");
    const DryRunReport report(load(b), Platform::current(), QStringLiteral("/data/demo"));
    const DryRunReport::Service &web = report.services().at(1);
    QVERIFY2(web.problems.isEmpty(), qPrintable(web.problems.join(QLatin1Char('\n'))));
    QCOMPARE(QFileInfo(web.program).fileName(), QStringLiteral("sh"));
    QVERIFY(QFileInfo(web.program).isAbsolute());
}

QTEST_GUILESS_MAIN(tst_DryRunReport)

#include "tst_dryrunreport.moc"
