#pragma once

#include "manifest/Manifest.h"

#include <QObject>

#include <functional>

namespace steward {

// Checks a service's bundled assets (size and SHA-256) before its first start. Files are
// hashed in 1 MiB slices from the event loop, so a large model file never freezes Steward.
// A sha256 that is not 64 hex digits (a placeholder) is reported and not checked.
class AssetVerifier : public QObject
{
    Q_OBJECT
public:
    using Handler
        = std::function<void(bool ok, const QString &problem, const QStringList &warnings)>;
    static void verify(const QList<Asset> &assets, const QString &bundleRoot, QObject *context,
                       Handler handler);
};

} // namespace steward
