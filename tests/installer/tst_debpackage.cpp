#include "TestPaths.h"

#include <QDate>
#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace steward;

namespace {

const QString PackageName = QStringLiteral(STEWARD_PACKAGE_NAME);
const QString AppId = QStringLiteral(STEWARD_APP_ID);
const QString Launcher = QStringLiteral(STEWARD_LAUNCHER);
const QString AppDir = QStringLiteral("/" STEWARD_INSTALL_APPDIR);
const QByteArray Token = "wx_0123456789abcdefghij";

// What the alternatives link into /usr (postinst), and the file of the app directory each one
// ends at.
QList<std::pair<QString, QString>> alternativeLinks()
{
    return {
        {QStringLiteral("/usr/bin/stewardctl"), AppDir + QStringLiteral("/bin/stewardctl")},
        {QStringLiteral("/usr/share/man/man1/stewardctl.1.gz"),
         AppDir + QStringLiteral("/share/man/man1/stewardctl.1.gz")},
        {QStringLiteral("/usr/share/man/man1/steward.1.gz"),
         AppDir + QStringLiteral("/share/man/man1/steward.1.gz")},
        {QStringLiteral("/usr/share/bash-completion/completions/stewardctl"),
         AppDir + QStringLiteral("/share/bash-completion/completions/stewardctl")},
        {QStringLiteral("/usr/share/zsh/vendor-completions/_stewardctl"),
         AppDir + QStringLiteral("/share/zsh/vendor-completions/_stewardctl")},
    };
}

struct Outcome
{
    int code = -1;
    QString out;
    QString err;
};

Outcome run(const QString &program, const QStringList &args, const QByteArray &input = {},
            int timeoutMs = 60000,
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    env.insert(QStringLiteral("DEBIAN_FRONTEND"), QStringLiteral("noninteractive"));
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForStarted())
        return {-1, {}, program + QStringLiteral(": ") + p.errorString()};
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(timeoutMs))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// apt-get waits for the dpkg lock rather than failing when another install is under way.
Outcome aptGet(const QStringList &args)
{
    return run(QStringLiteral("apt-get"),
               QStringList {QStringLiteral("-y"), QStringLiteral("-o"),
                            QStringLiteral("DPkg::Lock::Timeout=120")}
                   + args,
               {}, 240000);
}

QString packageStatus()
{
    return run(QStringLiteral("dpkg-query"),
               {QStringLiteral("-W"), QStringLiteral("-f=${Status}"), PackageName})
        .out;
}

// True if anything is at `path`, a dangling symbolic link included.
bool present(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0;
}

// The files of the package and their modes, directories aside.
QList<std::pair<QString, QString>> expectedFiles()
{
    const QString app = AppDir.mid(1);
    const QString rw = QStringLiteral("-rw-r--r--");
    const QString rwx = QStringLiteral("-rwxr-xr-x");
    QList<std::pair<QString, QString>> files {
        {app + QStringLiteral("/bin/steward"), rwx},
        {app + QStringLiteral("/bin/steward-desktop"), rwx},
        {app + QStringLiteral("/bin/stewardctl"), rwx},
        {app + QStringLiteral("/bin/") + Launcher, rwx},
        {app + QStringLiteral("/bundle/bundle.json"), rw},
        {app + QStringLiteral("/bundle/bundle.lock"), rw},
        {QStringLiteral("usr/bin/") + Launcher, QStringLiteral("lrwxrwxrwx")},
        {QStringLiteral("usr/share/applications/") + AppId + QStringLiteral(".desktop"), rw},
        {QStringLiteral("usr/share/metainfo/") + AppId + QStringLiteral(".metainfo.xml"), rw},
        {QStringLiteral("usr/share/icons/hicolor/scalable/apps/") + AppId + QStringLiteral(".svg"),
         rw},
        {QStringLiteral("usr/share/doc/") + PackageName + QStringLiteral("/copyright"), rw},
        {QStringLiteral("usr/share/doc/") + PackageName + QStringLiteral("/changelog.gz"), rw},
        {QStringLiteral("usr/share/lintian/overrides/") + PackageName, rw},
        {QStringLiteral("usr/share/man/man1/") + Launcher + QStringLiteral(".1.gz"), rw},
        {app + QStringLiteral("/share/man/man1/steward.1.gz"), rw},
        {app + QStringLiteral("/share/man/man1/stewardctl.1.gz"), rw},
        {app + QStringLiteral("/share/bash-completion/completions/stewardctl"), rw},
        {app + QStringLiteral("/share/zsh/vendor-completions/_stewardctl"), rw},
    };
    for (int size : {16, 22, 24, 32, 48, 64, 128, 256})
        files.append({QStringLiteral("usr/share/icons/hicolor/%1x%1/apps/").arg(size) + AppId
                          + QStringLiteral(".png"),
                      rw});
    if (STEWARD_BUNDLE_IS_EXAMPLE) {
        files.append({app + QStringLiteral("/bundle/bin/hello-service"), rwx});
        // The page of its ui-bundle service.
        for (const char *file : {"index.html", "app.js", "style.css"})
            files.append({app + QStringLiteral("/bundle/ui/") + QLatin1String(file), rw});
    }
    return files;
}

