#pragma once

#include "SecretStore.h"
#include "manifest/Manifest.h"

#include <optional>

namespace steward {

// Where remote_fetch secrets come from (the Vault client implements it). The handler receives
// the value and its version at the source, or an error naming the secret id and the path.
class RemoteSecretSource : public QObject
{
    Q_OBJECT
public:
    using FetchHandler
        = std::function<void(const SecretStore::Error &, const QByteArray &value, int version)>;
    // How the source is authenticated, for /health.
    struct AuthStatus
    {
        QString method; // "token", "approle"
        std::optional<qint64> tokenAgeS; // since the token was obtained; none without a token
        std::optional<qint64> tokenTtlS; // seconds left; none without a token or expiry
    };
    using QObject::QObject;
    virtual void fetch(const SecretSpec &spec, QObject *context, FetchHandler handler) = 0;
    virtual QString
    describe(const SecretSpec &spec) const = 0; // "vault secret/data/app/db#password"
    virtual AuthStatus authStatus() const = 0;
};

} // namespace steward
