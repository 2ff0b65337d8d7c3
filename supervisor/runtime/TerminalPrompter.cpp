#include "TerminalPrompter.h"

#include "manifest/SecretValidator.h"

#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTextStream>

#ifdef Q_OS_UNIX
#include <termios.h>
#include <unistd.h>
#endif

namespace steward {

TerminalPrompter::TerminalPrompter(QList<SecretSpec> secrets, QTextStream &out, QObject *parent)
    : QObject(parent)
    , m_secrets(std::move(secrets))
    , m_out(out)
{
#ifdef Q_OS_UNIX
    m_tty = ::isatty(STDIN_FILENO) == 1;
#endif
}

TerminalPrompter::~TerminalPrompter()
{
    setEcho(true);
    m_buffer.fill('\0');
    for (QString &v : m_values)
        v.fill(QLatin1Char('\0'));
}

void TerminalPrompter::setEcho(bool on)
{
#ifdef Q_OS_UNIX
    if (!m_tty || (on && !m_echoChanged))
        return;
    termios t {};
    if (::tcgetattr(STDIN_FILENO, &t) != 0)
        return;
    if (on)
        t.c_lflag |= ECHO;
    else
        t.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &t);
    m_echoChanged = !on;
#else
    Q_UNUSED(on);
#endif
}

void TerminalPrompter::start()
{
    if (m_secrets.isEmpty()) {
        Q_EMIT finished(m_values);
        return;
    }
    m_notifier = new QSocketNotifier(0, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &TerminalPrompter::onReadable);
    askCurrent();
}

void TerminalPrompter::askCurrent()
{
    const SecretSpec &s = m_secrets.at(m_index);
    m_out << "\n"
          << s.label() << (s.required ? " (required)" : " (optional, press Enter to skip)") << "\n";
    QString help
        = s.prompt && !s.prompt->description.isEmpty() ? s.prompt->description : s.description;
    // Descriptions may carry links for the wizard; a terminal shows them as "text (url)".
    static const QRegularExpression link(QStringLiteral("<a\\s+href=\"([^\"]*)\"[^>]*>(.*?)</a>"),
                                         QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression tag(QStringLiteral("<[^>]+>"));
    help.replace(link, QStringLiteral("\\2 (\\1)")).remove(tag);
    if (!help.isEmpty())
        m_out << "  " << help << "\n";
    if (!s.format.isEmpty())
        m_out << "  " << SecretValidator::expectation(s) << "\n";
    m_out << s.id << ": " << Qt::flush;
    setEcho(false);
}

void TerminalPrompter::onReadable()
{
    char chunk[4096];
#ifdef Q_OS_UNIX
    const ssize_t n = ::read(STDIN_FILENO, chunk, sizeof chunk);
#else
    const qint64 n = -1;
#endif
    if (n <= 0) {
        m_notifier->setEnabled(false);
        setEcho(true);
        m_out << "\n" << Qt::flush;
        Q_EMIT aborted();
        return;
    }
    m_buffer.append(chunk, qsizetype(n));
    qsizetype nl;
    while ((nl = m_buffer.indexOf('\n')) >= 0 && m_index < m_secrets.size()) {
        QByteArray line = m_buffer.left(nl);
        m_buffer.remove(0, nl + 1);
        if (line.endsWith('\r'))
            line.chop(1);
        const QString value = QString::fromUtf8(line);
        line.fill('\0');
        setEcho(true);
        m_out << "\n";
        const SecretSpec &s = m_secrets.at(m_index);
        const QStringList problems = SecretValidator::problems(s, value);
        if (!problems.isEmpty()) {
            m_out << "  " << problems.first() << "; please try again.\n";
            askCurrent();
            continue;
        }
        if (!value.isEmpty())
            m_values.insert(s.id, value);
        m_out << "  " << (value.isEmpty() ? "skipped" : "accepted") << "\n" << Qt::flush;
        if (++m_index == m_secrets.size()) {
            m_notifier->setEnabled(false);
            Q_EMIT finished(m_values);
            return;
        }
        askCurrent();
    }
}

} // namespace steward
