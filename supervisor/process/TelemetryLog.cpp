#include "TelemetryLog.h"

#include "core/AtomicFile.h"
#include "core/Redactor.h"
#include "core/SafeFile.h"
#include "logging/Logging.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#else
#include <io.h>
#endif

namespace steward {

TelemetryLog::TelemetryLog(const QString &path, std::shared_ptr<const Redactor> redactor,
                           qint64 maxBytes)
    : m_path(path)
    , m_redactor(std::move(redactor))
    , m_maxBytes(maxBytes)
{
    if (Status st = AtomicFile::ensureDirectory(QFileInfo(path).absolutePath(), 0700); !st)
        Logging::telemetry()->warn("telemetry not written: {}", st.error().toStdString());
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
    // Never through a planted link: O_NOFOLLOW, a regular file of the user with one link.
    const Result<int> fd = SafeFile::openForAppend(m_path);
    if (!fd) {
        if (!m_refused) // once per run, not once per event
            Logging::telemetry()->warn("telemetry not written: {}", fd.error().toStdString());
        m_refused = true;
        return;
    }
    QFile f;
    if (f.open(fd.value(), QIODevice::Append | QIODevice::WriteOnly, QFileDevice::AutoCloseHandle))
        f.write(bytes);
    else
        ::close(fd.value());
}

} // namespace steward
