#include "LoopbackGuard.h"

#include <QRegularExpression>

namespace steward {

std::optional<HttpResponse> LoopbackGuard::refusal(const HttpRequest &request, int port)
{
    if (!hostAllowed(request.header("host"), port))
        return HttpResponse::error(
            421, "misdirected_request",
            QStringLiteral("the Host header must be 127.0.0.1:%1, localhost:%1 or [::1]:%1")
                .arg(port));
    if (request.headers.contains("origin") && !originAllowed(request.header("origin")))
        return HttpResponse::error(
            403, "forbidden",
            QStringLiteral("requests from web pages of other origins are refused"));
    return std::nullopt;
}

bool LoopbackGuard::hostAllowed(const QByteArray &host, int port)
{
    const QByteArray suffix = ':' + QByteArray::number(port);
    for (const char *name : {"127.0.0.1", "localhost", "[::1]"}) {
        if (host == QByteArray(name) + suffix)
            return true;
    }
    return false;
}

bool LoopbackGuard::originAllowed(const QByteArray &origin)
{
    static const QRegularExpression loopback(
        QStringLiteral("^https?://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:\\d+)?$"));
    return loopback.match(QString::fromLatin1(origin)).hasMatch();
}

} // namespace steward
