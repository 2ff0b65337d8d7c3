#include "EnvFile.h"

#include <QCoreApplication>

namespace steward {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("steward::EnvFile", text);
}

bool isKeyStart(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool isKeyChar(char c)
{
    return isKeyStart(c) || (c >= '0' && c <= '9');
}

bool isBlank(char c)
{
    return c == ' ' || c == '\t';
}

// Reads a .env text from `pos` on; `line` counts the newlines passed.
class Reader
{
public:
    explicit Reader(const QByteArray &text)
        : t(text)
    { }

    Result<EnvFile::Entry> next(bool *done);

private:
    char at(qsizetype i) const { return i < t.size() ? t.at(i) : '\0'; }
    bool atEnd() const { return pos >= t.size(); }
    void skipBlanks()
    {
        while (!atEnd() && isBlank(t.at(pos)))
            ++pos;
    }
    void skipLine()
    {
        while (!atEnd() && t.at(pos) != '\n')
            ++pos;
        if (!atEnd()) {
            ++pos;
            ++line;
        }
    }
    Result<EnvFile::Entry> fail(int where, const QString &why)
    {
        return Result<EnvFile::Entry>::failure(tr("line %1: %2").arg(where).arg(why));
    }
    // After a value: only blanks and a comment may follow on its line.
    bool restOfLineIsEmpty()
    {
        skipBlanks();
        if (!atEnd() && t.at(pos) == '#')
            skipLine();
        else if (!atEnd() && t.at(pos) == '\r' && at(pos + 1) == '\n')
            skipLine();
        else if (!atEnd() && t.at(pos) != '\n')
            return false;
        else
            skipLine();
        return true;
    }

    const QByteArray &t;
    qsizetype pos = 0;
    int line = 1;
};

Result<EnvFile::Entry> Reader::next(bool *done)
{
    *done = false;
    for (;;) {
        skipBlanks();
        if (atEnd()) {
            *done = true;
            return EnvFile::Entry {};
        }
        const char c = t.at(pos);
        if (c == '#' || c == '\n' || (c == '\r' && at(pos + 1) == '\n')) {
            skipLine();
            continue;
        }
        break;
    }
    const int keyLine = line;
    if (t.mid(pos, 7) == "export " || t.mid(pos, 7) == "export\t") {
        pos += 7;
        skipBlanks();
    }
    const qsizetype keyStart = pos;
    if (!isKeyStart(at(pos)))
        return fail(keyLine, tr("expected a variable name (letters, digits and \"_\")"));
    while (!atEnd() && isKeyChar(t.at(pos)))
        ++pos;
    EnvFile::Entry e;
    e.key = QString::fromLatin1(t.mid(keyStart, pos - keyStart));
    e.line = keyLine;
    skipBlanks();
    if (at(pos) != '=')
        return fail(keyLine, tr("%1 has no \"=\" after it").arg(e.key));
    ++pos;
    skipBlanks();
    const char quote = at(pos);
    if (quote == '\'' || quote == '"') {
        ++pos;
        for (;;) {
            if (atEnd())
                return fail(keyLine,
                            tr("the value of %1 has no closing %2")
                                .arg(e.key, QString(QLatin1Char(quote))));
            const char ch = t.at(pos++);
            if (ch == quote)
                break;
            if (ch == '\n')
                ++line;
            if (ch == '\\' && quote == '"' && !atEnd()) {
                const char esc = t.at(pos++);
                switch (esc) {
                case 'n':
                    e.value += '\n';
                    break;
                case 'r':
                    e.value += '\r';
                    break;
                case 't':
                    e.value += '\t';
                    break;
                case '"':
                case '\\':
                case '$':
                case '`':
                    e.value += esc;
                    break;
                case '\n': // a line continued
                    ++line;
                    break;
                default: // unknown escapes stay as written
                    e.value += '\\';
                    e.value += esc;
                }
                continue;
            }
            e.value += ch;
        }
        if (!restOfLineIsEmpty())
            return fail(line, tr("unexpected text after the closing quote of %1").arg(e.key));
        return e;
    }
    // Unquoted: up to the end of the line or a comment after a blank; blanks around go.
    const qsizetype start = pos;
    while (!atEnd() && t.at(pos) != '\n') {
        if (t.at(pos) == '#' && isBlank(at(pos - 1)))
            break;
        ++pos;
    }
    e.value = t.mid(start, pos - start).trimmed();
    skipLine();
    return e;
}

} // namespace

Result<EnvFile> EnvFile::parse(const QByteArray &text)
{
    EnvFile file;
    Reader reader(text);
    QMap<QString, qsizetype> seen; // key -> index in m_entries
    for (;;) {
        bool done = false;
        Result<Entry> e = reader.next(&done);
        if (!e)
            return Result<EnvFile>::failure(e.error());
        if (done)
            break;
        const auto it = seen.constFind(e->key);
        if (it == seen.cend()) {
            seen.insert(e->key, file.m_entries.size());
            file.m_entries << e.value();
            continue;
        }
        Entry &earlier = file.m_entries[*it];
        file.m_warnings << tr("line %1: %2 is set again (before on line %3); the last value wins")
                               .arg(e->line)
                               .arg(e->key)
                               .arg(earlier.line);
        earlier.value = e->value;
        earlier.line = e->line;
    }
    return file;
}

QMap<QString, QByteArray> EnvFile::values() const
{
    QMap<QString, QByteArray> out;
    for (const Entry &e : m_entries)
        out.insert(e.key, e.value);
    return out;
}

} // namespace steward
