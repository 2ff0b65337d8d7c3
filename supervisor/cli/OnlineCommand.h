#pragma once

#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

namespace steward {

// What a stewardctl command talking to a running Steward uses of stewardctl: its streams, the
// --json choice, requests to the control API, and the command's end with its exit code.
class OnlineSession
{
public:
    using Done = std::function<void(int status, const nlohmann::json &reply)>;

    virtual ~OnlineSession() = default;
    virtual QTextStream &out() = 0;
    virtual QTextStream &err() = 0;
    virtual bool asJson() const = 0;
    // Sends one request; `done` gets the HTTP status (0: no answer) and the JSON body.
    virtual void request(const QByteArray &method, const QString &path, const nlohmann::json &body,
                         Done done)
        = 0;
    // Ends the command (from an answer): exit code `code`.
    virtual void finish(int code) = 0;
    // Prints why a request failed; returns the exit code for it.
    virtual int failure(int status, const nlohmann::json &reply) = 0;
    // A secret's value from stdin or a no-echo prompt, never from the command line.
    virtual QByteArray readSecret(const QString &id) = 0;
    // The log options: -n as given, and -f.
    virtual QString linesOption() const = 0;
    virtual bool follow() const = 0;
    // A command's own option ("to", "since", "secret"): its value, empty when not given.
    virtual QString option(const QString &name) const = 0;
    // A command's own switch ("dry-run", "verify").
    virtual bool isSet(const QString &name) const = 0;
    virtual void followLogs(const QString &service, int lines) = 0;

    void printJson(const nlohmann::json &j) { out() << QString::fromStdString(j.dump(2)) << "\n"; }
};

// One command of stewardctl that talks to a running Steward ("secrets set ID", "restart SERVICE"):
// which words and how many arguments it answers to, and what it asks and prints.
class OnlineCommand
{
public:
    virtual ~OnlineCommand() = default;
    // The first word ("secrets").
    virtual QString name() const = 0;
    // Whether it takes these positional arguments (after the first word).
    virtual bool accepts(const QStringList &args) const = 0;
    // Starts the command: StewardCtl::Pending while it waits for an answer, or an exit code.
    virtual int run(OnlineSession &session, const QStringList &args) = 0;

    // The table of every such command, in the order they are tried.
    static const std::vector<std::unique_ptr<OnlineCommand>> &all();
};

} // namespace steward
