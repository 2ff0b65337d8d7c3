#include "UiPathResolver.h"

#include <QDir>
#include <QFileInfo>
#include <QStringDecoder>

namespace steward {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool isDriveLetter(const QString &segment)
{
    return segment.size() >= 2 && segment.at(1) == QLatin1Char(':') && segment.at(0).isLetter()
        && segment.at(0).unicode() < 128;
}

QString canonical(const QString &path)
{
    return QFileInfo(path).canonicalFilePath();
}

} // namespace

UiPathResolver::UiPathResolver(const QString &root, const QStringList &excluded)
    : m_root(canonical(root))
{
    for (const QString &dir : excluded) {
        if (const QString c = canonical(dir); !c.isEmpty())
            m_excluded << c;
    }
}

std::optional<QStringList> UiPathResolver::segments(const QByteArray &rawPath)
{
    // Origin-form only: "/...". An absolute URL, "*" or an empty path names no file.
    if (!rawPath.startsWith('/'))
        return std::nullopt;
    QList<QByteArray> decoded {QByteArray()}; // the segments after the leading "/"
    for (qsizetype i = 1; i < rawPath.size(); ++i) {
        char c = rawPath.at(i);
        if (c == '/') {
            decoded.append(QByteArray());
            continue;
        }
        if (c == '%') {
            const int hi = i + 2 < rawPath.size() ? hexValue(rawPath.at(i + 1)) : -1;
            const int lo = hi >= 0 ? hexValue(rawPath.at(i + 2)) : -1;
            if (lo < 0)
                return std::nullopt; // a bad escape
            c = char(hi * 16 + lo);
            i += 2;
            if (c == '/')
                return std::nullopt; // an encoded separator
        }
        // Backslashes separate paths on Windows; control bytes (NUL first) name nothing honest.
        if (c == '\\' || uchar(c) < 0x20 || c == 0x7f)
            return std::nullopt;
        decoded.last().append(c);
    }
    QStringList out;
    for (qsizetype i = 0; i < decoded.size(); ++i) {
        const QByteArray &bytes = decoded.at(i);
        if (bytes.isEmpty()) {
            if (i != decoded.size() - 1)
                return std::nullopt; // "//": an absolute path in disguise
            out << QString(); // a trailing "/": a folder
            continue;
        }
        // "." and "..", and any all-dots name that Windows would read as one of them.
        if (bytes.count('.') == bytes.size())
            return std::nullopt;
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        const QString segment = utf8(bytes);
        if (utf8.hasError())
            return std::nullopt; // overlong or broken UTF-8 ("%c0%ae") decodes to nothing safe
        if (i == 0 && isDriveLetter(segment))
            return std::nullopt;
        out << segment;
    }
    return out;
}

bool UiPathResolver::inside(const QString &canonicalPath) const
{
    if (m_root.isEmpty() || canonicalPath.isEmpty())
        return false;
    const bool inRoot = m_root == QLatin1String("/") || canonicalPath == m_root
        || canonicalPath.startsWith(m_root + QLatin1Char('/'));
    if (!inRoot)
        return false;
    for (const QString &ex : m_excluded) {
        if (canonicalPath == ex || canonicalPath.startsWith(ex + QLatin1Char('/')))
            return false;
    }
    return true;
}

QString UiPathResolver::servable(const QString &path) const
{
    const QFileInfo info(path);
    if (!info.isFile()) // a regular file, or a symlink to one; not a folder, FIFO or device
        return {};
    const QString c = info.canonicalFilePath();
    return inside(c) ? c : QString();
}

UiPathResolver::Resolution UiPathResolver::resolve(const QByteArray &rawPath) const
{
    const std::optional<QStringList> parts = segments(rawPath);
    if (!parts || m_root.isEmpty())
        return {};
    auto fallback = [this] {
        const QString index = servable(m_root + QStringLiteral("/index.html"));
        return index.isEmpty() ? Resolution {} : Resolution {Outcome::Fallback, index};
    };
    QStringList named = *parts;
    const bool asFolder = named.last().isEmpty();
    if (asFolder)
        named.removeLast();
    const QString path
        = named.isEmpty() ? m_root : m_root + QLatin1Char('/') + named.join(QLatin1Char('/'));
    const QFileInfo info(path);
    if (!info.exists())
        return fallback();
    // It exists: through a symlink that leads out, inside an excluded folder, or as something
    // that is not a file or folder, it is refused rather than replaced by index.html.
    const QString canonicalPath = info.canonicalFilePath();
    if (!inside(canonicalPath))
        return {};
    if (info.isDir()) {
        const QString index = servable(canonicalPath + QStringLiteral("/index.html"));
        return index.isEmpty() ? fallback() : Resolution {Outcome::File, index};
    }
    if (asFolder) // "file.js/": not a folder
        return fallback();
    return info.isFile() ? Resolution {Outcome::File, canonicalPath} : Resolution {};
}

} // namespace steward
