#include "OnlineCommand.h"
#include "StewardCtl.h"

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
        s->request("POST", QStringLiteral("/secrets"),
                   {{"id", id.toStdString()}, {"value", value.toStdString()}},
                   [s, id](int status, const json &r) {
                       if (status != 200)
                           return s->finish(s->failure(status, r));
                       if (s->asJson())
                           return s->printJson(r), s->finish(StewardCtl::Ok);
                       const QStringList affected = strings(r["services_affected"]);
                       if (r["changed"].empty())
                           s->out() << id << " already had that value; nothing changed\n";
                       else
                           s->out() << id << " stored"
                                    << (affected.isEmpty() ? QString()
                                                           : QStringLiteral("; services affected: ")
                                                + affected.join(QStringLiteral(", ")))
                                    << "\n";
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
        s->request("DELETE", QStringLiteral("/secrets/") + id, nullptr,
                   [s, id](int status, const json &r) {
                       if (status != 200)
                           return s->finish(s->failure(status, r));
                       if (s->asJson())
                           return s->printJson(r), s->finish(StewardCtl::Ok);
                       s->out() << id
                                << (r.value("changed", false) ? " cleared\n" : " had no value\n");
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
                SecretRefreshCommand, LogsCommand, RestartCommand, ShutdownCommand>();
    return commands;
}

} // namespace steward
