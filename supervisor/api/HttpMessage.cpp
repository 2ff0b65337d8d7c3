#include "HttpMessage.h"

namespace steward {

HttpResponse HttpResponse::json(int status, const nlohmann::json &body)
{
    HttpResponse r;
    r.status = status;
    r.headers.append({QByteArrayLiteral("Content-Type"), QByteArrayLiteral("application/json")});
    r.body = QByteArray::fromStdString(body.dump()) + '\n';
    return r;
}

HttpResponse HttpResponse::text(int status, const QByteArray &body)
{
    HttpResponse r;
    r.status = status;
    r.headers.append(
        {QByteArrayLiteral("Content-Type"), QByteArrayLiteral("text/plain; charset=utf-8")});
    r.body = body;
    return r;
}

HttpResponse HttpResponse::error(int status, const char *code, const QString &message,
                                 const nlohmann::json &details)
{
    return json(
        status,
        {{"error", {{"code", code}, {"message", message.toStdString()}, {"details", details}}}});
}

const char *HttpResponse::reason(int status)
{
    switch (status) {
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 206:
        return "Partial Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 416:
        return "Range Not Satisfiable";
    case 421:
        return "Misdirected Request";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    }
    return "Unknown";
}

QByteArray HttpResponse::serialize(bool keepAlive) const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    for (const auto &[k, v] : headers)
        out += k + ": " + v + "\r\n";
    // Every answer: never cached, never sniffed, no CORS headers at all.
    out += "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
    out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    out += keepAlive && !close ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    out += "\r\n";
    return out + body;
}

} // namespace steward
