#include "ManifestBuilder.h"
#include "TestPaths.h"
#include "manifest/ManifestLoader.h"
#include "process/PortAllocator.h"

#include <QHostAddress>
#include <QTcpServer>
#include <QTest>

using namespace steward;

class tst_PortAllocator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void laterServiceWithLowerRangeStillGetsAPort();
    void skipsReservedAndBusyPorts();
    void exhaustedRangeNamesTheRequest();
    void desktopWithBuildRangesAllocate();
};

void tst_PortAllocator::laterServiceWithLowerRangeStillGetsAPort()
{
    test::ManifestBuilder b; // api: 47100-47199, web: 47200-47299
    b.set("/services/0/ports/requested/0/range", {{"min", 47300}, {"max", 47310}});
    b.set("/services/1/ports/requested/0/range", {{"min", 47120}, {"max", 47130}});
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    PortAllocator alloc(*r.manifest);
    const auto ports = alloc.allocateAll();
    QVERIFY2(ports.ok(), qPrintable(ports.error()));
    QVERIFY(ports->value(QStringLiteral("api")).value(QStringLiteral("http")) >= 47300);
    const int web = ports->value(QStringLiteral("web")).value(QStringLiteral("http"));
    QVERIFY(web >= 47120 && web <= 47130);
}

void tst_PortAllocator::skipsReservedAndBusyPorts()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    const int taken = busy.serverPort();
    test::ManifestBuilder b;
    b.set("/ports/reserved", {taken + 1});
    b.set("/services/0/ports/requested/0/range", {{"min", taken}, {"max", taken + 5}});
    b.set("/services/1/ports/requested/0/range", {{"min", taken}, {"max", taken + 5}});
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    PortAllocator alloc(*r.manifest);
    const auto ports = alloc.allocateAll();
    QVERIFY2(ports.ok(), qPrintable(ports.error()));
    const int api = ports->value(QStringLiteral("api")).value(QStringLiteral("http"));
    const int web = ports->value(QStringLiteral("web")).value(QStringLiteral("http"));
    QVERIFY(api != taken && api != taken + 1);
    QVERIFY(web != taken && web != taken + 1 && web != api);
}

void tst_PortAllocator::exhaustedRangeNamesTheRequest()
{
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    test::ManifestBuilder b;
    b.set("/services/1/ports/requested/0/range",
          {{"min", busy.serverPort()}, {"max", busy.serverPort()}});
    const ManifestLoadResult r = b.load();
    QVERIFY(r.valid());
    PortAllocator alloc(*r.manifest);
    const auto ports = alloc.allocateAll();
    QVERIFY(!ports.ok());
    QVERIFY2(ports.error().contains(QStringLiteral("web.http in %1-%1").arg(busy.serverPort())),
             qPrintable(ports.error()));
}

void tst_PortAllocator::desktopWithBuildRangesAllocate()
{
    // Vrooli's runtime cannot start this bundle: its one-way cursor passes 47040-47060 (api)
    // before it reaches ui's 47010-47030. Here every service gets a port in its own range.
    test::ManifestBuilder b = test::ManifestBuilder::fromFile(
        test::sharedDir() + QStringLiteral("/vrooli/desktop-with-build.json"));
    for (auto &svc : b.doc["services"])
        svc["binaries"] = {{"linux-x64", {{"path", "bin/x"}}}};
    const ManifestLoadResult r = b.load();
    QVERIFY(r.manifest.has_value());
    PortAllocator alloc(*r.manifest);
    const auto ports = alloc.allocateAll();
    QVERIFY2(ports.ok(), qPrintable(ports.error()));
    const int ui = ports->value(QStringLiteral("ui")).value(QStringLiteral("http"));
    const int api = ports->value(QStringLiteral("api")).value(QStringLiteral("http"));
    const int grpc = ports->value(QStringLiteral("custom-tool")).value(QStringLiteral("grpc"));
    QVERIFY(ui >= 47010 && ui <= 47030);
    QVERIFY(api >= 47040 && api <= 47060);
    QVERIFY(grpc >= 47100 && grpc <= 47120);
}

QTEST_GUILESS_MAIN(tst_PortAllocator)
#include "tst_portallocator.moc"
