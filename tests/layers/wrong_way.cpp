// Compiled twice by tests/layers: linked to steward_secrets it must build; linked only to
// steward_manifest (a layer below secrets/) it must fail, because manifest/ cannot see secrets/.
#include "secrets/SecretStore.h"

int layerProbe()
{
    return sizeof(steward::SecretStore *);
}
