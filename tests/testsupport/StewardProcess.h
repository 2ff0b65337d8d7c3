#pragma once

// The real steward and stewardctl binaries as child processes, for end-to-end tests. Header-only
// because the binaries' paths come from the including test target: it defines STEWARD_PATH and
// STEWARDCTL_PATH and depends on steward, stewardctl and hello-service (see tests/runtime).

#include "TestPaths.h"

#include <QFile>
#include <QProcess>
#include <QTest>

#include <csignal>
#include <functional>
#include <sys/prctl.h>

namespace steward::test {

struct CommandOutcome
{
    int code = -1; // -1: crashed or did not finish
    QString out;
    QString err;
};

// A `steward --headless` run that keeps going: read its output until something appears, then
// stop it. Killed when the test is done with it, or dies; steward takes its services with it.
class StewardProcess
{
public:
    // `inChild` runs in the child between fork and exec (async-signal-safe calls only).
    explicit StewardProcess(const QStringList &args, const QByteArray &input = {},
                            const QString &manifest = exampleBundle(),
                            const QProcessEnvironment &environment
                            = QProcessEnvironment::systemEnvironment(),
                            std::function<void()> inChild = {})
    {
        m_p.setProcessEnvironment(environment);
        // A test that crashes must not leave a steward behind holding the example's ports.
        m_p.setChildProcessModifier([inChild] {
            ::prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (inChild)
                inChild();
        });
        m_p.start(QStringLiteral(STEWARD_PATH),
                  QStringList {QStringLiteral("--headless"), QStringLiteral("--manifest"), manifest}
                      + args);
        m_p.waitForStarted();
        m_p.write(input);
        m_p.closeWriteChannel();
    }
    ~StewardProcess()
    {
        if (m_p.state() != QProcess::NotRunning) {
            m_p.kill();
            m_p.waitForFinished(5000);
        }
    }
    StewardProcess(const StewardProcess &) = delete;
    StewardProcess &operator=(const StewardProcess &) = delete;

    // Waits until stdout contains `text` `times` times.
    bool waitFor(const QString &text, int times = 1, int timeoutMs = 30000)
    {
        return QTest::qWaitFor(
            [&] {
                collect();
                return m_out.count(text) >= times;
            },
            timeoutMs);
    }
    // SIGTERM, as a service manager stops it, then everything it printed.
    CommandOutcome terminate()
    {
        // processId() is 0 once it ended, and kill(0, ...) would signal the test's own group.
        if (const qint64 pid = m_p.processId(); pid > 0)
            ::kill(pid_t(pid), SIGTERM);
        return finish();
    }
    // Waits for steward to end by itself (after stewardctl shutdown, say).
    CommandOutcome finish(int timeoutMs = 30000)
    {
        m_p.waitForFinished(timeoutMs);
        collect();
        return {m_p.state() == QProcess::NotRunning && m_p.exitStatus() == QProcess::NormalExit
                    ? m_p.exitCode()
                    : -1,
                m_out, m_err};
    }
    qint64 pid() const { return m_p.processId(); }
    bool isRunning() const { return m_p.state() == QProcess::Running; }
    // What it printed so far.
    const QString &out()
    {
        collect();
        return m_out;
    }
    const QString &err()
    {
        collect();
        return m_err;
    }

private:
    void collect()
    {
        m_out += QString::fromUtf8(m_p.readAllStandardOutput());
        m_err += QString::fromUtf8(m_p.readAllStandardError());
    }

    QProcess m_p;
    QString m_out;
    QString m_err;
};

// stewardctl ARGS with `input` on its stdin, run to its end.
inline CommandOutcome runStewardctl(const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(QStringLiteral(STEWARDCTL_PATH), args);
    p.waitForStarted();
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(30000))
        p.kill();
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// The install id steward wrote into an app data dir; it names the install's keychain entries.
inline QString installId(const QString &appData)
{
    QFile f(appData + QStringLiteral("/install-id"));
    return f.open(QIODevice::ReadOnly) ? QString::fromLatin1(f.readAll()).trimmed() : QString();
}

} // namespace steward::test
