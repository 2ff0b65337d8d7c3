#pragma once

#include "DesktopShell.h"
#include "TestPaths.h"
#include "process/Supervisor.h"
#include "runtime/StewardRuntime.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <memory>

namespace steward::test {

// One desktop run of Steward on the example bundle (or options.manifestPath) in a throw-away
// app data dir: the real runtime (keychain from the test session, real services) with the
// DesktopShell on top. For GUI tests (steward_add_test ... GUI), which link the ui library.
class UiHarness
{
public:
    explicit UiHarness(RuntimeOptions options = {}, bool withShell = true)
        : m_out(&m_outText)
        , m_err(&m_errText)
    {
        if (options.manifestPath.isEmpty())
            options.manifestPath = exampleBundle();
        if (options.appDataDir.isEmpty())
            options.appDataDir = m_dir.path();
        options.interactive = true;
        m_runtime = std::make_unique<StewardRuntime>(options, m_out, m_err);
        QObject::connect(m_runtime.get(), &StewardRuntime::exitRequested, m_runtime.get(),
                         [this](int code) { m_exitCode = code; });
        if (withShell) {
            m_shell = std::make_unique<DesktopShell>(*m_runtime);
            m_shell->setUrlOpener([this](const QUrl &url) { m_opened << url; });
        }
    }
    ~UiHarness() { stop(); }

    // Options for a system where no keychain answers: every keychain call fails with NoBackend.
    static RuntimeOptions withoutKeychain()
    {
        RuntimeOptions options;
        options.keychainFactory = [](const QString &, const QString &) {
            auto store = std::make_unique<MemoryStore>();
            store->failWith(SecretStore::ErrorKind::NoBackend);
            return store;
        };
        return options;
    }

    // A first run in `appDataDir` without windows: the prompted `values` are stored, then Steward
    // stops. The next UiHarness there is a second run. True when all of that worked.
    static bool completeFirstRun(const QString &appDataDir, const QMap<QString, QString> &values)
    {
        RuntimeOptions options;
        options.appDataDir = appDataDir;
        UiHarness first(options, false);
        return first.start() == 0 && first.provide(values) && first.stop() == 0;
    }

    int start() { return m_runtime->start(); }
    // Starts the runtime and waits until every service is ready; true when it got there.
    bool startReady(int timeoutMs = 30000)
    {
        return start() == 0
            && QTest::qWaitFor(
                   [this] {
                       return m_runtime->supervisor()
                           && m_runtime->supervisor()->status() == Supervisor::AppStatus::Ready;
                   },
                   timeoutMs);
    }
    // Stores prompted values through the SecretKeeper, as the wizard would; true once stored.
    bool provide(const QMap<QString, QString> &values)
    {
        bool stored = false;
        bool answered = false;
        if (!QTest::qWaitFor([this] { return m_runtime->keeper() != nullptr; }, 20000))
            return false;
        m_runtime->keeper()->provide(values, m_runtime.get(), [&](const auto &r) {
            stored = r.ok;
            answered = true;
        });
        return QTest::qWaitFor([&] { return answered; }, 20000) && stored;
    }

    // Stops the services and waits for the runtime to ask to exit; returns its exit code.
    int stop()
    {
        if (m_exitCode < 0 && m_runtime) {
            m_runtime->requestShutdown();
            if (!QTest::qWaitFor([this] { return m_exitCode >= 0; }, 20000))
                qWarning("the runtime did not stop within 20 s");
        }
        m_shell.reset();
        return m_exitCode;
    }

    StewardRuntime &runtime() { return *m_runtime; }
    DesktopShell &shell() { return *m_shell; }
    QString appData() const { return m_dir.path(); }
    int exitCode() const { return m_exitCode; }
    const QList<QUrl> &opened() const { return m_opened; }
    QString output()
    {
        m_out.flush();
        m_err.flush();
        return m_outText + m_errText;
    }

private:
    QTemporaryDir m_dir;
    QString m_outText;
    QString m_errText;
    QTextStream m_out;
    QTextStream m_err;
    std::unique_ptr<StewardRuntime> m_runtime;
    std::unique_ptr<DesktopShell> m_shell;
    QList<QUrl> m_opened;
    int m_exitCode = -1;
};

} // namespace steward::test
