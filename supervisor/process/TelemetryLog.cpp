#include "TelemetryLog.h"

#include "core/AtomicFile.h"
#include "secrets/Redactor.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

namespace steward {

TelemetryLog::TelemetryLog(const QString &path, std::shared_ptr<const Redactor> redactor,
                           qint64 maxBytes)
    : m_path(path)
    , m_redactor(std::move(redactor))
    , m_maxBytes(maxBytes)
{
    (void)AtomicFile::ensureDirectory(QFileInfo(path).absolutePath(), 0700);
}

void TelemetryLog::record(const char *event, nlohmann::json fields)
{
    nlohmann::json line {
        {"ts", QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString()},
        {"event", event}};
    if (!fields.is_object())
        fields = nlohmann::json::object();
    for (const char *key : {"service_id", "service"}) {
        if (auto it = fields.find(key); it != fields.end()) {
            if (!line.contains("service_id"))
                line["service_id"] = *it;
            fields.erase(it);
        }
    }
    line["details"] = std::move(fields);
    const QByteArray bytes = m_redactor->redact(QByteArray::fromStdString(line.dump())) + '\n';
    if (QFileInfo(m_path).size() + bytes.size() > m_maxBytes) {
        QFile::remove(m_path + QStringLiteral(".1"));
        QFile::rename(m_path, m_path + QStringLiteral(".1"));
    }
    QFile f(m_path);
    if (f.open(QIODevice::Append | QIODevice::WriteOnly)) {
        f.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
        f.write(bytes);
    }
}

} // namespace steward
