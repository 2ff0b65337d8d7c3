#include "TokenBook.h"

#include "secrets/SecretGenerator.h"

#include <openssl/crypto.h>

namespace steward {

namespace {
bool sameToken(QByteArrayView a, QByteArrayView b)
{
    // All tokens have the same length, so comparing lengths first leaks nothing.
    return a.size() == b.size()
        && CRYPTO_memcmp(a.constData(), b.constData(), std::size_t(a.size())) == 0;
}
} // namespace

SecretBytes TokenBook::newToken()
{
    unsigned char bytes[32];
    if (!SecretGenerator::randomBytes(bytes, sizeof bytes))
        qFatal("the system random generator failed");
    QByteArray hex = QByteArray(reinterpret_cast<const char *>(bytes), sizeof bytes).toHex();
    OPENSSL_cleanse(bytes, sizeof bytes);
    SecretBytes token(hex);
    wipeUnshared(hex);
    return token;
}

TokenBook::TokenBook(const QStringList &serviceIds)
    : m_admin(newToken())
{
    for (const QString &id : serviceIds)
        m_services.insert(id, newToken().view());
}

TokenBook::~TokenBook() = default;

TokenBook::Principal TokenBook::identify(const QByteArray &authorization) const
{
    if (!authorization.startsWith("Bearer "))
        return {};
    const QByteArray token = authorization.mid(7).trimmed();
    Principal found;
    // Every token is compared, whatever matches, so the time taken says nothing.
    if (sameToken(token, m_admin.view()))
        found = {Principal::Kind::Admin, QString()};
    m_services.forEach([&](const QString &id, QByteArrayView t) {
        if (sameToken(token, t))
            found = {Principal::Kind::Service, id};
    });
    return found;
}

} // namespace steward
