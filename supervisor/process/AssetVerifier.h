#pragma once

#include "manifest/Manifest.h"

#include <QObject>

#include <functional>

namespace steward {

// Checks a service's bundled assets (size and SHA-256) before its first start. Files are
// hashed in 1 MiB slices from the event loop, so a large model file never freezes Steward.
// Sizes get the v0.1 reference's tolerance: size_bytes may be exceeded by up to 5% (at least
// 1 MiB), and an asset under half its size is refused. The SHA-256 is compared without regard
// to case; "pending" or another value that is not 64 hex digits is reported and not checked.
class AssetVerifier : public QObject
{
    Q_OBJECT
public:
    struct Outcome
    {
        bool ok = true;
        QString problem; // why not ok
        QString missing; // the asset's path when it is missing altogether
        QStringList warnings;
    };
    using Handler = std::function<void(const Outcome &outcome)>;
    // Whether `actual` bytes pass for an asset declared as `expected` bytes.
    static bool sizeAcceptable(qint64 actual, qint64 expected);
    static void verify(const QList<Asset> &assets, const QString &bundleRoot, QObject *context,
                       Handler handler);
};

} // namespace steward
