#pragma once

#include "core/Result.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace steward {

// Expands ${service.port}, ${data} and ${bundle} tokens in manifest strings
// (env values, args, cwd, health and migration commands).
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
    // True for "data", "bundle" and "<service>.<port>" shaped names.
    static bool isWellFormed(const QString &token);

    explicit TemplateRenderer(Context context)
        : m_context(std::move(context))
    { }
    // Replaces every token; fails naming the first token that cannot be resolved.
    Result<QString> render(const QString &text) const;

private:
    Context m_context;
};

} // namespace steward
