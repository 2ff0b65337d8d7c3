#include "DisplayText.h"

namespace steward {

QString DisplayText::secretClass(SecretClass c)
{
    switch (c) {
    case SecretClass::Infrastructure:
        return tr("Infrastructure");
    case SecretClass::PerInstallGenerated:
        return tr("Generated");
    case SecretClass::UserPrompt:
        return tr("Entered by you");
    case SecretClass::RemoteFetch:
        return tr("Remote");
    }
    return {};
}

QString DisplayText::secretStatus(InstallState::SecretStatus s)
{
    switch (s) {
    case InstallState::SecretStatus::Missing:
        return tr("Missing");
    case InstallState::SecretStatus::Configured:
        return tr("Configured");
    case InstallState::SecretStatus::Invalid:
        return tr("Invalid");
    case InstallState::SecretStatus::Stale:
        return tr("Stale");
    }
    return {};
}

QString DisplayText::secretSource(InstallState::SecretSource s)
{
    switch (s) {
    case InstallState::SecretSource::None:
        return tr("None");
    case InstallState::SecretSource::Generated:
        return tr("Generated on this computer");
    case InstallState::SecretSource::UserProvided:
        return tr("Entered by you");
    case InstallState::SecretSource::Remote:
        return tr("Remote store");
    }
    return {};
}

QString DisplayText::serviceState(ManagedService::State s)
{
    switch (s) {
    case ManagedService::State::Waiting:
        return tr("Waiting");
    case ManagedService::State::Starting:
        return tr("Starting");
    case ManagedService::State::Ready:
        return tr("Ready");
    case ManagedService::State::Backoff:
        return tr("Restarting");
    case ManagedService::State::Stopping:
        return tr("Stopping");
    case ManagedService::State::Stopped:
        return tr("Stopped");
    case ManagedService::State::Failed:
        return tr("Failed");
    }
    return {};
}

QString DisplayText::appStatus(Supervisor::AppStatus s)
{
    switch (s) {
    case Supervisor::AppStatus::Starting:
        return tr("Starting");
    case Supervisor::AppStatus::Ready:
        return tr("Ready");
    case Supervisor::AppStatus::Degraded:
        return tr("Degraded");
    case Supervisor::AppStatus::WaitingForSecrets:
        return tr("Waiting for secrets");
    case Supervisor::AppStatus::Failed:
        return tr("Failed");
    case Supervisor::AppStatus::Stopping:
        return tr("Stopping");
    case Supervisor::AppStatus::Stopped:
        return tr("Stopped");
    }
    return {};
}

QString DisplayText::serviceList(const QStringList &ids)
{
    return ids.isEmpty() ? tr("no service") : ids.join(QStringLiteral(", "));
}

} // namespace steward
