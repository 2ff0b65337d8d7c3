#pragma once

#include "core/SecretBytes.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace steward {

// The control API's bearer tokens, new at every launch: one admin token (written to the
// manifest's auth_token_path for the app's shell and stewardctl) and one per service, given
// only in that service's environment. 256 bits each from the CSPRNG, compared in constant time.
class TokenBook
{
public:
    struct Principal
    {
        enum class Kind { None, Admin, Service } kind = Kind::None;
        QString serviceId;
    };

    explicit TokenBook(const QStringList &serviceIds);
    ~TokenBook();

    QByteArray adminToken() const { return m_admin.view().toByteArray(); }
    QByteArray serviceToken(const QString &serviceId) const { return m_services.value(serviceId); }
    // Identifies the holder of an "Authorization: Bearer <token>" header value.
    Principal identify(const QByteArray &authorization) const;

private:
    static SecretBytes newToken();
    // In SecretBytes' memory: out of core dumps, zeroed when dropped.
    SecretBytes m_admin;
    SecretMap m_services;
};

} // namespace steward
