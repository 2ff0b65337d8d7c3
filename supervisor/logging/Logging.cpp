#include "Logging.h"

#include "core/AtomicFile.h"
#include "core/Redactor.h"
#include "core/SafeFile.h"

#include <QDir>
#include <QFileInfo>

#include <cstdio>
#include <mutex>
#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#if defined(Q_OS_UNIX)
#include <unistd.h>
#endif

namespace steward {

namespace {

// Redacts the formatted message, then hands it to the real sinks.
class RedactingSink : public spdlog::sinks::base_sink<std::mutex>
{
public:
    RedactingSink()
    {
        // The terminal gets warnings and errors; the log file (addFile) gets everything.
        auto console = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        console->set_level(spdlog::level::warn);
        m_targets.push_back(console);
        set_pattern_(std::string());
    }
    void setConsoleLevel(spdlog::level::level_enum level)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        m_targets.front()->set_level(level);
    }
    void setRedactor(std::shared_ptr<const Redactor> r)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        m_redactor = std::move(r);
    }
    void add(std::shared_ptr<spdlog::sinks::sink> s)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        s->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %-5l [%n] %v");
        m_targets.push_back(std::move(s));
    }

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        spdlog::details::log_msg copy = msg;
        std::string redacted;
        if (m_redactor) {
            const QByteArray in(msg.payload.data(), qsizetype(msg.payload.size()));
            const QByteArray out = m_redactor->redact(in);
            redacted.assign(out.constData(), std::size_t(out.size()));
            copy.payload = redacted;
        }
        for (auto &t : m_targets) {
            if (t->should_log(copy.level))
                t->log(copy);
        }
    }
    void flush_() override
    {
        for (auto &t : m_targets)
            t->flush();
    }
    void set_pattern_(const std::string &) override
    {
        for (auto &t : m_targets)
            t->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %-5l [%n] %v");
    }
    void set_formatter_(std::unique_ptr<spdlog::formatter>) override { }

private:
    std::vector<std::shared_ptr<spdlog::sinks::sink>> m_targets;
    std::shared_ptr<const Redactor> m_redactor;
};

std::shared_ptr<RedactingSink> sink()
{
    static auto s = std::make_shared<RedactingSink>();
    return s;
}

spdlog::level::level_enum levelOf(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return spdlog::level::debug;
    case QtInfoMsg:
        return spdlog::level::info;
    case QtWarningMsg:
        return spdlog::level::warn;
    case QtCriticalMsg:
        return spdlog::level::err;
    case QtFatalMsg:
        return spdlog::level::critical;
    }
    return spdlog::level::warn;
}

void qtMessage(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    const std::shared_ptr<spdlog::logger> &qt = Logging::qt();
    const std::string message = context.category && qstrcmp(context.category, "default") != 0
        ? std::string(context.category) + ": " + text.toStdString()
        : text.toStdString();
    qt->log(levelOf(type), message);
    if (type == QtFatalMsg)
        qt->flush(); // Qt aborts when this returns
}

} // namespace

void Logging::captureQtMessages()
{
    qInstallMessageHandler(qtMessage);
}

std::shared_ptr<spdlog::logger> Logging::get(const std::string &module)
{
    static std::mutex mutex;
    std::lock_guard<std::mutex> lock(mutex);
    if (auto existing = spdlog::get(module))
        return existing;
    auto logger = std::make_shared<spdlog::logger>(module, sink());
    logger->set_level(spdlog::get_level());
    logger->flush_on(spdlog::level::warn);
    spdlog::register_logger(logger);
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::api()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.api");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::audit()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.audit");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::process()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.process");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::qt()
{
    static const std::shared_ptr<spdlog::logger> logger = get("qt");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::remote()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.remote");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::runtime()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.runtime");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::secrets()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.secrets");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::state()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.state");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::telemetry()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.telemetry");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::trust()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.trust");
    return logger;
}

const std::shared_ptr<spdlog::logger> &Logging::web()
{
    static const std::shared_ptr<spdlog::logger> logger = get("steward.web");
    return logger;
}

void Logging::setConsoleLevel(spdlog::level::level_enum level)
{
    sink()->setConsoleLevel(level);
}

Status Logging::addFile(const QString &path)
{
    if (Status st = AtomicFile::ensureDirectory(QFileInfo(path).absolutePath(), 0700); !st)
        return st;
    try {
        sink()->add(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            path.toStdString(), 10 * 1024 * 1024, 3, false, safeFileHandlers()));
    } catch (const spdlog::spdlog_ex &e) {
        return Status::failure(QString::fromStdString(e.what()));
    }
    return {};
}

spdlog::file_event_handlers Logging::safeFileHandlers()
{
    spdlog::file_event_handlers handlers;
#if defined(Q_OS_UNIX)
    // spdlog opens by name with fopen(), which follows links: the file is created (or checked)
    // here first, and what fopen() got is checked against the name afterwards.
    handlers.before_open = [](const spdlog::filename_t &name) {
        const QString path = QString::fromStdString(name);
        const Result<int> fd = SafeFile::openForAppend(path);
        if (!fd)
            throw spdlog::spdlog_ex(fd.error().toStdString());
        ::close(fd.value());
    };
    handlers.after_open = [](const spdlog::filename_t &name, std::FILE *file) {
        if (Status st = SafeFile::verifyOpened(::fileno(file), QString::fromStdString(name)); !st)
            throw spdlog::spdlog_ex(st.error().toStdString());
    };
#endif
    return handlers;
}

void Logging::setRedactor(std::shared_ptr<const Redactor> redactor)
{
    sink()->setRedactor(std::move(redactor));
}

} // namespace steward
