#pragma once

#include <QStringList>
#include <QTextStream>

namespace steward {

// The stewardctl command line. Kept out of main() so tests can drive it with captured streams.
class StewardCtl
{
public:
    // Exit codes shared by every command.
    enum ExitCode { Ok = 0, Invalid = 1, Unreadable = 2, Usage = 64 };

    StewardCtl(QTextStream &out, QTextStream &err)
        : m_out(out)
        , m_err(err)
    { }
    // `args` excludes the program name.
    int run(const QStringList &args);

private:
    int validate(const QStringList &args);
    int plan(const QStringList &args);
    int secretsTemplate(const QStringList &args);
    void printUsage(QTextStream &to);

    QTextStream &m_out;
    QTextStream &m_err;
};

} // namespace steward
