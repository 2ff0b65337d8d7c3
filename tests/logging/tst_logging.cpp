#include "core/Redactor.h"
#include "logging/Logging.h"

#include <QFile>
#include <QLoggingCategory>
#include <QTemporaryDir>
#include <QTest>

using namespace steward;

namespace {
Q_LOGGING_CATEGORY(demo, "steward.demo")
}

// Steward's log with Qt's own messages routed into it: what Qt or QtKeychain print goes
// through the same redactor and reaches the same file as Steward's lines.
class tst_Logging : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void qtMessagesAreRedactedIntoTheLogFile();
    void qStringsFormatAsUtf8();
};

void tst_Logging::qtMessagesAreRedactedIntoTheLogFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("logs/steward.log"));
    QVERIFY(Logging::addFile(path));
    auto redactor = std::make_shared<Redactor>();
    redactor->setSecrets({QByteArrayLiteral("hunter2-opensesame")});
    Logging::setRedactor(redactor);

    const QtMessageHandler previous = qInstallMessageHandler(nullptr);
    Logging::captureQtMessages();
    qWarning("keychain said: the password hunter2-opensesame was refused");
    qCWarning(demo) << "a categorised warning";
    qInstallMessageHandler(previous);
    Logging::qt()->flush();

    QFile f(path);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const QByteArray log = f.readAll();
    const QByteArray redacted
        = QByteArray("[qt] keychain said: the password ") + Redactor::Marker + " was refused";
    QVERIFY2(log.contains(redacted), log.constData());
    QVERIFY(log.contains(" warning [qt] "));
    QVERIFY(log.contains("[qt] steward.demo: a categorised warning"));
    QVERIFY(!log.contains("hunter2-opensesame"));
}

// A log call passes a QString as it is (logging/QStringFormatter.h).
void tst_Logging::qStringsFormatAsUtf8()
{
    const QString word = QStringLiteral("gr\u00fc\u00dfe");
    QCOMPARE(fmt::format("{}|{:>4}|{}", word, QStringLiteral("ab"), QString()),
             std::string("gr\u00fc\u00dfe|  ab|"));
}

QTEST_GUILESS_MAIN(tst_Logging)

#include "tst_logging.moc"
