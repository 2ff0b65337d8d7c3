// A stand-in for the user's systemd on the session bus, for the one thing Steward asks of it:
// StartTransientUnit of a scope. There is no systemd user instance on the machines the tests run
// on, so this is a fake, checked against systemd's own client (systemd-run --user --scope, in
// tst_containment). Like systemd, it makes the scope's cgroup under the directory given, moves the
// PIDs into it, marks it delegated (user.delegate=1) when Delegate is true, answers with a job
// path and then sends JobRemoved with "done", and tells a unit's InvocationID, which systemd-run
// asks for. Each call is appended to the log file given as one
// JSON line: {"unit", "mode", "pids", "delegate"}.
//
//   fake_systemd <cgroup dir for the scopes> <log file>     prints "ready" once it owns the name

#include <QCoreApplication>
#include <QDBusArgument>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDBusVariant>
#include <QDBusVirtualObject>
#include <QDir>
#include <QFile>

#include <csignal>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <sys/prctl.h>
#include <sys/xattr.h>

namespace {

class Manager : public QDBusVirtualObject
{
public:
    Manager(QString base, QString log)
        : m_base(std::move(base))
        , m_log(std::move(log))
    { }

    QString introspect(const QString &) const override { return {}; }

    bool handleMessage(const QDBusMessage &message, const QDBusConnection &connection) override
    {
        // systemd-run asks its new scope (unit/self) for its invocation id once the job is done.
        if (message.interface() == QLatin1String("org.freedesktop.DBus.Properties")
            && message.member() == QLatin1String("Get") && message.arguments().size() == 2
            && message.arguments().at(1).toString() == QLatin1String("InvocationID")) {
            connection.send(message.createReply(
                QVariant::fromValue(QDBusVariant(QByteArray(16, char(m_jobs + 1))))));
            return true;
        }
        if (message.interface() != QLatin1String("org.freedesktop.systemd1.Manager")
            || message.member() != QLatin1String("StartTransientUnit")
            || message.signature() != QLatin1String("ssa(sv)a(sa(sv))"))
            return false;
        const QList<QVariant> args = message.arguments();
        const QString unit = args.at(0).toString();
        QList<uint> pids;
        bool delegate = false;
        const QDBusArgument properties = args.at(2).value<QDBusArgument>();
        properties.beginArray();
        while (!properties.atEnd()) {
            QString name;
            QDBusVariant value;
            properties.beginStructure();
            properties >> name >> value;
            properties.endStructure();
            if (name == QLatin1String("PIDs"))
                pids = qdbus_cast<QList<uint>>(value.variant().value<QDBusArgument>());
            else if (name == QLatin1String("Delegate"))
                delegate = value.variant().toBool();
        }
        properties.endArray();

        const QString dir = m_base + QLatin1Char('/') + unit;
        if (!QDir().mkdir(dir)) {
            connection.send(message.createErrorReply(
                QStringLiteral("org.freedesktop.systemd1.UnitExists"),
                QStringLiteral("Unit %1 was already loaded or has a fragment file.").arg(unit)));
            return true;
        }
        if (delegate)
            ::setxattr(QFile::encodeName(dir).constData(), "user.delegate", "1", 1, 0);
        for (const uint pid : pids) {
            QFile procs(dir + QStringLiteral("/cgroup.procs"));
            if (procs.open(QIODevice::WriteOnly))
                procs.write(QByteArray::number(pid));
        }
        nlohmann::json pidList = nlohmann::json::array();
        for (const uint pid : pids)
            pidList.push_back(pid);
        QFile log(m_log);
        if (log.open(QIODevice::Append))
            log.write(QByteArray::fromStdString(nlohmann::json {
                          {"unit", unit.toStdString()},
                          {"mode", args.at(1).toString().toStdString()},
                          {"pids", pidList},
                          {"delegate", delegate}}.dump())
                      + '\n');
        const uint id = ++m_jobs;
        const QDBusObjectPath job(QStringLiteral("/org/freedesktop/systemd1/job/%1").arg(id));
        connection.send(message.createReply(QVariant::fromValue(job)));
        QDBusMessage removed = QDBusMessage::createSignal(
            QStringLiteral("/org/freedesktop/systemd1"),
            QStringLiteral("org.freedesktop.systemd1.Manager"), QStringLiteral("JobRemoved"));
        removed << id << QVariant::fromValue(job) << unit << QStringLiteral("done");
        connection.send(removed);
        return true;
    }

private:
    QString m_base;
    QString m_log;
    uint m_jobs = 0;
};

} // namespace

int main(int argc, char **argv)
{
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    QCoreApplication app(argc, argv);
    if (argc != 3) {
        std::fputs("usage: fake_systemd <cgroup dir for the scopes> <log file>\n", stderr);
        return 2;
    }
    Manager manager(QString::fromLocal8Bit(argv[1]), QString::fromLocal8Bit(argv[2]));
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.registerVirtualObject(QStringLiteral("/org/freedesktop/systemd1"), &manager,
                                   QDBusConnection::SubPath)
        || !bus.registerService(QStringLiteral("org.freedesktop.systemd1"))) {
        std::fprintf(stderr, "fake_systemd: %s\n", qPrintable(bus.lastError().message()));
        return 1;
    }
    std::puts("ready");
    std::fflush(stdout);
    return app.exec();
}
