#include "DisplayText.h"

#include "secrets/SecretKeeper.h"
#include "secrets/ShapedValue.h"

#include <QColor>
#include <QHash>

#include <cmath>

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

QString DisplayText::secretState(const SecretKeeper *keeper, const SecretSpec &spec,
                                 const QString &none)
{
    const InstallState::SecretRecord *rec = keeper ? keeper->record(spec.id) : nullptr;
    if (!rec)
        return none;
    QString status = secretStatus(rec->status);
    if (const std::optional<QByteArray> value = keeper->value(spec.id)) {
        if (const QString parts = ShapedValue::summary(spec, *value); !parts.isEmpty())
            status = tr("%1 (%2)").arg(status, parts);
    }
    if (!rec->detail.isEmpty())
        status = tr("%1: %2").arg(status, rec->detail);
    return status;
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

QString DisplayText::versionSource(const QString &source)
{
    static const QHash<QString, const char *> words {
        {QStringLiteral("generated"), QT_TR_NOOP("Generated")},
        {QStringLiteral("wizard"), QT_TR_NOOP("First-run wizard")},
        {QStringLiteral("settings"), QT_TR_NOOP("Settings")},
        {QStringLiteral("api"), QT_TR_NOOP("Control API")},
        {QStringLiteral("stewardctl"), QT_TR_NOOP("stewardctl")},
        {QStringLiteral("vault"), QT_TR_NOOP("Vault")},
        {QStringLiteral("import"), QT_TR_NOOP("Imported")},
        {QStringLiteral("rollback"), QT_TR_NOOP("Rollback")},
        {QStringLiteral("entered"), QT_TR_NOOP("Entered")},
        {QStringLiteral("terminal"), QT_TR_NOOP("Terminal")}};
    const char *word = words.value(source);
    return word ? tr(word) : source;
}

QString DisplayText::actor(const QString &actor)
{
    static const QHash<QString, const char *> words {
        {QStringLiteral("ui"), QT_TR_NOOP("You, in the app")},
        {QStringLiteral("terminal"), QT_TR_NOOP("You, at the terminal")},
        {QStringLiteral("admin token"), QT_TR_NOOP("A client with the admin token")},
        {QStringLiteral("stewardctl"), QT_TR_NOOP("stewardctl")},
        {QStringLiteral("vault"), QT_TR_NOOP("Vault")},
        {QStringLiteral("steward"), QT_TR_NOOP("Steward")},
        {QStringLiteral("a wrong token"), QT_TR_NOOP("A client with a wrong token")}};
    const char *word = words.value(actor);
    return word ? tr(word) : tr("Service %1").arg(actor);
}

QString DisplayText::auditAction(const QString &action)
{
    static const QHash<QString, const char *> words {
        {QStringLiteral("created"), QT_TR_NOOP("Set for the first time")},
        {QStringLiteral("changed"), QT_TR_NOOP("Changed")},
        {QStringLiteral("cleared"), QT_TR_NOOP("Cleared")},
        {QStringLiteral("rolled_back"), QT_TR_NOOP("Rolled back")},
        {QStringLiteral("imported"), QT_TR_NOOP("Imported")},
        {QStringLiteral("read"), QT_TR_NOOP("Value read")},
        {QStringLiteral("injected"), QT_TR_NOOP("Given to a starting service")},
        {QStringLiteral("post"), QT_TR_NOOP("Change asked for")},
        {QStringLiteral("delete"), QT_TR_NOOP("Clear asked for")},
        {QStringLiteral("get"), QT_TR_NOOP("Looked up")}};
    const char *word = words.value(action);
    return word ? tr(word) : action;
}

QString DisplayText::auditOutcome(const QString &outcome)
{
    if (outcome == QLatin1String("ok"))
        return tr("Done");
    if (outcome == QLatin1String("refused"))
        return tr("Refused");
    if (outcome == QLatin1String("failed"))
        return tr("Failed");
    return outcome;
}

namespace {

double luminance(const QColor &c)
{
    auto channel = [](double v) {
        return v <= 0.03928 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF());
}

} // namespace

double DisplayText::contrast(const QColor &a, const QColor &b)
{
    const double la = luminance(a), lb = luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

QString DisplayText::toneColor(Tone tone, const QPalette &palette)
{
    // A dark shade for light windows and a light one for dark windows; whichever reads better
    // on this window wins, so a high-contrast theme gets the stronger of the two.
    static const char *const shades[][2] = {
        {"#1b7a3a", "#6fdc8c"}, // good
        {"#9a4a00", "#ffb366"}, // warning
        {"#b00020", "#ff8a8a"}, // bad
    };
    const char *const darkShade = shades[int(tone)][0];
    const char *const lightShade = shades[int(tone)][1];
    const QColor window = palette.color(QPalette::Window);
    const bool darkReads = contrast(QColor::fromString(QLatin1String(darkShade)), window)
        >= contrast(QColor::fromString(QLatin1String(lightShade)), window);
    return QLatin1String(darkReads ? darkShade : lightShade);
}

QString DisplayText::toned(Tone tone, const QString &html, const QPalette &palette)
{
    return QStringLiteral("<span style='color:%1'>%2</span>").arg(toneColor(tone, palette), html);
}

} // namespace steward
