#include "SystemdScope.h"

#include "Cgroup.h"

#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QDeadlineTimer>
#include <QFile>
#include <QThread>

#if defined(Q_OS_LINUX)
#include <sys/xattr.h>
#include <unistd.h>
#endif

namespace steward {
namespace {

// One property of a unit, as StartTransientUnit takes them: (sv).
struct UnitProperty
{
    QString name;
    QDBusVariant value;
};

// An auxiliary unit: (sa(sv)). Steward sends none, but the signature needs the type.
struct AuxUnit
{
    QString name;
    QList<UnitProperty> properties;
};

QDBusArgument &operator<<(QDBusArgument &arg, const UnitProperty &p)
{
    arg.beginStructure();
    arg << p.name << p.value;
    arg.endStructure();
    return arg;
}

const QDBusArgument &operator>>(const QDBusArgument &arg, UnitProperty &p)
{
    arg.beginStructure();
    arg >> p.name >> p.value;
    arg.endStructure();
    return arg;
}

QDBusArgument &operator<<(QDBusArgument &arg, const AuxUnit &u)
{
    arg.beginStructure();
    arg << u.name << u.properties;
    arg.endStructure();
    return arg;
}

const QDBusArgument &operator>>(const QDBusArgument &arg, AuxUnit &u)
{
    arg.beginStructure();
    arg >> u.name >> u.properties;
    arg.endStructure();
    return arg;
}

} // namespace
} // namespace steward

Q_DECLARE_METATYPE(steward::UnitProperty)
Q_DECLARE_METATYPE(steward::AuxUnit)

namespace steward {

QString SystemdScope::unitName(const QString &appName)
{
    QString app;
    for (const QChar c : appName)
        app += (c.isLetterOrNumber() && c.unicode() < 128) || c == QLatin1Char('-')
            ? c
            : QLatin1Char('_');
    return QStringLiteral("steward-%1-%2.scope").arg(app.left(100)).arg(qint64(::getpid()));
}

bool SystemdScope::isDelegated(const QString &dir)
{
#if defined(Q_OS_LINUX)
    const QByteArray path = QFile::encodeName(dir);
    for (const char *name : {"user.delegate", "trusted.delegate"}) {
        char value[8] = {};
        if (::getxattr(path.constData(), name, value, sizeof value - 1) > 0 && value[0] == '1')
            return true;
    }
#else
    Q_UNUSED(dir);
#endif
    return false;
}

Result<QString> SystemdScope::enter(const QString &appName, int timeoutMs)
{
    using R = Result<QString>;
#if defined(Q_OS_LINUX)
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return R::failure(
            QStringLiteral("no session bus to ask systemd on (%1)").arg(bus.lastError().message()));
    qDBusRegisterMetaType<UnitProperty>();
    qDBusRegisterMetaType<QList<UnitProperty>>();
    qDBusRegisterMetaType<AuxUnit>();
    qDBusRegisterMetaType<QList<AuxUnit>>();

    const QString unit = unitName(appName);
    const QList<UnitProperty> properties {
        {QStringLiteral("Description"),
         QDBusVariant(QStringLiteral("Steward for %1 and its services").arg(appName))},
        {QStringLiteral("PIDs"), QDBusVariant(QVariant::fromValue(QList<uint> {uint(::getpid())}))},
        {QStringLiteral("Delegate"), QDBusVariant(true)},
        // Gone from systemd's list once it has ended, even after a failure.
        {QStringLiteral("CollectMode"), QDBusVariant(QStringLiteral("inactive-or-failed"))},
    };
    QDBusMessage call = QDBusMessage::createMethodCall(
        QStringLiteral("org.freedesktop.systemd1"), QStringLiteral("/org/freedesktop/systemd1"),
        QStringLiteral("org.freedesktop.systemd1.Manager"), QStringLiteral("StartTransientUnit"));
    call << unit << QStringLiteral("fail") << QVariant::fromValue(properties)
         << QVariant::fromValue(QList<AuxUnit> {});
    const QDBusMessage reply = bus.call(call, QDBus::Block, timeoutMs);
    if (reply.type() == QDBusMessage::ErrorMessage)
        return R::failure(QStringLiteral("systemd did not make the scope %1: %2")
                              .arg(unit, reply.errorMessage()));
    // The job runs after the answer: the scope is there once the kernel shows Steward in it.
    const QDeadlineTimer deadline(timeoutMs);
    QString own = CgroupTree::ownDirectory();
    while (!own.endsWith(QLatin1Char('/') + unit) && !deadline.hasExpired()) {
        QThread::msleep(5);
        own = CgroupTree::ownDirectory();
    }
    if (!own.endsWith(QLatin1Char('/') + unit))
        return R::failure(
            QStringLiteral(
                "systemd took the scope %1 but did not move Steward into it within %2 ms")
                .arg(unit)
                .arg(timeoutMs));
    return own;
#else
    Q_UNUSED(appName);
    Q_UNUSED(timeoutMs);
    return R::failure(QStringLiteral("systemd exists on Linux only"));
#endif
}

} // namespace steward
