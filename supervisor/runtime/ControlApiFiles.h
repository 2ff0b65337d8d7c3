#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace steward {

// Where clients (stewardctl, a second launch of the app) find the running Steward's control
// API: its admin token and the port it bound, two 0600 files in Steward's private dir
// (PrivateDir), which the app data dir links to at the same relative paths. Only the running
// instance writes them, and it removes what it wrote.
class ControlApiFiles
{
public:
    // `tokenPath` as the manifest's ipc.auth_token_path gives it, relative to `dir`.
    ControlApiFiles(const QString &dir, const QString &tokenPath);

    QString tokenPath() const { return m_tokenPath; }
    QString portPath() const { return m_portPath; }

    Status write(const QByteArray &adminToken, int port);
    // Removes the files if this object wrote them.
    void remove();
    // Removes the files a killed run left behind, so that no client takes them for this run's.
    // Only for the holder of the instance lock.
    void removeLeftovers();

    struct Endpoint
    {
        int port = 0;
        QByteArray adminToken;
    };
    // What the running instance wrote; none while either file is missing.
    std::optional<Endpoint> read() const;

private:
    QString m_tokenPath;
    QString m_portPath;
    bool m_written = false;
};

} // namespace steward
