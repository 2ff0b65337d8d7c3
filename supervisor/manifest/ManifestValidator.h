#pragma once

#include "Diagnostic.h"
#include "Manifest.h"

namespace steward {

// Checks that need the whole manifest: unique ids, references between secrets and services,
// dependency cycles, template tokens and port ranges. Per-field checks happen while parsing.
class ManifestValidator
{
public:
    static void validate(const Manifest &manifest, Diagnostics &out);
};

} // namespace steward
