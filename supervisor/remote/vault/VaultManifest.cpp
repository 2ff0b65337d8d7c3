#include "VaultManifest.h"

#include "manifest/JsonReader.h"

namespace steward {

namespace {

using json = nlohmann::json;
using Need = JsonReader::Need;

QString q(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

} // namespace

VaultManifest::Config VaultManifest::parseConfig(const json &block, const QString &here,
                                                 Diagnostics &out)
{
    JsonReader r(out);
    Config c;
    if (!r.expectObject(block, here))
        return c;
    r.warnUnknownKeys(block, here,
                      {"address", "namespace", "path_prefix", "auth", "refresh_interval_s",
                       "jitter_s", "ca_cert"});
    if (auto addr = r.string(block, "address", here, Need::Optional, true)) {
        c.address = *addr;
        if (!addr->startsWith(QLatin1String("https://"))
            && !addr->startsWith(QLatin1String("http://")))
            r.error(here + QStringLiteral("/address"),
                    QStringLiteral("must be an http:// or https:// URL (got %1)").arg(q(*addr)));
    }
    c.namespaceName = r.string(block, "namespace", here).value_or(QString());
    c.pathPrefix = r.string(block, "path_prefix", here).value_or(QString());
    c.caCert = r.string(block, "ca_cert", here).value_or(QString());
    c.refreshIntervalS = int(r.integer(block, "refresh_interval_s", here, 5, 7 * 24 * 3600)
                                 .value_or(c.refreshIntervalS));
    if (const json *j = r.member(block, "jitter_s", here, Need::Optional)) {
        const QString at = here + QStringLiteral("/jitter_s");
        if (!j->is_array() || j->size() != 2 || !(*j)[0].is_number_integer()
            || !(*j)[1].is_number_integer() || (*j)[0].get<qint64>() < 0
            || (*j)[0].get<qint64>() > (*j)[1].get<qint64>() || (*j)[1].get<qint64>() > 3600)
            r.error(
                at,
                QStringLiteral("must be [min, max] whole seconds with 0 <= min <= max <= 3600"));
        else {
            c.jitterMinS = int((*j)[0].get<qint64>());
            c.jitterMaxS = int((*j)[1].get<qint64>());
        }
    }
    if (const json *auth = r.member(block, "auth", here, Need::Optional)) {
        const QString at = here + QStringLiteral("/auth");
        if (r.expectObject(*auth, at)) {
            r.warnUnknownKeys(*auth, at,
                              {"method", "token_secret", "role_id_secret", "secret_id_secret"});
            c.authMethod
                = r.oneOf(*auth, "method", at, {QStringLiteral("token"), QStringLiteral("approle")},
                          Need::Required)
                      .value_or(QStringLiteral("token"));
            c.tokenSecret = r.string(*auth, "token_secret", at).value_or(QString());
            c.roleIdSecret = r.string(*auth, "role_id_secret", at).value_or(QString());
            c.secretIdSecret = r.string(*auth, "secret_id_secret", at).value_or(QString());
            if (c.authMethod == QLatin1String("approle")) {
                if (c.roleIdSecret.isEmpty())
                    r.error(at + QStringLiteral("/role_id_secret"),
                            QStringLiteral("is required for approle"));
                if (c.secretIdSecret.isEmpty())
                    r.error(at + QStringLiteral("/secret_id_secret"),
                            QStringLiteral("is required for approle"));
            }
        }
    }
    return c;
}

VaultManifest::Source VaultManifest::parseSource(const json &v, const QString &path,
                                                 Diagnostics &out)
{
    JsonReader r(out);
    Source src;
    if (!r.expectObject(v, path))
        return src;
    r.warnUnknownKeys(v, path, {"provider", "mount", "path", "key", "kv_version"});
    src.mount = r.string(v, "mount", path, Need::Optional, true).value_or(QStringLiteral("secret"));
    src.path = r.string(v, "path", path, Need::Required, true).value_or(QString());
    src.key = r.string(v, "key", path, Need::Required, true).value_or(QString());
    if (auto kv = r.integer(v, "kv_version", path, 1, 2))
        src.kvVersion = int(*kv);
    return src;
}

} // namespace steward
