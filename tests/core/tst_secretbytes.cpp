// Where a SecretKeeper keeps secret values, asked of the real kernel: pages of their own that
// no core dump holds, that a forked child sees as zeros, and that are gone once dropped.

#include "core/SecretBytes.h"

#include <QFile>
#include <QTest>

#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace steward;

namespace {

// The VmFlags of the mapping that holds `address`, from /proc/self/smaps ("rd wr mr ... dd").
QStringList vmFlagsAt(const void *address)
{
    QFile smaps(QStringLiteral("/proc/self/smaps"));
    if (!smaps.open(QIODevice::ReadOnly))
        return {};
    const quintptr at = quintptr(address);
    bool inside = false;
    for (const QByteArray &line : smaps.readAll().split('\n')) {
        const qsizetype dash = line.indexOf('-');
        const qsizetype space = line.indexOf(' ');
        if (dash > 0 && space > dash && !line.startsWith("VmFlags")) {
            bool okBegin = false;
            bool okEnd = false;
            const quintptr begin = line.left(dash).toULongLong(&okBegin, 16);
            const quintptr end = line.mid(dash + 1, space - dash - 1).toULongLong(&okEnd, 16);
            if (okBegin && okEnd)
                inside = at >= begin && at < end;
        } else if (inside && line.startsWith("VmFlags:")) {
            return QString::fromLatin1(line.mid(8)).simplified().split(QLatin1Char(' '));
        }
    }
    return {};
}

// Whether the page at `address` is mapped in this process.
bool isMapped(const void *address)
{
    const long page = ::sysconf(_SC_PAGESIZE);
    void *start = reinterpret_cast<void *>(quintptr(address) & ~quintptr(page - 1));
    unsigned char resident = 0;
    return ::mincore(start, size_t(page), &resident) == 0;
}

} // namespace

class tst_SecretBytes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void holdsTheValue();
    void pagesAreLeftOutOfCoreDumps();
    void aForkedChildSeesZeros();
    void droppedValuesAreGone();
    void mapReplacesAndCopies();
};

void tst_SecretBytes::holdsTheValue()
{
    const QByteArray value("correct horse battery staple");
    SecretBytes bytes(value);
    QCOMPARE(bytes.view().toByteArray(), value);
    SecretBytes moved(std::move(bytes));
    QCOMPARE(moved.view().toByteArray(), value);
    QCOMPARE(bytes.size(), 0);
    QVERIFY(SecretBytes(QByteArray()).view().isEmpty());
}

void tst_SecretBytes::pagesAreLeftOutOfCoreDumps()
{
    SecretBytes bytes(QByteArrayLiteral("sk-live-0123456789abcdef"));
    const QStringList flags = vmFlagsAt(bytes.data());
    QVERIFY2(flags.contains(QLatin1String("dd")), qPrintable(flags.join(QLatin1Char(' '))));
    // Wipe-on-fork shows as "wf" from Linux 4.14 on.
    QVERIFY2(flags.contains(QLatin1String("wf")), qPrintable(flags.join(QLatin1Char(' '))));
}

void tst_SecretBytes::aForkedChildSeesZeros()
{
    const QByteArray value("sk-live-0123456789abcdef");
    SecretBytes bytes(value);
    int pipeFds[2];
    QCOMPARE(::pipe(pipeFds), 0);
    const pid_t child = ::fork();
    if (child == 0) {
        // What a service would find at that address between fork and exec.
        (void)!::write(pipeFds[1], bytes.data(), size_t(bytes.size()));
        ::_exit(0);
    }
    ::close(pipeFds[1]);
    QByteArray seen(value.size(), 'x');
    qsizetype got = 0;
    while (got < seen.size()) {
        const ssize_t n = ::read(pipeFds[0], seen.data() + got, size_t(seen.size() - got));
        if (n <= 0)
            break;
        got += n;
    }
    ::close(pipeFds[0]);
    int status = 0;
    QCOMPARE(::waitpid(child, &status, 0), child);
    QCOMPARE(got, value.size());
    QCOMPARE(seen, QByteArray(value.size(), '\0'));
    QCOMPARE(bytes.view().toByteArray(), value); // the parent keeps it
}

void tst_SecretBytes::droppedValuesAreGone()
{
    const char *address = nullptr;
    {
        SecretBytes bytes(QByteArrayLiteral("sk-live-0123456789abcdef"));
        address = bytes.data();
        QVERIFY(isMapped(address));
    }
    QVERIFY(!isMapped(address));
    SecretBytes cleared(QByteArrayLiteral("another-secret-value"));
    address = cleared.data();
    cleared.clear();
    QCOMPARE(cleared.size(), 0);
    QVERIFY(!isMapped(address));
}

void tst_SecretBytes::mapReplacesAndCopies()
{
    SecretMap map;
    QVERIFY(!map.contains(QStringLiteral("a")));
    QVERIFY(!map.find(QStringLiteral("a")));
    map.insert(QStringLiteral("a"), QByteArrayLiteral("first-value"));
    QCOMPARE(map.value(QStringLiteral("a")), QByteArray("first-value"));
    map.insert(QStringLiteral("a"), QByteArrayLiteral("second-value"));
    QCOMPARE(*map.find(QStringLiteral("a")), QByteArray("second-value"));
    map.insert(QStringLiteral("b"), QByteArrayLiteral("b-value"));
    QCOMPARE(map.size(), 2);
    QStringList seen;
    map.forEach([&](const QString &id, QByteArrayView v) {
        seen << id + QLatin1Char('=') + QString::fromLatin1(v.toByteArray());
    });
    seen.sort();
    QCOMPARE(seen, QStringList({QStringLiteral("a=second-value"), QStringLiteral("b=b-value")}));
    map.remove(QStringLiteral("a"));
    QCOMPARE(map.keys(), QStringList {QStringLiteral("b")});
    QCOMPARE(map.value(QStringLiteral("a")), QByteArray());
}

QTEST_GUILESS_MAIN(tst_SecretBytes)
#include "tst_secretbytes.moc"
