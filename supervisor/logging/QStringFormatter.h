#pragma once

#include <QByteArray>
#include <QString>

#include <fmt/format.h>
#include <string_view>

// Lets a log call pass a QString as it is: logger->warn("{}: {}", id, reason). Formatted as UTF-8,
// with the format spec of a string ("{:>10}").
template<> struct fmt::formatter<QString> : fmt::formatter<std::string_view>
{
    template<typename FormatContext>
    auto format(const QString &text, FormatContext &ctx) const -> decltype(ctx.out())
    {
        const QByteArray utf8 = text.toUtf8();
        return fmt::formatter<std::string_view>::format(
            std::string_view(utf8.constData(), std::size_t(utf8.size())), ctx);
    }
};