// The executables of the processes whose parent is `parent` (from /proc).
QStringList childExecutables(qint64 parent)
{
    QStringList out;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs)) {
        QFile stat(QStringLiteral("/proc/") + entry + QStringLiteral("/stat"));
        if (!stat.open(QIODevice::ReadOnly))
            continue;
        const QByteArray line = stat.readAll();
        const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toLongLong() == parent)
            out << QFileInfo(QStringLiteral("/proc/") + entry + QStringLiteral("/exe"))
                       .symLinkTarget();
    }
    return out;
}

} // namespace

// Builds the package of the configured bundle from this build tree with CPack, checks it as
// Debian's tools do, then installs it for real with apt, runs the app from its launcher, and
// removes it again.
class tst_DebPackage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void controlFieldsComeFromTheManifest();
    void holdsTheExpectedFiles_data();
    void holdsTheExpectedFiles();
    void holdsNoOtherFile();
    void tarballHoldsTheSameFiles();
    void desktopEntryAndMetainfoValidate();
    void metainfoAndChangelogDateTheRelease();
    void lintianReportsNoError();
    void lintianReportsNoneOfTheseTags_data();
    void lintianReportsNoneOfTheseTags();
    void installsWithApt();
    void stewardctlItsManPagesAndCompletionAreInstalled();
    void launcherRunsTheBundleUntilReady();
    void headlessLauncherWithoutKeychainSaysWhatToRun();
    void removeLeavesNothingBehind();
    void cleanupTestCase();

private:
    QTemporaryDir m_out;
    QString m_deb;
    QString m_tgz;
    // Every path of the package (without the leading "./"), with its `dpkg-deb -c` line.
    QMap<QString, QString> m_entries;
    // What lintian said, its info tags included.
    QString m_lintian;
    bool m_installed = false;
};

void tst_DebPackage::initTestCase()
{
    QVERIFY(m_out.isValid());
    // apt reads the package as its unprivileged _apt user.
    QVERIFY(QFile::setPermissions(m_out.path(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                      | QFile::ReadGroup | QFile::ExeGroup | QFile::ReadOther
                                      | QFile::ExeOther));
    QElapsedTimer timer;
    timer.start();
    const Outcome r
        = run(QStringLiteral(CPACK_PATH),
              {QStringLiteral("--config"), test::binaryDir() + QStringLiteral("/CPackConfig.cmake"),
               QStringLiteral("-G"), QStringLiteral("DEB;TGZ"), QStringLiteral("-B"), m_out.path()},
              {}, 240000);
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    const QString arch
        = run(QStringLiteral("dpkg"), {QStringLiteral("--print-architecture")}).out.trimmed();
    m_deb = m_out.filePath(PackageName + QLatin1Char('_') + QStringLiteral(STEWARD_PACKAGE_VERSION)
                           + QLatin1Char('_') + arch + QStringLiteral(".deb"));
    QVERIFY2(QFile::exists(m_deb), qPrintable(QDir(m_out.path()).entryList().join(u' ')));
    const QStringList tarballs = QDir(m_out.path()).entryList({QStringLiteral("*.tar.gz")});
    QCOMPARE(tarballs.size(), 1);
    m_tgz = m_out.filePath(tarballs.first());
    qInfo("cpack built %s (%lld KiB) and %s (%lld KiB) in %lld ms", qPrintable(m_deb),
          QFileInfo(m_deb).size() / 1024, qPrintable(m_tgz), QFileInfo(m_tgz).size() / 1024,
          timer.elapsed());

    const Outcome listing = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-c"), m_deb});
    QCOMPARE(listing.code, 0);
    // drwxr-xr-x root/root 0 2024-01-01 00:00 ./opt/app/  or  ... ./usr/bin/app -> /opt/...
    static const QRegularExpression line(
        QStringLiteral(R"(^\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\./(.*)$)"));
    for (const QString &l : listing.out.split(u'\n', Qt::SkipEmptyParts)) {
        const QRegularExpressionMatch m = line.match(l);
        QVERIFY2(m.hasMatch(), qPrintable(l));
        const QString path = m.captured(1).section(QStringLiteral(" -> "), 0, 0);
        if (!path.isEmpty())
            m_entries.insert(path, l);
    }
}

void tst_DebPackage::controlFieldsComeFromTheManifest()
{
    auto field = [this](const char *name) {
        return run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QLatin1String(name)})
            .out.trimmed();
    };
    QCOMPARE(field("Package"), PackageName);
    QCOMPARE(field("Version"), QStringLiteral(STEWARD_PACKAGE_VERSION));
    const QString depends = field("Depends");
    // dpkg-shlibdeps found the libraries Steward links, and the Qt platform plugins are added.
    QVERIFY2(depends.contains(QLatin1String("libqt6core6")), qPrintable(depends));
    QVERIFY2(depends.contains(QLatin1String("libqt6keychain1")), qPrintable(depends));
    QVERIFY2(depends.contains(QLatin1String("qt6-qpa-plugins")), qPrintable(depends));
    QVERIFY2(depends.contains(QLatin1String("libqt6svg6")), qPrintable(depends));

    QVERIFY(!field("Description").isEmpty());
    QVERIFY(!field("Maintainer").isEmpty());
}

