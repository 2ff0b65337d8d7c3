#include "ServiceEnvironment.h"

#include <QDir>

namespace steward {

bool ServiceEnvironment::carriesCredentials(const QString &raw)
{
    const QString name = raw.toUpper();
    static const QStringList prefixes {
        QStringLiteral("STEWARD_"),      QStringLiteral("VAULT_"), QStringLiteral("AWS_"),
        QStringLiteral("AZURE_CLIENT_"), QStringLiteral("OP_"), // 1Password's op CLI
    };
    static const QStringList suffixes {
        QStringLiteral("_TOKEN"),       QStringLiteral("_SECRET"),
        QStringLiteral("_PASSWORD"),    QStringLiteral("_PASSWD"),
        QStringLiteral("_PASS"),        QStringLiteral("_PWD"),
        QStringLiteral("_API_KEY"),     QStringLiteral("_APIKEY"),
        QStringLiteral("_SECRET_KEY"),  QStringLiteral("_ACCESS_KEY"),
        QStringLiteral("_PRIVATE_KEY"), QStringLiteral("_CREDENTIALS"),
        QStringLiteral("_AUTH"),
    };
    static const QStringList exact {
        QStringLiteral("TOKEN"),
        QStringLiteral("PASSWORD"),
        QStringLiteral("SECRET"),
        QStringLiteral("PGPASSWORD"),
        QStringLiteral("MYSQL_PWD"),
        QStringLiteral("GOOGLE_APPLICATION_CREDENTIALS"),
        QStringLiteral("DOCKER_AUTH_CONFIG"),
        QStringLiteral("NETRC"),
    };
    if (name == QLatin1String("PWD") || name == QLatin1String("OLDPWD"))
        return false; // the shell's working directory, not a password
    if (exact.contains(name))
        return true;
    for (const QString &p : prefixes) {
        if (name.startsWith(p))
            return true;
    }
    for (const QString &s : suffixes) {
        if (name.endsWith(s))
            return true;
    }
    return false;
}

bool ServiceEnvironment::isMinimal(const QString &name)
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

bool ServiceEnvironment::isInherited(const EnvInherit &inherit, const QString &name)
{
    if (carriesCredentials(name))
        return false;
    switch (inherit.mode) {
    case EnvInherit::Mode::All:
        return true;
    case EnvInherit::Mode::Minimal:
        return isMinimal(name);
    case EnvInherit::Mode::List:
        return isMinimal(name) || inherit.names.contains(name);
    }
    return false;
}

bool ServiceEnvironment::usesPlaywright(const ServiceSpec &service, const Binary *binary)
{
    if (service.id.contains(QLatin1String("playwright"), Qt::CaseInsensitive))
        return true;
    auto hasKey = [](const EnvMap &env) {
        for (auto it = env.cbegin(); it != env.cend(); ++it) {
            if (it.key().startsWith(QLatin1String("PLAYWRIGHT_")))
                return true;
        }
        return false;
    };
    return hasKey(service.env) || (binary && hasKey(binary->env));
}

QProcessEnvironment ServiceEnvironment::build(const ServiceSpec &service, const Binary &binary,
                                              const TemplateRenderer &templates,
                                              const QString &bundleRoot, const Layers &layers,
                                              const QProcessEnvironment &parent)
{
    QProcessEnvironment env;
    for (const QString &key : parent.keys()) {
        if (isInherited(service.envInherit, key))
            env.insert(key, parent.value(key));
    }
    if (!bundleRoot.isEmpty()) {
        const QString bin = QDir(bundleRoot).absoluteFilePath(QStringLiteral("bin"));
        const QString cli = QDir(bundleRoot).absoluteFilePath(QStringLiteral("cli"));
        const QString path = env.value(QStringLiteral("PATH"));
        env.insert(QStringLiteral("PATH"),
                   QStringList {bin, cli}.join(QDir::listSeparator())
                       + (path.isEmpty() ? QString() : QDir::listSeparator() + path));
    }
    for (auto it = layers.base.cbegin(); it != layers.base.cend(); ++it)
        env.insert(it.key(), it.value());
    // Unresolvable tokens stay as written, as the reference runtime leaves them.
    for (auto it = service.env.cbegin(); it != service.env.cend(); ++it)
        env.insert(it.key(), templates.render(it.value()));
    for (auto it = binary.env.cbegin(); it != binary.env.cend(); ++it)
        env.insert(it.key(), templates.render(it.value()));
    // Playwright's browser paths are relative to the bundle in the reference runtime.
    for (const QString &key :
         {QStringLiteral("PLAYWRIGHT_CHROMIUM_PATH"), QStringLiteral("ELECTRON_CHROMIUM_PATH")}) {
        const QString value = env.value(key);
        if (!value.isEmpty() && !bundleRoot.isEmpty() && QDir::isRelativePath(value))
            env.insert(key, QDir::cleanPath(QDir(bundleRoot).absoluteFilePath(value)));
    }
    for (auto it = layers.steward.cbegin(); it != layers.steward.cend(); ++it) {
        // The driver's port fills in what the manifest left unset or unresolved.
        const bool fillIn = it.key().startsWith(QLatin1String("PLAYWRIGHT_DRIVER_"));
        if (fillIn && env.contains(it.key()) && !env.value(it.key()).contains(QLatin1String("${")))
            continue;
        env.insert(it.key(), it.value());
    }
    for (auto it = layers.secrets.cbegin(); it != layers.secrets.cend(); ++it)
        env.insert(it.key(), it.value());
    return env;
}

} // namespace steward
