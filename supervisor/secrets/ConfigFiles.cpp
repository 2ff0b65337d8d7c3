#include "ConfigFiles.h"

#include <QCoreApplication>

#include <nlohmann/json.hpp>

namespace steward {

namespace {

using json = nlohmann::json;

QString tr(const char *text)
{
    return QCoreApplication::translate("steward::ConfigFiles", text);
}

QString text(const json &entry, const char *field)
{
    return entry.contains(field) && entry[field].is_string()
        ? QString::fromStdString(entry[field].get<std::string>())
        : QString();
}

// The path inside the folder, or an error naming what is wrong with it.
Result<QString> confined(const QString &name, const QString &destination)
{
    QString path = destination.isEmpty() ? name
        : destination.endsWith(u'/')     ? destination + name
                                         : destination;
    while (path.startsWith(u'/'))
        path.remove(0, 1); // an absolute path is mapped inside the folder
    if (path.isEmpty())
        return Result<QString>::failure(tr("names no file"));
    for (const QString &segment : path.split(u'/')) {
        if (segment.isEmpty() || segment == QLatin1String(".") || segment == QLatin1String(".."))
            return Result<QString>::failure(
                tr("\"%1\" is not a path inside the folder (no \"..\", \".\" or empty parts)")
                    .arg(path));
        if (segment.contains(QChar(0)))
            return Result<QString>::failure(tr("the path holds a NUL character"));
    }
    return path;
}

Result<int> fileMode(const json &entry)
{
    if (!entry.contains("file_mode") || entry["file_mode"].is_null())
        return 0600;
    const json &m = entry["file_mode"];
    QString digits;
    if (m.is_string())
        digits = QString::fromStdString(m.get<std::string>());
    else if (m.is_number_unsigned() || m.is_number_integer())
        digits = QString::number(m.get<qint64>()); // 640 written for 0640
    bool ok = false;
    const int bits = digits.toInt(&ok, 8);
    if (!ok || digits.size() < 3 || digits.size() > 4 || bits > 07777)
        return Result<int>::failure(tr("file_mode must be an octal mode such as \"0640\" (got %1)")
                                        .arg(QString::fromStdString(m.dump())));
    return (bits & 0770) | 0400;
}

} // namespace

Result<ConfigFiles> ConfigFiles::parse(const QByteArray &value)
{
    using R = Result<ConfigFiles>;
    const json doc = json::parse(value.toStdString(), nullptr, false);
    if (doc.is_discarded() || !(doc.is_array() || doc.is_object()))
        return R::failure(tr("not a JSON array of files (nor one file object)"));
    const json entries = doc.is_array() ? doc : json::array({doc});
    ConfigFiles out;
    QStringList seen;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        const json &e = entries[i];
        auto wrong = [i](const QString &why) {
            return R::failure(tr("entry %1: %2").arg(i).arg(why));
        };
        if (!e.is_object())
            return wrong(tr("is not an object"));
        const QString name = text(e, "name");
        if (name.isEmpty())
            return wrong(tr("has no \"name\""));
        if (!e.contains("content") || !e["content"].is_string())
            return wrong(tr("%1 has no \"content\" text").arg(name));
        const Result<QString> path = confined(name, text(e, "destination_path"));
        if (!path)
            return wrong(tr("%1: %2").arg(name, path.error()));
        const Result<int> mode = fileMode(e);
        if (!mode)
            return wrong(tr("%1: %2").arg(name, mode.error()));
        if (seen.contains(path.value()))
            return wrong(tr("%1 is written twice (%2)").arg(name, path.value()));
        seen << path.value();
        if (!text(e, "owner").isEmpty() || !text(e, "group").isEmpty())
            out.m_warnings << tr("entry %1 (%2): owner and group are ignored on a desktop; the "
                                 "file belongs to the user running the app")
                                  .arg(i)
                                  .arg(name);
        out.m_files.append({path.value(),
                            QByteArray::fromStdString(e["content"].get<std::string>()),
                            mode.value()});
    }
    return out;
}

QStringList ConfigFiles::paths() const
{
    QStringList out;
    for (const File &f : m_files)
        out << f.path;
    return out;
}

} // namespace steward
