#pragma once

#include "UiPathResolver.h"

#include <QByteArray>
#include <QDateTime>

#include <optional>

namespace steward {

class HttpExchange;

// Answers GET and HEAD with a ui-bundle's files (UiPathResolver decides which): Content-Type by
// extension, ETag and Last-Modified, 304 for a matching If-None-Match or If-Modified-Since, one
// byte range (206, 416; If-Range honoured), the .br or .gz sibling when the client accepts it,
// and 404 for a refused path. The body is streamed from the file, never read whole.
class StaticFileResponder
{
public:
    explicit StaticFileResponder(UiPathResolver resolver);

    // Answers the exchange; returns the status it answered with.
    int respond(HttpExchange *exchange) const;

    const UiPathResolver &resolver() const { return m_resolver; }
    static QByteArray contentType(const QString &fileName);
    // IMF-fixdate, as in "Sun, 06 Nov 1994 08:49:37 GMT".
    static QByteArray httpDate(const QDateTime &time);
    // An IMF-fixdate, RFC 850 or asctime date; invalid when it is none of them.
    static QDateTime parseHttpDate(const QByteArray &text);
    // The byte range a Range header asks for in a body of `size` bytes: nothing when it is to be
    // ignored (not one bytes range), {-1, -1} when it cannot be satisfied, else [first, last].
    static std::optional<std::pair<qint64, qint64>> byteRange(const QByteArray &header,
                                                              qint64 size);

private:
    UiPathResolver m_resolver;
};

} // namespace steward
