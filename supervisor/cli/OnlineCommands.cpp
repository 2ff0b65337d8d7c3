#include "OnlineCommand.h"
#include "StewardCtl.h"

#include <QUrlQuery>

namespace steward {

namespace {

using json = nlohmann::json;

QString str(const json &j, const char *key)
{
    return j.contains(key) && j[key].is_string() ? QString::fromStdString(j[key].get<std::string>())
                                                 : QString();
}

QStringList strings(const json &list)
{
    QStringList out;
    for (const json &s : list)
        out << QString::fromStdString(s.get<std::string>());
    return out;
}

// status: the app, each service's state, missing secrets, what was imported.
class StatusCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("status"); }
    bool accepts(const QStringList &) const override { return true; }
    int run(OnlineSession &session, const QStringList &) override
    {
        OnlineSession *s = &session;
        s->request("GET", QStringLiteral("/status"), nullptr, [s](int status, const json &r) {
            if (status != 200)
                return s->finish(s->failure(status, r));
            if (s->asJson())
                return s->printJson(r), s->finish(StewardCtl::Ok);
            print(s->out(), r);
            s->finish(StewardCtl::Ok);
        });
        return StewardCtl::Pending;
    }

private:
    static void print(QTextStream &out, const json &r)
    {
        out << str(r["app"], "name") << ' ' << str(r["app"], "version") << ": " << str(r, "status");
        if (!str(r, "reason").isEmpty())
            out << " (" << str(r, "reason") << ")";
        out << "\n";
        for (const json &s : r["services"]) {
            out << "  " << str(s, "id").leftJustified(16) << ' '
                << str(s, "state").leftJustified(11);
            if (s["pid"].is_number())
                out << " pid " << s["pid"].get<qint64>();
            out << "  restarts " << s["restarts"].get<int>();
            for (auto it = s["ports"].begin(); it != s["ports"].end(); ++it)
                out << "  " << QString::fromStdString(it.key()) << ":" << it->get<int>();
            if (!str(s, "message").isEmpty())
                out << "  - " << str(s, "message");
            out << "\n";
        }
        if (!r["missing_secrets"].empty())
            out << "Missing secrets: " << strings(r["missing_secrets"]).join(QStringLiteral(", "))
                << " (stewardctl secrets set ID)\n";
        if (const json &imported = r.value("imported", json()); imported.is_object()) {
            out << "Imported from the Vrooli runtime's data in " << str(imported, "from") << ": "
                << imported["count"].get<int>() << " secret(s)";
            if (!imported["secrets"].empty())
                out << " (" << strings(imported["secrets"]).join(QStringLiteral(", ")) << ")";
            out << "\n";
        }
    }
};

// secrets: each secret's class, status, source and last change (never a value).
class SecretsListCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("secrets"); }
    bool accepts(const QStringList &args) const override { return args.isEmpty(); }
    int run(OnlineSession &session, const QStringList &) override
    {
        OnlineSession *s = &session;
        s->request("GET", QStringLiteral("/secrets"), nullptr, [s](int status, const json &r) {
            if (status != 200)
                return s->finish(s->failure(status, r));
            if (s->asJson())
                return s->printJson(r), s->finish(StewardCtl::Ok);
            for (const json &e : r["secrets"]) {
                s->out() << str(e, "id").leftJustified(24) << ' '
                         << str(e, "class").leftJustified(22) << ' '
                         << str(e, "status").leftJustified(11) << ' '
                         << str(e, "source").leftJustified(14) << ' '
                         << (e["updated_at"].is_string() ? str(e, "updated_at")
                                                         : QStringLiteral("-"))
                         << "\n";
            }
            s->finish(StewardCtl::Ok);
        });
        return StewardCtl::Pending;
    }
};

// "?dry_run=true" when the command was given --dry-run.
QString dryRunQuery(const OnlineSession &s)
{
    return s.isSet(QStringLiteral("dry-run")) ? QStringLiteral("?dry_run=true") : QString();
}

// What a set, clear or rollback changed (or, with --dry-run, would change).
void printChange(OnlineSession &s, const QString &id, const json &r, const QString &done)
{
    const bool dry = r.value("dry_run", false);
    const QStringList affected = strings(r["services_affected"]);
    const bool changed
        = r["changed"].is_boolean() ? r["changed"].get<bool>() : !r["changed"].empty();
    if (!changed) {
        s.out() << id << (dry ? " would not change" : " did not change") << "\n";
        return;
    }
    s.out() << id << ' ' << (dry ? QStringLiteral("would be ") + done : done);
    // A remote rollback changes every secret kept in the same place at the source.
    QStringList withIt = r["changed"].is_array() ? strings(r["changed"]) : QStringList();
    withIt.removeAll(id);
    if (!withIt.isEmpty())
        s.out() << (dry ? "; these would change with it: " : "; changed with it: ")
                << withIt.join(QStringLiteral(", "));
    if (!affected.isEmpty())
        s.out() << (dry ? "; these services would restart: " : "; services affected: ")
                << affected.join(QStringLiteral(", "));
    s.out() << (dry ? " (dry run: nothing was changed)\n" : "\n");
    if (r.contains("warning") && r["warning"].is_string())
        s.err() << "Warning: " << str(r, "warning") << "\n";
}

