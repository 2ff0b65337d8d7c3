// Fuzzer for bundle.json: parse and validate arbitrary bytes, then describe whatever parsed
// (plan, secrets template) the way stewardctl would.

#include "manifest/ManifestLoader.h"
#include "manifest/PlanReport.h"

#include <cstdio>
#include <cstdlib>

using namespace steward;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const ManifestLoadResult r = ManifestLoader::loadBytes(
        QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)),
        QStringLiteral("fuzz.json"));
    for (const Diagnostic &d : r.diagnostics) {
        if (d.message.isEmpty()) {
            std::fprintf(stderr, "a diagnostic without a message at %s\n", qPrintable(d.path));
            std::abort();
        }
    }
    if (!r.manifest) {
        if (!hasErrors(r.diagnostics)) {
            std::fprintf(stderr, "no manifest and no error\n");
            std::abort();
        }
        return 0;
    }
    // stewardctl describes only manifests without errors.
    if (!r.valid())
        return 0;
    (void)PlanReport::toJson(*r.manifest, QStringLiteral("linux-x64")).dump();
    (void)PlanReport::toText(*r.manifest, QStringLiteral("linux-x64"));
    (void)PlanReport::secretsTemplate(*r.manifest, QStringLiteral("env"));
    (void)PlanReport::secretsTemplate(*r.manifest, QStringLiteral("json"));
    return 0;
}
