#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QStringList>

namespace steward {

// A .env file as deployments keep them, read as data: KEY=value lines, "export " before a key,
// # comments (whole lines, and after an unquoted value following a space), 'single quotes'
// taken literally, "double quotes" with \n \r \t \" \\ and \$ escapes, both quotes spanning
// lines, empty values. Nothing is expanded or run: $VAR, ${VAR}, $(cmd) and `cmd` stay as
// written. A key set twice keeps its last value, with a warning.
//
// Errors and warnings name the line and the key, never a value.
class EnvFile
{
public:
    struct Entry
    {
        QString key;
        QByteArray value;
        int line = 0; // 1-based, where the key is set (last time)
    };

    static Result<EnvFile> parse(const QByteArray &text);

    // In the order the keys first appear.
    const QList<Entry> &entries() const { return m_entries; }
    QMap<QString, QByteArray> values() const;
    const QStringList &warnings() const { return m_warnings; }

private:
    QList<Entry> m_entries;
    QStringList m_warnings;
};

} // namespace steward
