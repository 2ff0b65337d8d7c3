#pragma once

#include "TokenBook.h"

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QString>
#include <QUrlQuery>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

namespace steward {

struct HttpRequest
{
    QByteArray method;
    QString path; // decoded, without the query
    QUrlQuery query;
    QMap<QByteArray, QByteArray> headers; // names lower-cased
    QByteArray body;
    QHostAddress peer;
    QByteArray target; // the request-target as sent: path and query, still percent-encoded
    QList<std::pair<QByteArray, QByteArray>> headerList; // every header in order, as sent
    int versionMinor = 1; // HTTP/1.x
    bool upgrade = false; // asks to switch protocols (Connection: upgrade, Upgrade: ...)
    // Set by the control API's head check when the head passed the guard and its route admits
    // the caller: who the token named. The head does not change after it, so the request is
    // not checked twice.
    std::optional<TokenBook::Principal> admitted;

    QByteArray header(const char *name) const { return headers.value(QByteArray(name)); }
};

struct HttpResponse
{
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool close = false; // close the connection after this response

    static HttpResponse json(int status, const nlohmann::json &body);
    static HttpResponse text(int status, const QByteArray &body); // text/plain; charset=utf-8
    // {"error":{"code","message","details"}}: message and details never carry a secret value.
    static HttpResponse error(int status, const char *code, const QString &message,
                              const nlohmann::json &details = nullptr);
    QByteArray serialize(bool keepAlive) const;
    static const char *reason(int status);
};

using Responder = std::function<void(HttpResponse)>;

} // namespace steward
