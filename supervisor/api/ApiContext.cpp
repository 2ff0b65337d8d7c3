#include "ApiContext.h"

#include "secrets/SecretKeeper.h"

namespace steward {

ApiContext::SecretsState ApiContext::secretsState() const
{
    if (!keeper)
        return SecretsState::Loading;
    switch (keeper->phase()) {
    case SecretKeeper::Phase::Idle:
    case SecretKeeper::Phase::Loading:
        return SecretsState::Loading;
    case SecretKeeper::Phase::Failed:
        return SecretsState::Failed;
    case SecretKeeper::Phase::Generating:
    case SecretKeeper::Phase::FetchingRemote:
    case SecretKeeper::Phase::WaitingForSecrets:
    case SecretKeeper::Phase::Ready:
        break;
    }
    return SecretsState::Loaded;
}

const char *ApiContext::secretsStateName() const
{
    switch (secretsState()) {
    case SecretsState::Loading:
        return "loading";
    case SecretsState::Failed:
        return "failed";
    case SecretsState::Loaded:
        break;
    }
    return "loaded";
}

} // namespace steward
