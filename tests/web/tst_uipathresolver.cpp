#include "web/UiPathResolver.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace steward;
using Outcome = UiPathResolver::Outcome;

Q_DECLARE_METATYPE(steward::UiPathResolver::Outcome)

// The path rules of a ui-bundle's static server, against a real folder with symlinks leading
// in and out of it. Every way out is refused (404), anything else that names no file falls back
// to index.html.
class tst_UiPathResolver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void resolve_data();
    void resolve();
    void segments_data();
    void segments();
    void missingRootServesNothing();
    void missingIndexIsNotFound();

private:
    void write(const QString &relative, const QByteArray &content = "x");

    QTemporaryDir m_dir;
    QString m_root; // <tmp>/site: the asset folder
    QString m_outside; // <tmp>/outside: beside it
};

void tst_UiPathResolver::write(const QString &relative, const QByteArray &content)
{
    const QString path = m_dir.filePath(relative);
    QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

void tst_UiPathResolver::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_root = QFileInfo(m_dir.filePath(QStringLiteral("site"))).absoluteFilePath();
    m_outside = m_dir.filePath(QStringLiteral("outside"));
    write(QStringLiteral("site/index.html"), "<!doctype html>");
    write(QStringLiteral("site/app.js"));
    write(QStringLiteral("site/with space.txt"));
    write(QStringLiteral("site/café.txt"));
    write(QStringLiteral("site/%2e%2e"));
    write(QStringLiteral("site/docs/index.html"));
    write(QStringLiteral("site/assets/logo.svg"));
    write(QStringLiteral("site/appdata/runtime/auth-token"), "admin-token");
    write(QStringLiteral("site/...hidden/x"));
    QVERIFY(QDir().mkpath(m_root + QStringLiteral("/empty")));
    write(QStringLiteral("outside/secret.txt"), "secret");
    write(QStringLiteral("site-sibling/secret.txt"), "secret");
    // Symlinks: into the folder (fine), out of it as a folder and as a file (refused).
    QVERIFY(QFile::link(m_root + QStringLiteral("/assets/logo.svg"),
                        m_root + QStringLiteral("/logo-link.svg")));
    QVERIFY(QFile::link(m_outside, m_root + QStringLiteral("/out")));
    QVERIFY(QFile::link(m_outside + QStringLiteral("/secret.txt"),
                        m_root + QStringLiteral("/secret-link.txt")));
    QVERIFY(QFile::link(QStringLiteral("/etc"), m_root + QStringLiteral("/etc")));
    QVERIFY(
        QFile::link(m_outside + QStringLiteral("/missing"), m_root + QStringLiteral("/dangling")));
    // A FIFO would block whoever opens it.
    QCOMPARE(::mkfifo(QFile::encodeName(m_root + QStringLiteral("/pipe")).constData(), 0600), 0);
}

