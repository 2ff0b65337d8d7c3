#pragma once

#include <QString>

#include <string>

// Text for the libraries that take std::string (nlohmann::json, spdlog/fmt): UTF-8. A log call
// can pass a QString itself (logging/QStringFormatter.h).
namespace steward::stdtext {

inline std::string s(const QString &text)
{
    return text.toStdString();
}

} // namespace steward::stdtext
