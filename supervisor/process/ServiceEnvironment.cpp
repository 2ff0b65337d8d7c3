#include "ServiceEnvironment.h"

namespace steward {

bool ServiceEnvironment::isInherited(const QString &name)
{
    static const QStringList exact {
        QStringLiteral("PATH"),
        QStringLiteral("HOME"),
        QStringLiteral("USER"),
        QStringLiteral("LOGNAME"),
        QStringLiteral("LANG"),
        QStringLiteral("LANGUAGE"),
        QStringLiteral("TMPDIR"),
        QStringLiteral("TZ"),
        // Windows equivalents.
        QStringLiteral("SystemRoot"),
        QStringLiteral("SystemDrive"),
        QStringLiteral("TEMP"),
        QStringLiteral("TMP"),
        QStringLiteral("USERPROFILE"),
        QStringLiteral("APPDATA"),
        QStringLiteral("LOCALAPPDATA"),
        QStringLiteral("PATHEXT"),
        QStringLiteral("COMSPEC"),
        QStringLiteral("USERNAME"),
    };
    return exact.contains(name) || name.startsWith(QLatin1String("LC_"))
        || name.startsWith(QLatin1String("XDG_"));
}

QProcessEnvironment ServiceEnvironment::build(const ServiceSpec &service, const Binary &binary,
                                              const TemplateRenderer &templates,
                                              const QMap<QString, QString> &stewardVars,
                                              const QMap<QString, QString> &secretVars,
                                              const QProcessEnvironment &parent)
{
    QProcessEnvironment env;
    for (const QString &key : parent.keys()) {
        if (isInherited(key))
            env.insert(key, parent.value(key));
    }
    // Templates were checked when the manifest was validated; an unresolvable one stays as is.
    auto render = [&](const QString &v) {
        const Result<QString> r = templates.render(v);
        return r.ok() ? r.value() : v;
    };
    for (auto it = service.env.cbegin(); it != service.env.cend(); ++it)
        env.insert(it.key(), render(it.value()));
    for (auto it = binary.env.cbegin(); it != binary.env.cend(); ++it)
        env.insert(it.key(), render(it.value()));
    for (auto it = stewardVars.cbegin(); it != stewardVars.cend(); ++it)
        env.insert(it.key(), it.value());
    for (auto it = secretVars.cbegin(); it != secretVars.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

} // namespace steward