void tst_DebPackage::holdsTheExpectedFiles_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("mode"); // the start of dpkg-deb's mode column
    for (const auto &[path, mode] : expectedFiles())
        QTest::newRow(qPrintable(path)) << path << mode;
}

void tst_DebPackage::holdsTheExpectedFiles()
{
    QFETCH(QString, path);
    QFETCH(QString, mode);
    QVERIFY2(m_entries.contains(path), qPrintable(m_entries.keys().join(u'\n')));
    const QString entry = m_entries.value(path);
    QVERIFY2(entry.startsWith(mode + QLatin1Char(' ')), qPrintable(entry));
    QVERIFY2(entry.contains(QLatin1String(" root/root ")), qPrintable(entry));
    if (mode.startsWith(u'l'))
        QVERIFY2(
            entry.endsWith(QStringLiteral(" -> ") + AppDir + QStringLiteral("/bin/") + Launcher),
            qPrintable(entry));
}

void tst_DebPackage::holdsNoOtherFile()
{
    QStringList expected;
    for (const auto &[path, mode] : expectedFiles())
        expected << path;
    const QString bundle = AppDir.mid(1) + QStringLiteral("/bundle/");
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        // A bundle of your own is shipped as it is, whatever files it has.
        const bool bundleFile = !STEWARD_BUNDLE_IS_EXAMPLE && it.key().startsWith(bundle);
        QVERIFY2(it.value().startsWith(u'd') || expected.contains(it.key()) || bundleFile,
                 qPrintable(it.value()));
    }
}

void tst_DebPackage::tarballHoldsTheSameFiles()
{
    const Outcome r = run(QStringLiteral("tar"), {QStringLiteral("-tzf"), m_tgz});
    QCOMPARE(r.code, 0);
    QStringList inTar;
    for (QString path : r.out.split(u'\n', Qt::SkipEmptyParts)) {
        if (path.startsWith(QLatin1String("./")))
            path = path.mid(2);
        if (!path.isEmpty() && !path.endsWith(u'/'))
            inTar << path;
    }
    QStringList inDeb;
    for (auto it = m_entries.cbegin(); it != m_entries.cend(); ++it) {
        if (!it.value().startsWith(u'd'))
            inDeb << it.key();
    }
    inTar.sort();
    QCOMPARE(inTar, inDeb);
}

