#pragma once

#include "HttpMessage.h"

#include <optional>

namespace steward {

// What each of Steward's loopback servers (the control API, a ui-bundle's server) checks before
// any route: the Host header must name a loopback address with the server's own port (421,
// against DNS rebinding), and an Origin, when sent, must be loopback (403, against pages of other
// sites using the person's browser).
class LoopbackGuard
{
public:
    // The answer refusing `request` to the server on `port`, or nothing when it may pass.
    static std::optional<HttpResponse> refusal(const HttpRequest &request, int port);
    static bool hostAllowed(const QByteArray &host, int port);
    static bool originAllowed(const QByteArray &origin);
};

} // namespace steward
