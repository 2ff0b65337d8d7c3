#include "manifest/TemplateRenderer.h"

#include <QTest>

using namespace steward;

class tst_TemplateRenderer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokens_data();
    void tokens();
    void render_data();
    void render();
    void unresolvableTokensStayAsWritten_data();
    void unresolvableTokensStayAsWritten();
    void serviceIdsWithDots();
};

void tst_TemplateRenderer::tokens_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("none") << "plain text" << QStringList();
    QTest::newRow("one port") << "http://127.0.0.1:${api.http}/"
                              << QStringList {QStringLiteral("api.http")};
    QTest::newRow("adjacent") << "${data}${bundle}"
                              << QStringList {QStringLiteral("data"), QStringLiteral("bundle")};
    QTest::newRow("dollar without brace") << "$HOME and $api.http" << QStringList();
    QTest::newRow("unterminated") << "${api.http" << QStringList();
}

void tst_TemplateRenderer::tokens()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QCOMPARE(TemplateRenderer::tokens(text), expected);
}

void tst_TemplateRenderer::render_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("no tokens") << "LOG_LEVEL"
                               << "LOG_LEVEL";
    QTest::newRow("port") << "http://127.0.0.1:${api.http}"
                          << "http://127.0.0.1:47001";
    QTest::newRow("data") << "file:${data}/app.db"
                          << "file:/home/u/.local/share/app/app.db";
    QTest::newRow("bundle") << "${bundle}/ui/dist"
                            << "/opt/app/ui/dist";
    QTest::newRow("several") << "${web.http}-${api.grpc}-${api.http}"
                             << "47002-47003-47001";
}

void tst_TemplateRenderer::render()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    TemplateRenderer::Context ctx;
    ctx.ports[QStringLiteral("api")]
        = {{QStringLiteral("http"), 47001}, {QStringLiteral("grpc"), 47003}};
    ctx.ports[QStringLiteral("web")] = {{QStringLiteral("http"), 47002}};
    ctx.dataDir = QStringLiteral("/home/u/.local/share/app");
    ctx.bundleRoot = QStringLiteral("/opt/app");
    QCOMPARE(TemplateRenderer(ctx).render(text), expected);
    QVERIFY(TemplateRenderer(ctx).unresolved(text).isEmpty());
}

void tst_TemplateRenderer::unresolvableTokensStayAsWritten_data()
{
    // The v0.1 reference runtime passes a token it cannot resolve through literally.
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::addColumn<QStringList>("unresolved");
    QTest::newRow("unknown service")
        << "${api.http} ${playwright.http}"
        << "47001 ${playwright.http}" << QStringList {QStringLiteral("playwright.http")};
    QTest::newRow("unknown port") << "${api.grpc}"
                                  << "${api.grpc}" << QStringList {QStringLiteral("api.grpc")};
    QTest::newRow("shell style") << "${HOME}/x:${data}"
                                 << "${HOME}/x:/data" << QStringList {QStringLiteral("HOME")};
    QTest::newRow("empty") << "a${}b"
                           << "a${}b" << QStringList {QString()};
}

void tst_TemplateRenderer::unresolvableTokensStayAsWritten()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QFETCH(QStringList, unresolved);
    TemplateRenderer::Context ctx;
    ctx.ports[QStringLiteral("api")] = {{QStringLiteral("http"), 47001}};
    ctx.dataDir = QStringLiteral("/data");
    QCOMPARE(TemplateRenderer(ctx).render(text), expected);
    QCOMPARE(TemplateRenderer(ctx).unresolved(text), unresolved);
}

void tst_TemplateRenderer::serviceIdsWithDots()
{
    TemplateRenderer::Context ctx;
    ctx.ports[QStringLiteral("web.ui")] = {{QStringLiteral("http"), 47005}};
    ctx.ports[QStringLiteral("web")] = {{QStringLiteral("ui"), 47006}};
    QVERIFY(TemplateRenderer::isWellFormed(QStringLiteral("web.ui.http")));
    QCOMPARE(TemplateRenderer(ctx).render(QStringLiteral("${web.ui.http} ${web.ui}")),
             QStringLiteral("47005 47006"));
}

QTEST_GUILESS_MAIN(tst_TemplateRenderer)
#include "tst_templaterenderer.moc"
