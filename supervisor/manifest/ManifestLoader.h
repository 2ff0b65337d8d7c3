#pragma once

#include "Diagnostic.h"
#include "Manifest.h"

#include <QByteArray>

#include <optional>

namespace steward {

class RemoteProviderRules;

struct ManifestLoadResult
{
    // Set whenever the file parsed as a JSON object, even with validation errors,
    // so callers can still describe what they can.
    std::optional<Manifest> manifest;
    Diagnostics diagnostics;
    // The file could not be read at all (missing, unreadable); `readError` says why.
    bool unreadable = false;
    QString readError;

    bool valid() const { return !unreadable && manifest && !hasErrors(diagnostics); }
};

// Parses bundle.json (schema v0.1 plus Steward's extensions) into a Manifest and validates it,
// reporting every problem at once with its JSON-pointer path.
class ManifestLoader
{
public:
    // Manifests larger than this are refused before parsing.
    static constexpr qint64 MaxManifestBytes = 4 * 1024 * 1024;
    // Arrays and objects nested deeper than this are refused before any document is built:
    // copying or freeing a deeper one recurses and could overflow the stack.
    static constexpr int MaxNesting = 256;

    // Also warns about a ui-bundle whose served folder has no index.html. With `rules` (the
    // registry of remote providers), source.provider names and each provider's own fields are
    // checked too; without, they are kept as written and only checked when a provider reads them.
    static ManifestLoadResult loadFile(const QString &path,
                                       const RemoteProviderRules *rules = nullptr);
    static ManifestLoadResult loadBytes(const QByteArray &bytes, const QString &sourcePath = {},
                                        const RemoteProviderRules *rules = nullptr);

private:
    static void checkServedFolders(const Manifest &manifest, Diagnostics &out);
};

} // namespace steward
