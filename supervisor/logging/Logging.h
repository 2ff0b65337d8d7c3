#pragma once

#include "QStringFormatter.h"
#include "core/Result.h"

#include <QString>

#include <memory>
#include <spdlog/common.h>
#include <spdlog/logger.h>

namespace steward {

class Redactor;

// Steward's own log: one spdlog logger per module ("steward.secrets", "steward.process"),
// all writing through one redacting sink to stderr and, once configured, a rotating file.
// Messages name secret ids and services, never values; the redactor is the safety net.
class Logging
{
public:
    // Each module's logger, created on first use and kept: "steward.<module>", and "qt" for
    // Qt's own messages. A call site names its module, never a string.
    static const std::shared_ptr<spdlog::logger> &api();
    static const std::shared_ptr<spdlog::logger> &audit();
    static const std::shared_ptr<spdlog::logger> &process();
    static const std::shared_ptr<spdlog::logger> &qt();
    static const std::shared_ptr<spdlog::logger> &remote();
    static const std::shared_ptr<spdlog::logger> &runtime();
    static const std::shared_ptr<spdlog::logger> &secrets();
    static const std::shared_ptr<spdlog::logger> &state();
    static const std::shared_ptr<spdlog::logger> &telemetry();
    static const std::shared_ptr<spdlog::logger> &trust();
    static const std::shared_ptr<spdlog::logger> &web();
    // The logger named `module`, created on first use: for a module this list does not know (a
    // remote provider's folder), which declares its own once, as the ones above are.
    static std::shared_ptr<spdlog::logger> get(const std::string &module);
    // Adds logs/steward.log (10 MiB x 3, rotated) beside stderr. Fails, naming the directory
    // or file, where the directory is unsafe (SafeFile) or the file cannot be opened.
    [[nodiscard]] static Status addFile(const QString &path);
    // For every log file spdlog opens by name: created 0600 without following a symbolic link,
    // and refused (spdlog_ex) unless it is a regular file of the user with one link (SafeFile).
    static spdlog::file_event_handlers safeFileHandlers();
    // Every message passes through this redactor before any sink sees it.
    static void setRedactor(std::shared_ptr<const Redactor> redactor);
    // What reaches stderr (default: warnings and errors).
    static void setConsoleLevel(spdlog::level::level_enum level);
    // Routes Qt's own messages (qDebug ... qFatal, from Qt, QtKeychain and Steward alike) to
    // the "qt" logger, so they are redacted and reach the log file like every other line.
    // For the executables; a test keeps QTest's handler.
    static void captureQtMessages();
};

} // namespace steward
