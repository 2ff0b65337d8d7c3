#pragma once

#include "Diagnostic.h"
#include "Manifest.h"

namespace steward {

class RemoteProviderRules;

// Checks that need the whole manifest: unique ids, references between secrets and services,
// dependency cycles, template tokens and port ranges, and (with `rules`) the secrets a remote
// provider's block names for its authentication. Per-field checks happen while parsing.
class ManifestValidator
{
public:
    static void validate(const Manifest &manifest, Diagnostics &out,
                         const RemoteProviderRules *rules = nullptr);
};

} // namespace steward
