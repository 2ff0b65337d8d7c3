#include "ShapedValue.h"

#include "ConfigFiles.h"
#include "EnvFile.h"

#include <QCoreApplication>
#include <QSet>

namespace steward {

namespace {
RemoteSource::Shape shapeOf(const SecretSpec &spec)
{
    return spec.source ? spec.source->shape : RemoteSource::Shape::Value;
}
} // namespace

QMap<QString, QByteArray> ShapedValue::parts(const SecretSpec &spec, const QByteArray &value)
{
    QMap<QString, QByteArray> out;
    switch (shapeOf(spec)) {
    case RemoteSource::Shape::Env:
        if (const Result<EnvFile> env = EnvFile::parse(value))
            out = env->values();
        break;
    case RemoteSource::Shape::Files:
        if (const Result<ConfigFiles> files = ConfigFiles::parse(value)) {
            for (const ConfigFiles::File &f : files->files())
                out.insert(f.path, f.content);
        }
        break;
    case RemoteSource::Shape::Value:
        out.insert(spec.id, value);
        break;
    }
    return out;
}

QStringList ShapedValue::changedParts(const SecretSpec &spec, const QByteArray &before,
                                      const QByteArray &after)
{
    const QMap<QString, QByteArray> a = parts(spec, before);
    const QMap<QString, QByteArray> b = parts(spec, after);
    QSet<QString> names;
    for (auto it = a.cbegin(); it != a.cend(); ++it)
        names.insert(it.key());
    for (auto it = b.cbegin(); it != b.cend(); ++it)
        names.insert(it.key());
    QStringList changed;
    for (const QString &name : std::as_const(names)) {
        if (a.value(name) != b.value(name) || a.contains(name) != b.contains(name))
            changed << name;
    }
    changed.sort();
    return changed;
}

QString ShapedValue::summary(const SecretSpec &spec, const QByteArray &value)
{
    const RemoteSource::Shape shape = shapeOf(spec);
    if (shape == RemoteSource::Shape::Value)
        return {};
    const QMap<QString, QByteArray> all = parts(spec, value);
    if (shape == RemoteSource::Shape::Files)
        return QCoreApplication::translate("steward::ShapedValue", "%n file(s)", nullptr,
                                           int(all.size()));
    // A .env: the keys the services are given.
    int given = 0;
    for (const QString &key : all.keys())
        given += spec.source->takes(key) ? 1 : 0;
    return QCoreApplication::translate("steward::ShapedValue", "%n key(s)", nullptr, given);
}

} // namespace steward
