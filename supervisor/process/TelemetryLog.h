#pragma once

#include <QString>

#include <memory>
#include <nlohmann/json.hpp>

namespace steward {

class Redactor;

// Appends deployment events as JSON lines to the manifest's telemetry file, in the Vrooli
// runtime's shape: {"ts","event","service_id","details":{...}} (service_id only for events
// about one service). Redacted like every log; when the file passes its size cap it is rotated
// once to "<file>.1".
class TelemetryLog
{
public:
    TelemetryLog(const QString &path, std::shared_ptr<const Redactor> redactor,
                 qint64 maxBytes = 5 * 1024 * 1024);
    // `fields` become the details; a "service" or "service_id" field names the service instead.
    void record(const char *event, nlohmann::json fields = nlohmann::json::object());
    QString path() const { return m_path; }

private:
    QString m_path;
    std::shared_ptr<const Redactor> m_redactor;
    qint64 m_maxBytes;
    bool m_refused = false; // the file was refused once; said once
};

} // namespace steward
