#pragma once

#include "Manifest.h"

#include <QString>

#include <nlohmann/json.hpp>

namespace steward {

// What a first run of a bundle will do, without reading the manifest: which secrets are
// generated, prompted, fetched or refused, and what each service gets (never values).
class PlanReport
{
public:
    static nlohmann::json toJson(const Manifest &manifest, const QString &platform);
    static QString toText(const Manifest &manifest, const QString &platform);
    // The fill-in template of prompted and remote secrets ("env" or "json").
    static QString secretsTemplate(const Manifest &manifest, const QString &format);
    // A fill-in .env for a remote secret of shape "env": the keys its services are given.
    static QString envFileTemplate(const Manifest &manifest, const SecretSpec &secret);
};

} // namespace steward
