#include "ShutdownSignals.h"

#include "StewardRuntime.h"

#include <QSocketNotifier>

#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace steward {

int ShutdownSignals::s_pipe[2] = {-1, -1};

ShutdownSignals::ShutdownSignals(StewardRuntime &runtime, QObject *parent)
    : QObject(parent)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s_pipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(s_pipe[0], QSocketNotifier::Read, this);
    connect(notifier, &QSocketNotifier::activated, &runtime, [&runtime] {
        char c = 0;
        [[maybe_unused]] const auto n = ::read(s_pipe[0], &c, 1);
        runtime.requestShutdown();
    });
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
}

ShutdownSignals::~ShutdownSignals()
{
    if (s_pipe[0] < 0)
        return;
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    ::close(s_pipe[0]);
    ::close(s_pipe[1]);
    s_pipe[0] = s_pipe[1] = -1;
}

void ShutdownSignals::onSignal(int sig)
{
    const char c = char(sig);
    [[maybe_unused]] const auto n = ::write(s_pipe[1], &c, 1);
}

} // namespace steward