// secrets set ID: the value from stdin or a no-echo prompt, never from the command line.
class SecretSetCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("secrets"); }
    bool accepts(const QStringList &args) const override
    {
        return args.size() == 2 && args.first() == QLatin1String("set");
    }
    int run(OnlineSession &session, const QStringList &args) override
    {
        OnlineSession *s = &session;
        const QString id = args.at(1);
        QByteArray value = s->readSecret(id);
        s->request("POST", QStringLiteral("/secrets") + dryRunQuery(*s),
                   {{"id", id.toStdString()}, {"value", value.toStdString()}},
                   [s, id](int status, const json &r) {
                       if (status != 200)
                           return s->finish(s->failure(status, r));
                       if (s->asJson())
                           return s->printJson(r), s->finish(StewardCtl::Ok);
                       if (r["changed"].empty() && !r.value("dry_run", false))
                           s->out() << id << " already had that value; nothing changed\n";
                       else
                           printChange(*s, id, r, QStringLiteral("stored"));
                       s->finish(StewardCtl::Ok);
                   });
        value.fill('\0');
        return StewardCtl::Pending;
    }
};

// secrets clear ID
class SecretClearCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("secrets"); }
    bool accepts(const QStringList &args) const override
    {
        return args.size() == 2 && args.first() == QLatin1String("clear");
    }
    int run(OnlineSession &session, const QStringList &args) override
    {
        OnlineSession *s = &session;
        const QString id = args.at(1);
        s->request("DELETE", QStringLiteral("/secrets/") + id + dryRunQuery(*s), nullptr,
                   [s, id](int status, const json &r) {
                       if (status != 200)
                           return s->finish(s->failure(status, r));
                       if (s->asJson())
                           return s->printJson(r), s->finish(StewardCtl::Ok);
                       if (!r.value("changed", false))
                           s->out() << id << " had no value\n";
                       else
                           printChange(*s, id, r, QStringLiteral("cleared"));
                       s->finish(StewardCtl::Ok);
                   });
        return StewardCtl::Pending;
    }
};

// A remote secret's versions at its source, newest first: what a rollback of it names.
void printSourceVersions(OnlineSession &s, const QString &id, const json &r)
{
    if (!r["source_versions"].is_array()) {
        s.out() << "The remote store's versions of " << id
                << " could not be read: " << str(r, "source_versions_error") << "\n";
        return;
    }
    s.out() << "Versions in the remote store (stewardctl secrets rollback " << id
            << " --to N rolls back there):\n";
    const json &versions = r["source_versions"];
    for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
        s.out() << QStringLiteral("v%1").arg((*v)["version"].get<int>()).leftJustified(6) << ' '
                << ((*v)["current"].get<bool>() ? "current" : "       ") << ' '
                << str(*v, "created_at").leftJustified(24)
                << ((*v)["destroyed"].get<bool>()     ? " destroyed"
                        : (*v)["deleted"].get<bool>() ? " deleted"
                                                      : "")
                << "\n";
    }
}

// secrets history ID: the kept versions, newest first (never a value).
class SecretHistoryCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("secrets"); }
    bool accepts(const QStringList &args) const override
    {
        return args.size() == 2 && args.first() == QLatin1String("history");
    }
    int run(OnlineSession &session, const QStringList &args) override
    {
        OnlineSession *s = &session;
        const QString id = args.at(1);
        s->request(
            "GET", QStringLiteral("/secrets/%1/history").arg(id), nullptr,
            [s, id](int status, const json &r) {
                if (status != 200)
                    return s->finish(s->failure(status, r));
                if (s->asJson())
                    return s->printJson(r), s->finish(StewardCtl::Ok);
                const json &versions = r["versions"];
                if (versions.empty())
                    s->out() << id << " has no kept versions\n";
                for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
                    s->out()
                        << QStringLiteral("v%1").arg((*v)["version"].get<int>()).leftJustified(6)
                        << ' ' << ((*v)["current"].get<bool>() ? "current" : "       ") << ' '
                        << str(*v, "created_at").leftJustified(24) << ' '
                        << str(*v, "source").leftJustified(10) << ' ' << str(*v, "actor") << "\n";
                }
                if (r.contains("source_versions"))
                    printSourceVersions(*s, id, r);
                s->finish(StewardCtl::Ok);
            });
        return StewardCtl::Pending;
    }
};

