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
    // The logger for a module, created on first use.
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
