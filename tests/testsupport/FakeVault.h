#pragma once

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

namespace steward::test {

// fake_vault.py (tests/remote/vault) as a child process on an ephemeral port, with its
// test-control endpoints. A test that includes it defines STEWARD_PYTHON and FAKE_VAULT.
// Serving HTTPS (extraArgs --tls-cert/--tls-key), control() trusts the CA in `controlCaFile`.
class FakeVault
{
public:
    explicit FakeVault(const nlohmann::json &config, const QStringList &extraArgs = {},
                       const QString &controlCaFile = {})
        : m_extraArgs(extraArgs)
    {
        if (!controlCaFile.isEmpty())
            m_controlCas = QSslCertificate::fromPath(controlCaFile, QSsl::Pem);
        QFile f(configFile());
        if (f.open(QIODevice::WriteOnly))
            f.write(QByteArray::fromStdString(config.dump()));
        f.close();
        start(m_extraArgs);
    }
    ~FakeVault()
    {
        m_process.terminate();
        m_process.waitForFinished(5000);
    }
    QUrl url() const { return m_url; }
    // Kills the server outright (SIGKILL), as a crash or a lost host would.
    void kill()
    {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    // Starts a killed server again on the same port, from its initial config: versions written
    // since are gone. False when it did not come up there.
    bool restart()
    {
        const QUrl before = m_url;
        start(m_extraArgs + QStringList {QStringLiteral("--port"), QString::number(before.port())});
        return m_url == before;
    }
    // POSTs to a /_test/ control endpoint and waits for the answer.
    nlohmann::json control(const QString &path,
                           const nlohmann::json &body = nlohmann::json::object())
    {
        QNetworkAccessManager nam;
        QUrl u = m_url;
        u.setPath(QStringLiteral("/_test/") + path);
        QNetworkRequest req(u);
        req.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        if (!m_controlCas.isEmpty()) {
            QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
            tls.addCaCertificates(m_controlCas);
            req.setSslConfiguration(tls);
        }
        QNetworkReply *reply
            = body.is_null() ? nam.get(req) : nam.post(req, QByteArray::fromStdString(body.dump()));
        if (!QTest::qWaitFor([reply] { return reply->isFinished(); }, 10000))
            return nullptr;
        reply->deleteLater();
        return nlohmann::json::parse(reply->readAll().toStdString(), nullptr, false);
    }

    // How many requests to /v1/`path` the server has seen; -1 if it did not say.
    int requestsTo(const std::string &path)
    {
        const nlohmann::json log = control(QStringLiteral("requests"), nullptr);
        if (!log.is_object() || !log.contains("requests"))
            return -1;
        int n = 0;
        for (const nlohmann::json &e : log["requests"])
            n += e.value("path", std::string()) == "/v1/" + path ? 1 : 0;
        return n;
    }
    // The most renewals any of the server's tokens has had.
    int renewals()
    {
        int n = 0;
        const nlohmann::json state = control(QStringLiteral("state"), nullptr);
        if (state.is_object() && state.contains("tokens") && state["tokens"].is_array()) {
            for (const nlohmann::json &t : state["tokens"])
                n = std::max(n, t.value("renewals", 0));
        }
        return n;
    }

private:
    QString configFile() const { return m_dir.filePath(QStringLiteral("vault.json")); }
    void start(const QStringList &extraArgs)
    {
        m_url.clear();
        m_process.start(QStringLiteral(STEWARD_PYTHON),
                        QStringList {QStringLiteral(FAKE_VAULT), QStringLiteral("--quiet"),
                                     QStringLiteral("--config"), configFile()}
                            + extraArgs);
        if (!QTest::qWaitFor(
                [this] {
                    return m_process.canReadLine() || m_process.state() == QProcess::NotRunning;
                },
                20000))
            return;
        const QByteArray line = m_process.readLine().trimmed();
        if (line.startsWith("listening on "))
            m_url = QUrl(QString::fromLatin1(line.mid(13)));
    }

    QTemporaryDir m_dir;
    QStringList m_extraArgs;
    QProcess m_process;
    QUrl m_url;
    QList<QSslCertificate> m_controlCas;
};

} // namespace steward::test