// secrets rollback ID --to N [--dry-run]
class SecretRollbackCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("secrets"); }
    bool accepts(const QStringList &args) const override
    {
        return args.size() == 2 && args.first() == QLatin1String("rollback");
    }
    int run(OnlineSession &session, const QStringList &args) override
    {
        OnlineSession *s = &session;
        const QString id = args.at(1);
        bool ok = false;
        const QString to = s->option(QStringLiteral("to"));
        const int version = to.startsWith(QLatin1Char('v')) ? to.mid(1).toInt(&ok) : to.toInt(&ok);
        if (!ok || version < 1) {
            s->err() << "stewardctl secrets rollback: give the version with --to N (see "
                        "stewardctl secrets history "
                     << id << ")\n";
            return StewardCtl::Usage;
        }
        s->request("POST", QStringLiteral("/secrets/%1/rollback").arg(id) + dryRunQuery(*s),
                   {{"version", version}}, [s, id, version](int status, const json &r) {
                       if (status != 200)
                           return s->finish(s->failure(status, r));
                       if (s->asJson())
                           return s->printJson(r), s->finish(StewardCtl::Ok);
                       printChange(*s, id, r,
                                   QStringLiteral("rolled back to version %1").arg(version));
                       s->finish(StewardCtl::Ok);
                   });
        return StewardCtl::Pending;
    }
};

// audit [--since T] [--secret ID]: the audit trail; audit --verify: its chain checked.
class AuditCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("audit"); }
    bool accepts(const QStringList &args) const override { return args.isEmpty(); }
    int run(OnlineSession &session, const QStringList &) override
    {
        OnlineSession *s = &session;
        if (s->isSet(QStringLiteral("verify"))) {
            s->request("GET", QStringLiteral("/audit?verify=true"), nullptr,
                       [s](int status, const json &r) {
                           if (status != 200)
                               return s->finish(s->failure(status, r));
                           const int code
                               = r.value("ok", false) ? StewardCtl::Ok : StewardCtl::Invalid;
                           if (s->asJson())
                               return s->printJson(r), s->finish(code);
                           if (code == StewardCtl::Ok) {
                               s->out() << "The audit trail is intact ("
                                        << r["entries"].get<qint64>() << " entries).\n";
                           } else {
                               s->err() << "The audit trail does not verify";
                               if (r["line"].is_number_integer())
                                   s->err() << " at line " << r["line"].get<int>() << " of "
                                            << str(r, "file");
                               else if (!str(r, "file").isEmpty())
                                   s->err() << " in " << str(r, "file");
                               s->err() << ": " << str(r, "problem") << "\n";
                           }
                           s->finish(code);
                       });
            return StewardCtl::Pending;
        }
        QUrlQuery query;
        if (const QString since = s->option(QStringLiteral("since")); !since.isEmpty())
            query.addQueryItem(QStringLiteral("since"), since);
        if (const QString secret = s->option(QStringLiteral("secret")); !secret.isEmpty())
            query.addQueryItem(QStringLiteral("secret"), secret);
        const QString path = query.isEmpty()
            ? QStringLiteral("/audit")
            : QStringLiteral("/audit?") + query.toString(QUrl::FullyEncoded);
        s->request("GET", path, nullptr, [s](int status, const json &r) {
            if (status != 200)
                return s->finish(s->failure(status, r));
            if (s->asJson())
                return s->printJson(json {{"entries", r["entries"]}}), s->finish(StewardCtl::Ok);
            for (const json &e : r["entries"]) {
                s->out() << str(e, "at").leftJustified(24) << ' '
                         << str(e, "action").leftJustified(12) << ' '
                         << str(e, "secret").leftJustified(20) << ' '
                         << str(e, "outcome").leftJustified(8) << " by " << str(e, "actor");
                if (!str(e, "service").isEmpty() && str(e, "service") != str(e, "actor"))
                    s->out() << " for " << str(e, "service");
                s->out() << "\n";
            }
            if (r.value("truncated", false))
                s->out() << "(only the newest entries; narrow with --since or --secret)\n";
            s->finish(StewardCtl::Ok);
        });
        return StewardCtl::Pending;
    }
};

