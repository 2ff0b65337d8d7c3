#include "StaticFileResponder.h"

#include "api/HttpExchange.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QLocale>
#include <QMimeDatabase>
#include <QTimeZone>

namespace steward {

namespace {

using Headers = QList<std::pair<QByteArray, QByteArray>>;

// The types a web app ships, exact; anything else is looked up in the shared MIME database.
const QHash<QString, QByteArray> &knownTypes()
{
    static const QHash<QString, QByteArray> types {
        {QStringLiteral("html"), "text/html; charset=utf-8"},
        {QStringLiteral("htm"), "text/html; charset=utf-8"},
        {QStringLiteral("js"), "text/javascript; charset=utf-8"},
        {QStringLiteral("mjs"), "text/javascript; charset=utf-8"},
        {QStringLiteral("css"), "text/css; charset=utf-8"},
        {QStringLiteral("json"), "application/json"},
        {QStringLiteral("map"), "application/json"},
        {QStringLiteral("webmanifest"), "application/manifest+json"},
        {QStringLiteral("txt"), "text/plain; charset=utf-8"},
        {QStringLiteral("xml"), "application/xml"},
        {QStringLiteral("svg"), "image/svg+xml"},
        {QStringLiteral("png"), "image/png"},
        {QStringLiteral("jpg"), "image/jpeg"},
        {QStringLiteral("jpeg"), "image/jpeg"},
        {QStringLiteral("gif"), "image/gif"},
        {QStringLiteral("webp"), "image/webp"},
        {QStringLiteral("avif"), "image/avif"},
        {QStringLiteral("ico"), "image/x-icon"},
        {QStringLiteral("woff"), "font/woff"},
        {QStringLiteral("woff2"), "font/woff2"},
        {QStringLiteral("ttf"), "font/ttf"},
        {QStringLiteral("otf"), "font/otf"},
        {QStringLiteral("wasm"), "application/wasm"},
        {QStringLiteral("pdf"), "application/pdf"},
        {QStringLiteral("mp4"), "video/mp4"},
        {QStringLiteral("webm"), "video/webm"},
        {QStringLiteral("ogg"), "audio/ogg"},
        {QStringLiteral("mp3"), "audio/mpeg"},
        {QStringLiteral("wav"), "audio/wav"},
        {QStringLiteral("gz"), "application/gzip"},
        {QStringLiteral("br"), "application/octet-stream"},
    };
    return types;
}

// Whether an Accept-Encoding header accepts `coding` (listed, or "*", with q above 0).
bool accepts(const QByteArray &acceptEncoding, const QByteArray &coding)
{
    std::optional<bool> star;
    for (const QByteArray &item : acceptEncoding.split(',')) {
        const QList<QByteArray> parts = item.split(';');
        const QByteArray name = parts.first().trimmed().toLower();
        bool allowed = true;
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray param = parts.at(i).trimmed();
            if (param.startsWith("q=") || param.startsWith("Q="))
                allowed = param.mid(2).toDouble() > 0;
        }
        if (name == coding)
            return allowed;
        if (name == "*")
            star = allowed;
    }
    return star.value_or(false);
}

// If-None-Match: a list of entity tags compared weakly, or "*".
bool etagMatches(const QByteArray &header, const QByteArray &etag)
{
    for (QByteArray tag : header.split(',')) {
        tag = tag.trimmed();
        if (tag == "*")
            return true;
        if (tag.startsWith("W/"))
            tag = tag.mid(2);
        if (tag == etag)
            return true;
    }
    return false;
}

} // namespace

StaticFileResponder::StaticFileResponder(UiPathResolver resolver)
    : m_resolver(std::move(resolver))
{ }

