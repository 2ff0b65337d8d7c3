#pragma once

#include "core/Redactor.h"

#include <QObject>
#include <QRegularExpression>
#include <QStringList>

#include <deque>
#include <memory>

namespace spdlog {
class logger;
}

namespace steward {

// Captures one service's stdout and stderr: every byte passes through the redactor (matches
// split across reads included), is cut into timestamped lines, written to the service's log
// file (rotated by size: 10 MiB x 3 by default) and kept in a ring of recent lines for the
// API. Lines are matched against a readiness pattern as they arrive; nothing is re-read.
class ServiceLog : public QObject
{
    Q_OBJECT
public:
    enum class Channel { Stdout, Stderr, Steward };

    ServiceLog(const QString &serviceId, const QString &filePath, const Redactor &redactor,
               QObject *parent = nullptr, qsizetype maxFileBytes = 10 * 1024 * 1024, int files = 3,
               int ringLines = 1000);
    ~ServiceLog() override;

    void append(Channel channel, const QByteArray &data);
    // Writes a line from Steward itself about the service ("started, pid 42").
    void note(const QString &line);
    // Emits the partial lines still held (the process ended).
    void flush();
    QStringList tail(int lines) const;
    QString filePath() const { return m_filePath; }
    // Emits patternMatched() the first time a line matches (a later watch() re-arms it).
    void watch(const QRegularExpression &pattern);

Q_SIGNALS:
    void patternMatched();

private:
    struct Pipe
    {
        explicit Pipe(const Redactor &r)
            : redact(r)
        { }
        Redactor::Stream redact;
        QByteArray partial;
    };
    void emitLines(Channel channel, Pipe &pipe, const QByteArray &redacted, bool final);
    void writeLine(Channel channel, const QByteArray &line);

    QString m_serviceId;
    QString m_filePath;
    std::shared_ptr<spdlog::logger> m_file;
    Pipe m_out;
    Pipe m_err;
    std::deque<QString> m_ring;
    int m_ringLines;
    QRegularExpression m_pattern;
    bool m_matched = true;
};

} // namespace steward
