#pragma once

#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace steward {

// Expands ${service.port}, ${data} and ${bundle} tokens in manifest strings
// (env values, args, cwd, health and migration commands). As in the v0.1 reference runtime, a
// token that names nothing known (a shell-style ${HOME}, a port of a service that does not
// exist) is left in the text as written; the validator warns about it.
class TemplateRenderer
{
public:
    struct Context
    {
        QMap<QString, QMap<QString, int>> ports; // service id -> port name -> port
        QString dataDir;
        QString bundleRoot;
    };

    // The names inside every ${...} in `text`, in order ("api.http", "data").
    static QStringList tokens(const QString &text);
    // True for "data", "bundle" and "<service>.<port>" shaped names (service ids may hold
    // dots; port names may not, so the last dot splits them).
    static bool isWellFormed(const QString &token);

    explicit TemplateRenderer(Context context)
        : m_context(std::move(context))
    { }
    // Replaces every token it can resolve and leaves the others as written.
    QString render(const QString &text) const;
    // The tokens of `text` that render() leaves as written.
    QStringList unresolved(const QString &text) const;

private:
    std::optional<QString> resolve(const QString &token) const;

    Context m_context;
};

} // namespace steward