QByteArray StaticFileResponder::contentType(const QString &fileName)
{
    const QString suffix = QFileInfo(fileName).suffix().toLower();
    if (const auto it = knownTypes().constFind(suffix); it != knownTypes().cend())
        return it.value();
    static QHash<QString, QByteArray> cache; // QMimeDatabase is slow to ask; one thread asks
    if (const auto it = cache.constFind(suffix); it != cache.cend())
        return it.value();
    const QMimeType mime = QMimeDatabase().mimeTypeForFile(fileName, QMimeDatabase::MatchExtension);
    QByteArray type
        = mime.isDefault() ? QByteArrayLiteral("application/octet-stream") : mime.name().toLatin1();
    if (mime.inherits(QStringLiteral("text/plain")))
        type += "; charset=utf-8";
    cache.insert(suffix, type);
    return type;
}

QByteArray StaticFileResponder::httpDate(const QDateTime &time)
{
    return QLocale::c()
        .toString(time.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"))
        .toLatin1();
}

QDateTime StaticFileResponder::parseHttpDate(const QByteArray &text)
{
    const QString s = QString::fromLatin1(text.trimmed());
    for (const QString &format : {QStringLiteral("ddd, dd MMM yyyy hh:mm:ss 'GMT'"),
                                  QStringLiteral("dddd, dd-MMM-yy hh:mm:ss 'GMT'"),
                                  QStringLiteral("ddd MMM d hh:mm:ss yyyy")}) {
        QDateTime t = QLocale::c().toDateTime(
            QString(s).replace(QStringLiteral("  "), QStringLiteral(" ")), format);
        if (t.isValid()) {
            if (t.date().year() < 1970) // RFC 850's two-digit years
                t = t.addYears(100);
            t.setTimeZone(QTimeZone::utc());
            return t;
        }
    }
    return {};
}

std::optional<std::pair<qint64, qint64>> StaticFileResponder::byteRange(const QByteArray &header,
                                                                        qint64 size)
{
    const QByteArray h = header.trimmed();
    if (!h.startsWith("bytes="))
        return std::nullopt;
    const QByteArray spec = h.mid(6).trimmed();
    if (spec.contains(',')) // several ranges: served whole rather than as multipart
        return std::nullopt;
    const qsizetype dash = spec.indexOf('-');
    if (dash < 0)
        return std::nullopt;
    const QByteArray a = spec.left(dash).trimmed();
    const QByteArray b = spec.mid(dash + 1).trimmed();
    bool okA = true, okB = true;
    const qint64 first = a.isEmpty() ? -1 : a.toLongLong(&okA);
    const qint64 last = b.isEmpty() ? -1 : b.toLongLong(&okB);
    if (!okA || !okB || (a.isEmpty() && b.isEmpty()) || first < -1 || last < -1)
        return std::nullopt;
    if (a.isEmpty()) { // the last N bytes
        if (last == 0 || size == 0)
            return std::pair<qint64, qint64> {-1, -1};
        return std::pair<qint64, qint64> {std::max<qint64>(0, size - last), size - 1};
    }
    if (last >= 0 && last < first)
        return std::nullopt; // invalid: ignored
    if (first >= size)
        return std::pair<qint64, qint64> {-1, -1};
    return std::pair<qint64, qint64> {first, last < 0 ? size - 1 : std::min(last, size - 1)};
}

int StaticFileResponder::respond(HttpExchange *exchange) const
{
    const HttpRequest &request = exchange->request();
    if (request.method != "GET" && request.method != "HEAD") {
        HttpResponse r = HttpResponse::error(405, "method_not_allowed",
                                             QStringLiteral("the app's files answer GET and HEAD"));
        r.headers.append({QByteArrayLiteral("Allow"), QByteArrayLiteral("GET, HEAD")});
        exchange->respond(r);
        return 405;
    }
    const qsizetype q = request.target.indexOf('?');
    const UiPathResolver::Resolution found
        = m_resolver.resolve(q < 0 ? request.target : request.target.left(q));
    auto notFound = [exchange] {
        exchange->respond(HttpResponse::error(404, "not_found", QStringLiteral("no such file")));
        return 404;
    };
    if (found.outcome == UiPathResolver::Outcome::Refused)
        return notFound();

    // A precompressed sibling, when the client takes it.
    const QByteArray acceptEncoding = request.header("accept-encoding");
    QString path = found.filePath;
    QByteArray encoding;
    bool hasSiblings = false;
    for (const auto &[coding, suffix] : {std::pair {QByteArrayLiteral("br"), ".br"},
                                         std::pair {QByteArrayLiteral("gzip"), ".gz"}}) {
        const QString sibling = m_resolver.servable(found.filePath + QLatin1String(suffix));
        if (sibling.isEmpty())
            continue;
        hasSiblings = true;
        if (encoding.isEmpty() && accepts(acceptEncoding, coding)) {
            path = sibling;
            encoding = coding;
        }
    }
    auto file = std::make_unique<QFile>(path);
    if (!file->open(QIODevice::ReadOnly))
        return notFound();
    const QFileInfo info(*file);
    const qint64 size = info.size();
    const QDateTime modified = info.lastModified().toUTC();
    // Size and modification time name a version of the file without reading it.
    const QByteArray etag = '"' + QByteArray::number(size, 16) + '-'
        + QByteArray::number(modified.toMSecsSinceEpoch(), 16)
        + (encoding.isEmpty() ? QByteArray() : '-' + encoding) + '"';
    const QByteArray lastModified = httpDate(modified);

    Headers headers {{QByteArrayLiteral("ETag"), etag},
                     {QByteArrayLiteral("Last-Modified"), lastModified},
                     // Cached, but checked again on every use: an app update shows at once.
                     {QByteArrayLiteral("Cache-Control"), QByteArrayLiteral("no-cache")}};
    if (hasSiblings)
        headers.append({QByteArrayLiteral("Vary"), QByteArrayLiteral("Accept-Encoding")});

    // Conditional requests: If-None-Match wins over If-Modified-Since.
    bool notModified = false;
    if (request.headers.contains("if-none-match")) {
        notModified = etagMatches(request.header("if-none-match"), etag);
    } else if (request.headers.contains("if-modified-since")) {
        const QDateTime since = parseHttpDate(request.header("if-modified-since"));
        notModified = since.isValid() && modified.toSecsSinceEpoch() <= since.toSecsSinceEpoch();
    }
    if (notModified) {
        exchange->writeHead(304, headers, -1);
        exchange->end();
        return 304;
    }

    headers.append({QByteArrayLiteral("Content-Type"), contentType(found.filePath)});
    headers.append({QByteArrayLiteral("X-Content-Type-Options"), QByteArrayLiteral("nosniff")});
    headers.append({QByteArrayLiteral("Accept-Ranges"), QByteArrayLiteral("bytes")});
    if (!encoding.isEmpty())
        headers.append({QByteArrayLiteral("Content-Encoding"),
                        encoding == "gzip" ? QByteArrayLiteral("gzip") : encoding});

    std::optional<std::pair<qint64, qint64>> range;
    if (request.headers.contains("range")) {
        bool current = true;
        if (request.headers.contains("if-range")) {
            // A range of the version the client has, else the whole current one.
            const QByteArray ifRange = request.header("if-range").trimmed();
            current = ifRange.startsWith('"') ? ifRange == etag
                                              : parseHttpDate(ifRange).isValid()
                    && parseHttpDate(ifRange).toSecsSinceEpoch() == modified.toSecsSinceEpoch();
        }
        if (current)
            range = byteRange(request.header("range"), size);
    }
    if (range && range->first < 0) {
        headers.append({QByteArrayLiteral("Content-Range"), "bytes */" + QByteArray::number(size)});
        exchange->writeHead(416, headers, 0);
        exchange->end();
        return 416;
    }
    int status = 200;
    qint64 length = size;
    if (range) {
        status = 206;
        length = range->second - range->first + 1;
        headers.append({QByteArrayLiteral("Content-Range"),
                        "bytes " + QByteArray::number(range->first) + '-'
                            + QByteArray::number(range->second) + '/' + QByteArray::number(size)});
        if (!file->seek(range->first))
            return notFound();
    }
    exchange->writeHead(status, headers, length);
    exchange->sendBody(std::move(file), length);
    return status;
}

} // namespace steward
