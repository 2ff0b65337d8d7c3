#pragma once

#include <QObject>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <nlohmann/json.hpp>

class QNetworkAccessManager;

namespace steward {

struct ManifestLoadResult;

// The stewardctl command line. Kept out of main() so tests can drive it with captured streams.
// Commands that read a manifest answer at once; commands that talk to a running Steward
// return Pending from run() and report their exit code through finished().
class StewardCtl : public QObject
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
    int online(const QString &command, const QStringList &args);
    // Sends one request; `done` gets the HTTP status (0: no answer) and the JSON body.
    void request(const QByteArray &method, const QString &path, const nlohmann::json &body,
                 std::function<void(int status, const nlohmann::json &reply)> done);
    void finish(int code);
    int failure(int status, const nlohmann::json &reply);
    void followLogs(const QString &service, int lines);

    QTextStream &m_out;
    QTextStream &m_err;
    QNetworkAccessManager *m_net = nullptr;
    QString m_base;
    QByteArray m_token;
    bool m_json = false;
    std::function<QByteArray()> m_readSecret;
    QStringList m_seenLogLines;
};

} // namespace steward
