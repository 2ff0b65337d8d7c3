#include "ApiContext.h"

#include "secrets/SecretKeeper.h"

#include <cstring>

namespace steward {

const char *ApiContext::secretsState() const
{
    if (!keeper)
        return "loading";
    switch (keeper->phase()) {
    case SecretKeeper::Phase::Idle:
    case SecretKeeper::Phase::Loading:
        return "loading";
    case SecretKeeper::Phase::Failed:
        return "failed";
    case SecretKeeper::Phase::Generating:
    case SecretKeeper::Phase::FetchingRemote:
    case SecretKeeper::Phase::WaitingForSecrets:
    case SecretKeeper::Phase::Ready:
        break;
    }
    return "loaded";
}

bool ApiContext::secretsLoaded() const
{
    return std::strcmp(secretsState(), "loaded") == 0;
}

} // namespace steward