void tst_DebPackage::desktopEntryAndMetainfoValidate()
{
    const QString root = m_out.filePath(QStringLiteral("root"));
    QCOMPARE(run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, root}).code, 0);
    Outcome r = run(
        QStringLiteral("desktop-file-validate"),
        {root + QStringLiteral("/usr/share/applications/") + AppId + QStringLiteral(".desktop")});
    QVERIFY2(r.code == 0 && r.out.isEmpty(), qPrintable(r.out + r.err));
    // validate-tree also checks that the metainfo, the desktop entry and the icons agree.
    r = run(QStringLiteral("appstreamcli"),
            {QStringLiteral("validate-tree"), QStringLiteral("--no-net"), root});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    r = run(
        QStringLiteral("appstreamcli"),
        {QStringLiteral("validate"), QStringLiteral("--no-net"),
         root + QStringLiteral("/usr/share/metainfo/") + AppId + QStringLiteral(".metainfo.xml")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
}

void tst_DebPackage::metainfoAndChangelogDateTheRelease()
{
    // desktopEntryAndMetainfoValidate() unpacked the package here.
    const QString root = m_out.filePath(QStringLiteral("root"));
    QFile metainfo(root + QStringLiteral("/usr/share/metainfo/") + AppId
                   + QStringLiteral(".metainfo.xml"));
    QVERIFY(metainfo.open(QIODevice::ReadOnly));
    const QString xml = QString::fromUtf8(metainfo.readAll());
    const QString release = QStringLiteral("<release version=\"" STEWARD_APP_VERSION
                                           "\" date=\"" STEWARD_RELEASE_DATE "\"/>");
    QVERIFY2(xml.contains(release), qPrintable(xml));
    QCOMPARE(xml.count(QLatin1String("<release ")), 1);

    const Outcome changelog = run(
        QStringLiteral("zcat"),
        {root + QStringLiteral("/usr/share/doc/") + PackageName + QStringLiteral("/changelog.gz")});
    QCOMPARE(changelog.code, 0);
    // The maintainer line: " -- Name <mail>  Wed, 02 Dec 2026 00:00:00 +0000" (English names).
    const QString date = QDate::fromString(QStringLiteral(STEWARD_RELEASE_DATE), Qt::ISODate)
                             .toString(QStringLiteral("ddd, dd MMM yyyy"))
        + QStringLiteral(" 00:00:00 +0000");
    QVERIFY2(changelog.out.contains(QStringLiteral(">  ") + date + QLatin1Char('\n')),
             qPrintable(changelog.out + QStringLiteral(" / ") + date));
}

void tst_DebPackage::lintianReportsNoError()
{
    QElapsedTimer timer;
    timer.start();
    // -I: the hardening tags below are of the info level, which lintian leaves out by default.
    QStringList args {QStringLiteral("--display-info"), QStringLiteral("--show-overrides"), m_deb};
    if (::geteuid() == 0)
        args << QStringLiteral("--allow-root");
    const Outcome r = run(QStringLiteral("lintian"), args, {}, 240000);
    qInfo("lintian took %lld ms and says:\n%s", timer.elapsed(), qPrintable(r.out));
    // Exit code 2 means an error tag, which the overridden one counts as with --show-overrides.
    QVERIFY2((r.code == 0 || r.code == 2) && r.err.isEmpty(), qPrintable(r.out + r.err));
    m_lintian = r.out;
    for (const QString &line : r.out.split(u'\n', Qt::SkipEmptyParts)) {
        QVERIFY2(!line.startsWith(QLatin1String("E: ")), qPrintable(line));
        // The one override is the package's place, /opt/<package>, which the issue asks for.
        if (line.startsWith(QLatin1String("O: ")))
            QVERIFY2(line.contains(QStringLiteral(": dir-or-file-in-opt [") + AppDir.mid(1)),
                     qPrintable(line));
    }
}

void tst_DebPackage::lintianReportsNoneOfTheseTags_data()
{
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("unlessWhy"); // why this tree's package may show it; empty: never
    const QString unhardened = STEWARD_HARDENED
        ? QString()
        : QStringLiteral("this tree is built with STEWARD_HARDEN=OFF");
    // The ci preset's tree is sanitized at -O0, where glibc fortifies nothing (CMakeLists.txt);
    // the release tree's package is fortified.
    const QString unfortified = STEWARD_FORTIFIED
        ? QString()
        : QStringLiteral("this tree is not fortified (a sanitized or unoptimised build; the "
                         "release preset's is)");
    QTest::newRow("no-manual-page") << QStringLiteral("no-manual-page") << QString();
    QTest::newRow("hardening-no-relro") << QStringLiteral("hardening-no-relro") << unhardened;
    QTest::newRow("hardening-no-bindnow") << QStringLiteral("hardening-no-bindnow") << unhardened;
    QTest::newRow("hardening-no-pie") << QStringLiteral("hardening-no-pie") << unhardened;
    QTest::newRow("hardening-no-fortify-functions")
        << QStringLiteral("hardening-no-fortify-functions")
        << (unhardened.isEmpty() ? unfortified : unhardened);
}

void tst_DebPackage::lintianReportsNoneOfTheseTags()
{
    QFETCH(QString, tag);
    QFETCH(QString, unlessWhy);
    QVERIFY2(!m_lintian.isEmpty(), "lintian did not run (see lintianReportsNoError)");
    if (!unlessWhy.isEmpty())
        QSKIP(qPrintable(tag + QStringLiteral(" is not checked: ") + unlessWhy));
    const QRegularExpression line(QStringLiteral("^[EWI]: [^:]+: ")
                                      + QRegularExpression::escape(tag) + QStringLiteral("( |$)"),
                                  QRegularExpression::MultilineOption);
    const QRegularExpressionMatch m = line.match(m_lintian);
    QVERIFY2(!m.hasMatch(), qPrintable(m_lintian));
}

void tst_DebPackage::installsWithApt()
{
    if (::geteuid() != 0)
        QSKIP("Installing the package system-wide needs root: run the tests as root to cover "
              "apt-get install, the installed launcher and apt-get remove (CI does).");
    QVERIFY2(!packageStatus().contains(QLatin1String("ok installed")),
             qPrintable(PackageName
                        + QStringLiteral(" is already installed on this machine; this test "
                                         "installs and removes it itself, so remove it first "
                                         "(apt-get remove ")
                        + PackageName + QStringLiteral(")")));
    // The test checks that the last stewardctl alternative goes with the package.
    QVERIFY2(run(QStringLiteral("update-alternatives"),
                 {QStringLiteral("--query"), QStringLiteral("stewardctl")})
                     .code
                 != 0,
             "Another package on this machine provides stewardctl (update-alternatives "
             "--query stewardctl); this test needs a machine without one");
    QElapsedTimer timer;
    timer.start();
    m_installed = true; // from here on, cleanupTestCase() removes it whatever happens
    const Outcome r = aptGet({QStringLiteral("install"), m_deb});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    qInfo("apt-get install took %lld ms", timer.elapsed());
    QCOMPARE(packageStatus(), QStringLiteral("install ok installed"));
    for (const QString &path : m_entries.keys())
        QVERIFY2(present(QLatin1Char('/') + path), qPrintable(path));
    QCOMPARE(QFileInfo(QStringLiteral("/usr/bin/") + Launcher).canonicalFilePath(),
             AppDir + QStringLiteral("/bin/") + Launcher);
}

void tst_DebPackage::stewardctlItsManPagesAndCompletionAreInstalled()
{
    if (!m_installed)
        QSKIP("The package is not installed (see installsWithApt).");
    for (const auto &[link, target] : alternativeLinks())
        QCOMPARE(QFileInfo(link).canonicalFilePath(), target);
    // On a PATH without the app directory, as a new user's shell has it.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("PATH"), QStringLiteral("/usr/sbin:/usr/bin:/sbin:/bin"));
    Outcome r
        = run(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("command -v stewardctl")},
              {}, 60000, env);
    QCOMPARE(r.out.trimmed(), QStringLiteral("/usr/bin/stewardctl"));
    r = run(QStringLiteral("sh"), {QStringLiteral("-c"), QStringLiteral("stewardctl --help")}, {},
            60000, env);
    QVERIFY2(r.code == 0 && r.out.contains(QLatin1String("Usage: stewardctl")),
             qPrintable(r.out + r.err));
    // man finds each page through /usr/share/man (it names the file the link ends at), and
    // shows it.
    for (const QString &page :
         {QStringLiteral("stewardctl"), QStringLiteral("steward"), Launcher}) {
        r = run(QStringLiteral("man"), {QStringLiteral("-w"), page}, {}, 60000, env);
        QVERIFY2(r.code == 0, qPrintable(page + QStringLiteral(": ") + r.out + r.err));
        QCOMPARE(QFileInfo(r.out.trimmed()).canonicalFilePath(),
                 QFileInfo(QStringLiteral("/usr/share/man/man1/") + page + QStringLiteral(".1.gz"))
                     .canonicalFilePath());
        r = run(QStringLiteral("man"), {QStringLiteral("-P"), QStringLiteral("cat"), page}, {},
                60000, env);
        QVERIFY2(r.code == 0 && r.out.contains(QLatin1String("Usage: ")),
                 qPrintable(page + QStringLiteral(": ") + r.out + r.err));
    }
    // The licence: the copyright file names Apache-2.0, whose text Debian keeps.
    QFile copyright(QStringLiteral("/usr/share/doc/") + PackageName + QStringLiteral("/copyright"));
    QVERIFY(copyright.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(copyright.readAll());
    QVERIFY2(text.contains(QLatin1String("Apache License, Version 2.0"))
                 && text.contains(QLatin1String("/usr/share/common-licenses/Apache-2.0")),
             qPrintable(text));
    QFile licence(QStringLiteral("/usr/share/common-licenses/Apache-2.0"));
    QVERIFY(licence.open(QIODevice::ReadOnly));
    QVERIFY(licence.readAll().contains("Apache License"));
}

void tst_DebPackage::launcherRunsTheBundleUntilReady()
{
    if (!m_installed)
        QSKIP("The package is not installed (see installsWithApt).");
    if (!STEWARD_BUNDLE_IS_EXAMPLE)
        QSKIP("Only the example bundle's secrets are known to this test.");
    // The user's data location is a fresh one: the launcher is run as a user would, without
    // --app-data, so Steward picks its default under XDG_DATA_HOME.
    QTemporaryDir dataHome;
    const QString appData = dataHome.path() + QStringLiteral("/steward/hello-steward");
    QProcess steward;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_DATA_HOME"), dataHome.path());
    steward.setProcessEnvironment(env);
    steward.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer timer;
    timer.start();
    steward.start(QStringLiteral("/usr/bin/") + Launcher, {QStringLiteral("--headless")});
    QVERIFY2(steward.waitForStarted(), qPrintable(steward.errorString()));
    steward.closeWriteChannel();
    auto ctl = [&](const QStringList &args, const QByteArray &input = {}) {
        return run(AppDir + QStringLiteral("/bin/stewardctl"),
                   args + QStringList {QStringLiteral("--app-data"), appData}, input);
    };
    // Everything Steward printed so far. QVERIFY2 evaluates its message even when the check
    // passes, so reading must accumulate, never consume.
    QString printed;
    auto output = [&] {
        printed += QString::fromUtf8(steward.readAll());
        return printed;
    };

    Outcome status;
    QTRY_VERIFY2_WITH_TIMEOUT((status = ctl({QStringLiteral("status")}))
                                  .out.contains(QLatin1String("Missing secrets: api_token")),
                              qPrintable(status.out + status.err + output()), 30000);
    // The prompted secret goes in on stdin, never on a command line.
    Outcome r = ctl({QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("api_token")},
                    Token + "\n");
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QTRY_VERIFY2_WITH_TIMEOUT((status = ctl({QStringLiteral("status"), QStringLiteral("--json")}))
                                  .out.contains(QLatin1String("\"status\": \"ready\"")),
                              qPrintable(status.out + status.err + output()), 30000);
    qInfo("launch to ready through stewardctl took %lld ms", timer.elapsed());
    // The launcher became Steward, and its services run the installed bundle's binary.
    const QString service = AppDir + QStringLiteral("/bundle/bin/hello-service");
    QCOMPARE(childExecutables(steward.processId()), (QStringList {service, service}));

    r = ctl({QStringLiteral("shutdown")});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    QVERIFY(steward.waitForFinished(30000));
    const QString out = output();
    QCOMPARE(steward.exitStatus(), QProcess::NormalExit);
    QVERIFY2(steward.exitCode() == 0, qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("hello-steward is ready.")), qPrintable(out));
    QVERIFY2(out.contains(QLatin1String("Stopped.")), qPrintable(out));
    QVERIFY(!out.contains(QString::fromLatin1(Token)));
}

