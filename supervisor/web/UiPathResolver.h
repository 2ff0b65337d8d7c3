#pragma once

#include <QString>
#include <QStringList>

#include <optional>

namespace steward {

// Which file of a ui-bundle's asset folder a request path names. The raw (still
// percent-encoded) path is decoded once, strictly: a path that could leave the folder or name
// something else than it seems is refused (`..` and `.` segments, encoded or not; encoded
// slashes; backslashes; empty segments, so no `//absolute`; drive letters; NUL and other control
// bytes; bad escapes; invalid UTF-8; symlinks whose target lies outside; anything inside an
// excluded folder such as the app data dir; anything not a regular file). An existing file is
// served, a folder by its index.html, and any other path falls back to the root's index.html
// (single-page apps).
class UiPathResolver
{
public:
    enum class Outcome {
        File, // the path names this file
        Fallback, // nothing there: the root's index.html
        Refused // 404
    };
    struct Resolution
    {
        Outcome outcome = Outcome::Refused;
        QString filePath; // canonical path of the file to serve (File and Fallback)
    };

    // `excluded`: folders never served even when they lie inside `root`.
    explicit UiPathResolver(const QString &root, const QStringList &excluded = {});

    // The canonical root, empty when it does not exist.
    QString root() const { return m_root; }
    Resolution resolve(const QByteArray &rawPath) const;
    // The canonical path of `path` if it is a regular file inside the root and outside the
    // excluded folders, else empty.
    QString servable(const QString &path) const;
    // The decoded segments of a raw path, or nothing when the rules refuse it. A path ending in
    // "/" ends with an empty segment.
    static std::optional<QStringList> segments(const QByteArray &rawPath);

private:
    bool inside(const QString &canonical) const;

    QString m_root;
    QStringList m_excluded;
};

} // namespace steward
