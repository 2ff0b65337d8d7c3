#include "ServiceLog.h"

#include "core/AtomicFile.h"
#include "logging/Logging.h"

#include <QDateTime>
#include <QFileInfo>

#include <spdlog/logger.h>
#include <spdlog/sinks/rotating_file_sink.h>

namespace steward {

namespace {
// Longest line kept whole; longer output is cut so one endless line cannot grow memory.
constexpr qsizetype MaxLineBytes = 64 * 1024;
} // namespace

ServiceLog::ServiceLog(const QString &serviceId, const QString &filePath, const Redactor &redactor,
                       QObject *parent, qsizetype maxFileBytes, int files, int ringLines)
    : QObject(parent)
    , m_serviceId(serviceId)
    , m_filePath(filePath)
    , m_out(redactor)
    , m_err(redactor)
    , m_ringLines(ringLines)
{
    // An unsafe directory or file (a planted link) keeps the log in memory only.
    if (Status st = AtomicFile::ensureDirectory(QFileInfo(filePath).absolutePath(), 0700); !st) {
        Logging::process()->warn("{}: output kept in memory only: {}", serviceId.toStdString(),
                                 st.error().toStdString());
        return;
    }
    try {
        auto sink = std::make_shared<spdlog::sinks::rotating_file_sink_st>(
            filePath.toStdString(), std::size_t(maxFileBytes), std::size_t(files), false,
            Logging::safeFileHandlers());
        m_file = std::make_shared<spdlog::logger>(serviceId.toStdString(), sink);
        m_file->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %v");
        m_file->set_level(spdlog::level::trace);
    } catch (const spdlog::spdlog_ex &e) {
        m_file.reset(); // the ring still works
        Logging::process()->warn("{}: output kept in memory only: {}", serviceId.toStdString(),
                                 e.what());
    }
}

ServiceLog::~ServiceLog()
{
    flush();
}

void ServiceLog::watch(const QRegularExpression &pattern)
{
    m_pattern = pattern;
    m_matched = !pattern.isValid() || pattern.pattern().isEmpty();
}

void ServiceLog::append(Channel channel, const QByteArray &data)
{
    Pipe &pipe = channel == Channel::Stderr ? m_err : m_out;
    emitLines(channel, pipe, pipe.redact.feed(data), false);
    if (m_file)
        m_file->flush();
}

void ServiceLog::flush()
{
    emitLines(Channel::Stdout, m_out, m_out.redact.flush(), true);
    emitLines(Channel::Stderr, m_err, m_err.redact.flush(), true);
    if (m_file)
        m_file->flush();
}

void ServiceLog::note(const QString &line)
{
    writeLine(Channel::Steward, line.toUtf8());
    if (m_file)
        m_file->flush();
}

void ServiceLog::emitLines(Channel channel, Pipe &pipe, const QByteArray &redacted, bool final)
{
    pipe.partial += redacted;
    qsizetype start = 0;
    qsizetype nl;
    while ((nl = pipe.partial.indexOf('\n', start)) >= 0) {
        qsizetype end = nl;
        if (end > start && pipe.partial.at(end - 1) == '\r')
            --end;
        writeLine(channel, pipe.partial.mid(start, end - start));
        start = nl + 1;
    }
    pipe.partial.remove(0, start);
    while (pipe.partial.size() > MaxLineBytes) {
        writeLine(channel, pipe.partial.left(MaxLineBytes));
        pipe.partial.remove(0, MaxLineBytes);
    }
    if (final && !pipe.partial.isEmpty()) {
        writeLine(channel, pipe.partial);
        pipe.partial.clear();
    }
}

void ServiceLog::writeLine(Channel channel, const QByteArray &line)
{
    const char *tag = channel == Channel::Stdout ? "out"
        : channel == Channel::Stderr             ? "err"
                                                 : "steward";
    if (m_file)
        m_file->info("{} | {}", tag, std::string_view(line.constData(), std::size_t(line.size())));
    const QString text = QString::fromUtf8(line);
    m_ring.push_back(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs) + QLatin1Char(' ')
                     + QLatin1String(tag) + QStringLiteral(" | ") + text);
    while (int(m_ring.size()) > m_ringLines)
        m_ring.pop_front();
    if (!m_matched && channel != Channel::Steward && m_pattern.match(text).hasMatch()) {
        m_matched = true;
        Q_EMIT patternMatched();
    }
}

QStringList ServiceLog::tail(int lines) const
{
    QStringList out;
    const int n = std::min<int>(lines, int(m_ring.size()));
    for (auto it = m_ring.end() - n; it != m_ring.end(); ++it)
        out << *it;
    return out;
}

} // namespace steward