void tst_UiPathResolver::resolve_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<QString>("file"); // relative to the root; empty for Refused

    const QString index = QStringLiteral("index.html");
    // Files.
    QTest::newRow("root") << QByteArray("/") << Outcome::File << index;
    QTest::newRow("file") << QByteArray("/app.js") << Outcome::File << QStringLiteral("app.js");
    QTest::newRow("nested") << QByteArray("/assets/logo.svg") << Outcome::File
                            << QStringLiteral("assets/logo.svg");
    QTest::newRow("folder with index")
        << QByteArray("/docs/") << Outcome::File << QStringLiteral("docs/index.html");
    QTest::newRow("folder without slash")
        << QByteArray("/docs") << Outcome::File << QStringLiteral("docs/index.html");
    QTest::newRow("encoded space")
        << QByteArray("/with%20space.txt") << Outcome::File << QStringLiteral("with space.txt");
    QTest::newRow("encoded UTF-8")
        << QByteArray("/caf%C3%A9.txt") << Outcome::File << QStringLiteral("café.txt");
    QTest::newRow("symlink inside")
        << QByteArray("/logo-link.svg") << Outcome::File << QStringLiteral("assets/logo.svg");
    QTest::newRow("dots inside a name")
        << QByteArray("/...hidden/x") << Outcome::File << QStringLiteral("...hidden/x");
    QTest::newRow("double-encoded dots are a name")
        << QByteArray("/%252e%252e") << Outcome::File << QStringLiteral("%2e%2e");
    // Single-page app routes.
    QTest::newRow("app route") << QByteArray("/settings/profile") << Outcome::Fallback << index;
    QTest::newRow("missing file") << QByteArray("/missing.js") << Outcome::Fallback << index;
    QTest::newRow("folder without index") << QByteArray("/empty/") << Outcome::Fallback << index;
    QTest::newRow("file as folder") << QByteArray("/app.js/") << Outcome::Fallback << index;
    QTest::newRow("below a file") << QByteArray("/app.js/x") << Outcome::Fallback << index;
    QTest::newRow("dangling symlink") << QByteArray("/dangling") << Outcome::Fallback << index;

    // Every way out: 404, never index.html.
    const QString none;
    for (const char *escape : {
             "/..",
             "/../outside/secret.txt",
             "/../../../../etc/passwd",
             "/assets/../../outside/secret.txt",
             "/assets/..",
             "/./app.js",
             "/.",
             "/...",
             "/%2e%2e/outside/secret.txt",
             "/%2E%2E/outside/secret.txt",
             "/.%2e/outside/secret.txt",
             "/%2e./outside/secret.txt",
             "/%2e",
             "/assets/%2e%2e/%2e%2e/outside/secret.txt",
             "/..%2foutside%2fsecret.txt",
             "/%2e%2e%2foutside%2fsecret.txt",
             "/assets%2flogo.svg",
             "/%2Fetc%2Fpasswd",
             "//etc/passwd",
             "///etc/passwd",
             "/assets//logo.svg",
             "/..\\outside\\secret.txt",
             "/\\..\\outside",
             "/%5c..%5coutside%5csecret.txt",
             "/assets\\logo.svg",
             "/C:/Windows/win.ini",
             "/c:%5cwindows%5cwin.ini",
             "/%00",
             "/app.js%00",
             "/app.js%00.png",
             "/a%00/../app.js",
             "/%0a",
             "/%7f",
             "/%",
             "/%2",
             "/%zz",
             "/%c0%ae%c0%ae/outside/secret.txt",
             "/%e0%80%ae%e0%80%ae/outside",
             "/%ff",
             "/out/secret.txt",
             "/out",
             "/out/",
             "/secret-link.txt",
             "/etc/passwd",
             "/etc",
             "/../site-sibling/secret.txt",
             "/appdata/runtime/auth-token",
             "/appdata/",
             "/pipe",
             "http://127.0.0.1/app.js",
             "*",
             "",
             "app.js",
         })
        QTest::newRow(QByteArray("refused " + QByteArray(escape)).constData())
            << QByteArray(escape) << Outcome::Refused << none;
}

void tst_UiPathResolver::resolve()
{
    QFETCH(QByteArray, path);
    QFETCH(Outcome, outcome);
    QFETCH(QString, file);
    const UiPathResolver resolver(m_root, {m_root + QStringLiteral("/appdata")});
    const UiPathResolver::Resolution r = resolver.resolve(path);
    QCOMPARE(r.outcome, outcome);
    if (outcome == Outcome::Refused)
        QVERIFY(r.filePath.isEmpty());
    else
        QCOMPARE(r.filePath, QFileInfo(m_root + QLatin1Char('/') + file).canonicalFilePath());
}

void tst_UiPathResolver::segments_data()
{
    QTest::addColumn<QByteArray>("path");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("root") << QByteArray("/") << QStringList {QString()};
    QTest::newRow("file") << QByteArray("/a/b.js")
                          << QStringList {QStringLiteral("a"), QStringLiteral("b.js")};
    QTest::newRow("folder") << QByteArray("/a/") << QStringList {QStringLiteral("a"), QString()};
    QTest::newRow("decoded once") << QByteArray("/%2541") << QStringList {QStringLiteral("%41")};
    QTest::newRow("plus is a plus") << QByteArray("/a+b") << QStringList {QStringLiteral("a+b")};
}

void tst_UiPathResolver::segments()
{
    QFETCH(QByteArray, path);
    QFETCH(QStringList, expected);
    const std::optional<QStringList> got = UiPathResolver::segments(path);
    QVERIFY(got.has_value());
    QCOMPARE(*got, expected);
}

void tst_UiPathResolver::missingRootServesNothing()
{
    const UiPathResolver resolver(m_dir.filePath(QStringLiteral("nowhere")));
    QVERIFY(resolver.root().isEmpty());
    QCOMPARE(resolver.resolve("/").outcome, Outcome::Refused);
    QCOMPARE(resolver.resolve("/index.html").outcome, Outcome::Refused);
}

void tst_UiPathResolver::missingIndexIsNotFound()
{
    // Without index.html there is nothing to fall back to: 404, and files are still served.
    const UiPathResolver resolver(m_root + QStringLiteral("/assets"));
    QCOMPARE(resolver.resolve("/logo.svg").outcome, Outcome::File);
    QCOMPARE(resolver.resolve("/route").outcome, Outcome::Refused);
    QCOMPARE(resolver.resolve("/").outcome, Outcome::Refused);
}

QTEST_GUILESS_MAIN(tst_UiPathResolver)
#include "tst_uipathresolver.moc"