void tst_DebPackage::headlessLauncherWithoutKeychainSaysWhatToRun()
{
    if (!m_installed)
        QSKIP("The package is not installed (see installsWithApt).");
    if (!STEWARD_BUNDLE_IS_EXAMPLE)
        QSKIP("Only the example bundle's secrets are known to this test.");
    // A server reached over SSH: no display, no session bus, nothing in the runtime dir.
    QTemporaryDir home;
    QVERIFY(QDir(home.path()).mkdir(QStringLiteral("runtime")));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char *name :
         {"DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY", "GNOME_KEYRING_CONTROL"})
        env.remove(QLatin1String(name));
    env.insert(QStringLiteral("XDG_RUNTIME_DIR"), home.filePath(QStringLiteral("runtime")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home.path());
    const QString appData = home.path() + QStringLiteral("/steward/hello-steward");
    const QString launcher = QStringLiteral("/usr/bin/") + Launcher;

    // One line naming the command that works, and nothing started.
    const Outcome refused = run(launcher, {QStringLiteral("--headless")}, {}, 60000, env);
    QVERIFY2(refused.code == 4, qPrintable(refused.out + refused.err));
    const QString command = Launcher + QStringLiteral(" --headless --secret-store=file");
    QVERIFY2(refused.err.contains(QLatin1Char('`') + command + QLatin1Char('`')),
             qPrintable(refused.err));
    QCOMPARE(refused.err.count(u'\n'), 1);
    QVERIFY(refused.out.isEmpty());
    QVERIFY(!present(appData));

    // That command serves, and its second run finds the secrets the first one stored.
    auto ctl = [&](const QStringList &args, const QByteArray &input = {}) {
        return run(AppDir + QStringLiteral("/bin/stewardctl"),
                   args + QStringList {QStringLiteral("--app-data"), appData}, input, 60000, env);
    };
    for (const bool firstRun : {true, false}) {
        QProcess steward;
        steward.setProcessEnvironment(env);
        steward.setProcessChannelMode(QProcess::MergedChannels);
        steward.start(launcher, command.split(u' ').mid(1));
        QVERIFY2(steward.waitForStarted(), qPrintable(steward.errorString()));
        steward.closeWriteChannel();
        QString printed;
        auto output = [&] {
            printed += QString::fromUtf8(steward.readAll());
            return printed;
        };
        Outcome status;
        if (firstRun) {
            QTRY_VERIFY2_WITH_TIMEOUT(
                (status = ctl({QStringLiteral("status")}))
                    .out.contains(QLatin1String("Missing secrets: api_token")),
                qPrintable(status.out + status.err + output()), 30000);
            const Outcome r = ctl(
                {QStringLiteral("secrets"), QStringLiteral("set"), QStringLiteral("api_token")},
                Token + "\n");
            QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        }
        QTRY_VERIFY2_WITH_TIMEOUT(
            (status = ctl({QStringLiteral("status"), QStringLiteral("--json")}))
                .out.contains(QLatin1String("\"status\": \"ready\"")),
            qPrintable(status.out + status.err + output()), 30000);
        const Outcome r = ctl({QStringLiteral("shutdown")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY(steward.waitForFinished(30000));
        QVERIFY2(steward.exitStatus() == QProcess::NormalExit && steward.exitCode() == 0,
                 qPrintable(output()));
        QCOMPARE(output().contains(QLatin1String("(first run)")), firstRun);
    }
}

void tst_DebPackage::removeLeavesNothingBehind()
{
    if (!m_installed)
        QSKIP("The package is not installed (see installsWithApt).");
    const Outcome r = aptGet({QStringLiteral("remove"), PackageName});
    QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
    m_installed = false;
    QVERIFY(!packageStatus().contains(QLatin1String("ok installed")));
    // No file of the package, and no directory of its own, is left; the running app wrote
    // nothing next to its installed files either.
    for (const QString &path : m_entries.keys())
        QVERIFY2(!present(QLatin1Char('/') + path) || m_entries.value(path).startsWith(u'd'),
                 qPrintable(path));
    QVERIFY(!present(AppDir));
    QVERIFY(!present(QStringLiteral("/usr/share/doc/") + PackageName));
    // The alternatives' links went with the last stewardctl, this one.
    for (const auto &[link, target] : alternativeLinks())
        QVERIFY2(!present(link), qPrintable(link));
    QVERIFY(!present(QStringLiteral("/etc/alternatives/stewardctl")));
    QVERIFY(run(QStringLiteral("update-alternatives"),
                {QStringLiteral("--query"), QStringLiteral("stewardctl")})
                .code
            != 0);
}

void tst_DebPackage::cleanupTestCase()
{
    if (m_installed)
        aptGet({QStringLiteral("remove"), PackageName});
}

QTEST_GUILESS_MAIN(tst_DebPackage)

#include "tst_debpackage.moc"