// secrets refresh [ID]: fetch remote secrets now; fails (1) when any fetch failed.
class SecretRefreshCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("secrets"); }
    bool accepts(const QStringList &args) const override
    {
        return (args.size() == 1 || args.size() == 2) && args.first() == QLatin1String("refresh");
    }
    int run(OnlineSession &session, const QStringList &args) override
    {
        OnlineSession *s = &session;
        const QString path = args.size() == 2
            ? QStringLiteral("/secrets/%1/refresh").arg(args.at(1))
            : QStringLiteral("/secrets/refresh");
        s->request("POST", path, nullptr, [s](int status, const json &r) {
            if (status != 200)
                return s->finish(s->failure(status, r));
            const int code = r["failed"].empty() ? StewardCtl::Ok : StewardCtl::Invalid;
            if (s->asJson())
                return s->printJson(r), s->finish(code);
            for (const json &c : r["changed"]) {
                const QStringList consumers = strings(c["consumers"]);
                s->out() << str(c, "id") << ": changed" << version(c)
                         << (consumers.isEmpty() ? QString()
                                                 : QStringLiteral("; restarting ")
                                     + consumers.join(QStringLiteral(", ")))
                         << "\n";
            }
            for (const json &u : r["unchanged"])
                s->out() << str(u, "id") << ": unchanged" << version(u) << "\n";
            for (auto it = r["failed"].begin(); it != r["failed"].end(); ++it)
                s->err() << QString::fromStdString(it.key())
                         << ": failed: " << QString::fromStdString(it->get<std::string>()) << "\n";
            s->finish(code);
        });
        return StewardCtl::Pending;
    }

private:
    static QString version(const json &entry)
    {
        return entry["version"].is_number_integer()
            ? QStringLiteral(" (version %1)").arg(entry["version"].get<int>())
            : QString();
    }
};

// logs SERVICE [-n N] [-f]
class LogsCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("logs"); }
    bool accepts(const QStringList &args) const override { return args.size() == 1; }
    int run(OnlineSession &session, const QStringList &args) override
    {
        OnlineSession *s = &session;
        bool n = false;
        const int lines = s->linesOption().toInt(&n);
        if (!n || lines < 1) {
            s->err() << "stewardctl logs: -n must be a positive number\n";
            return StewardCtl::Usage;
        }
        if (s->follow()) {
            s->followLogs(args.first(), lines);
            return StewardCtl::Pending;
        }
        s->request("GET",
                   QStringLiteral("/logs/tail?serviceId=%1&lines=%2").arg(args.first()).arg(lines),
                   nullptr, [s](int status, const json &r) {
                       if (status != 200)
                           return s->finish(s->failure(status, r));
                       if (s->asJson())
                           return s->printJson(r), s->finish(StewardCtl::Ok);
                       for (const json &l : r["lines"])
                           s->out() << QString::fromStdString(l.get<std::string>()) << "\n";
                       s->finish(StewardCtl::Ok);
                   });
        return StewardCtl::Pending;
    }
};

// restart SERVICE
class RestartCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("restart"); }
    bool accepts(const QStringList &args) const override { return args.size() == 1; }
    int run(OnlineSession &session, const QStringList &args) override
    {
        OnlineSession *s = &session;
        const QString service = args.first();
        s->request("POST", QStringLiteral("/services/%1/restart").arg(service), nullptr,
                   [s, service](int status, const json &r) {
                       if (status != 202)
                           return s->finish(s->failure(status, r));
                       s->asJson() ? s->printJson(r)
                                   : void(s->out() << "restarting " << service << "\n");
                       s->finish(StewardCtl::Ok);
                   });
        return StewardCtl::Pending;
    }
};

// shutdown
class ShutdownCommand : public OnlineCommand
{
public:
    QString name() const override { return QStringLiteral("shutdown"); }
    bool accepts(const QStringList &args) const override { return args.isEmpty(); }
    int run(OnlineSession &session, const QStringList &) override
    {
        OnlineSession *s = &session;
        s->request("POST", QStringLiteral("/shutdown"), nullptr, [s](int status, const json &r) {
            if (status != 202)
                return s->finish(s->failure(status, r));
            s->asJson() ? s->printJson(r) : void(s->out() << "Steward is stopping the app\n");
            s->finish(StewardCtl::Ok);
        });
        return StewardCtl::Pending;
    }
};

template<typename... Commands> std::vector<std::unique_ptr<OnlineCommand>> table()
{
    std::vector<std::unique_ptr<OnlineCommand>> out;
    (out.push_back(std::make_unique<Commands>()), ...);
    return out;
}

} // namespace

const std::vector<std::unique_ptr<OnlineCommand>> &OnlineCommand::all()
{
    static const std::vector<std::unique_ptr<OnlineCommand>> commands
        = table<StatusCommand, SecretsListCommand, SecretSetCommand, SecretClearCommand,
                SecretHistoryCommand, SecretRollbackCommand, SecretRefreshCommand, AuditCommand,
                LogsCommand, RestartCommand, ShutdownCommand>();
    return commands;
}

} // namespace steward
