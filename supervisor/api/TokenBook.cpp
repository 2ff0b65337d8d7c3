#include "TokenBook.h"

#include "secrets/SecretGenerator.h"

#include <openssl/crypto.h>

namespace steward {

namespace {
bool sameToken(const QByteArray &a, const QByteArray &b)
{
    // All tokens have the same length, so comparing lengths first leaks nothing.
    return a.size() == b.size()
        && CRYPTO_memcmp(a.constData(), b.constData(), std::size_t(a.size())) == 0;
}
} // namespace

QByteArray TokenBook::newToken()
{
    unsigned char bytes[32];
    if (!SecretGenerator::randomBytes(bytes, sizeof bytes))
        qFatal("the system random generator failed");
    const QByteArray token
        = QByteArray(reinterpret_cast<const char *>(bytes), sizeof bytes).toHex();
    OPENSSL_cleanse(bytes, sizeof bytes);
    return token;
}

TokenBook::TokenBook(const QStringList &serviceIds)
    : m_admin(newToken())
{
    for (const QString &id : serviceIds)
        m_services.insert(id, newToken());
}

TokenBook::~TokenBook()
{
    m_admin.fill('\0');
    for (QByteArray &t : m_services)
        t.fill('\0');
}

TokenBook::Principal TokenBook::identify(const QByteArray &authorization) const
{
    if (!authorization.startsWith("Bearer "))
        return {};
    const QByteArray token = authorization.mid(7).trimmed();
    Principal found;
    // Every token is compared, whatever matches, so the time taken says nothing.
    if (sameToken(token, m_admin))
        found = {Principal::Kind::Admin, QString()};
    for (auto it = m_services.cbegin(); it != m_services.cend(); ++it) {
        if (sameToken(token, it.value()))
            found = {Principal::Kind::Service, it.key()};
    }
    return found;
}

} // namespace steward
