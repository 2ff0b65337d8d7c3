#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <optional>

namespace steward {

// Where clients (stewardctl, a second launch of the app) find the running Steward's control
// API: its admin token and the port it bound, two 0600 files in Steward's private dir
// (PrivateDir), which the app data dir links to at the same relative paths. Only the running
// instance writes them, and it removes what it wrote. It also announces itself in the session's
// AppRegistry, so that stewardctl finds it without --app-data.
class ControlApiFiles
{
public:
    // `tokenPath` as the manifest's ipc.auth_token_path gives it, relative to `dir`.
    ControlApiFiles(const QString &dir, const QString &tokenPath);

    QString tokenPath() const { return m_tokenPath; }
    QString portPath() const { return m_portPath; }

    Status write(const QByteArray &adminToken, int port);
    // Registers this process as the Steward of `app` with its data in `appData` (where clients
    // find the port file, a link to portPath()).
    Status announce(const QString &app, const QString &appData);
    // Removes the files and the registration if this object wrote them.
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
    QString m_registryEntry;
    bool m_written = false;
};

} // namespace steward
