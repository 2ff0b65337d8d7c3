#pragma once

#include "OnlineCommand.h"

#include <QMap>
#include <QObject>
#include <QSet>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <nlohmann/json.hpp>

class QCommandLineParser;
class QNetworkAccessManager;

namespace steward {

struct ManifestLoadResult;

// The stewardctl command line. Kept out of main() so tests can drive it with captured streams.
// Commands that read a manifest answer at once; commands that talk to a running Steward
// return Pending from run() and report their exit code through finished().
class StewardCtl : public QObject, private OnlineSession
{
    Q_OBJECT
public:
    enum ExitCode {
        Ok = 0,
        Invalid = 1, // an invalid manifest, or a request Steward refused
        Unreadable = 2,
        NotRunning = 3, // no Steward answers for that app data directory
        Denied = 4, // the token was refused
        Usage = 64,
        Pending = -1
    };

    StewardCtl(QTextStream &out, QTextStream &err, QObject *parent = nullptr);
    ~StewardCtl() override;
    // `args` excludes the program name.
    int run(const QStringList &args);
    // Where `secrets set` reads a value when stdin is a terminal (tests replace it).
    void setSecretReader(std::function<QByteArray()> reader) { m_readSecret = std::move(reader); }

Q_SIGNALS:
    void finished(int exitCode);

private:
    // Parses `args` (subcommand first) and prints help or a usage error. Returns -1 to go on.
    static int parseCommand(QCommandLineParser &parser, const QStringList &args, QTextStream &out,
                            QTextStream &err);
    int validate(const QStringList &args);
    int plan(const QStringList &args);
    int secretsTemplate(const QStringList &args);
    int keygen(const QStringList &args);
    int lock(const QStringList &args);
    int sign(const QStringList &args);
    int verify(const QStringList &args);
    // For commands that need a valid manifest: prints why one is not, and the exit code.
    int refuseUnusable(const QString &path, const ManifestLoadResult &result);

    void printUsage(QTextStream &to);
    // Finds where the running Steward is, then runs the command's row of OnlineCommand::all().
    int online(const QString &command, const QStringList &args);

    // OnlineSession
    QTextStream &out() override { return m_out; }
    QTextStream &err() override { return m_err; }
    bool asJson() const override { return m_json; }
    void request(const QByteArray &method, const QString &path, const nlohmann::json &body,
                 Done done) override;
    void finish(int code) override;
    int failure(int status, const nlohmann::json &reply) override;
    QByteArray readSecret(const QString &id) override;
    QString linesOption() const override { return m_linesOption; }
    bool follow() const override { return m_follow; }
    QString option(const QString &name) const override { return m_options.value(name); }
    bool isSet(const QString &name) const override { return m_switches.contains(name); }
    void followLogs(const QString &service, int lines) override;

    QTextStream &m_out;
    QTextStream &m_err;
    QNetworkAccessManager *m_net = nullptr;
    QString m_base;
    QByteArray m_token;
    bool m_json = false;
    QString m_linesOption;
    bool m_follow = false;
    QMap<QString, QString> m_options; // a command's own options, by name
    QSet<QString> m_switches;
    std::function<QByteArray()> m_readSecret;
    QStringList m_seenLogLines;
};

} // namespace steward
