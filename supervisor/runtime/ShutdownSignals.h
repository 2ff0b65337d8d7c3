#pragma once

#include <QObject>

namespace steward {

class StewardRuntime;

// SIGINT and SIGTERM stop the services and end the run through the event loop (a self-pipe
// read by a socket notifier), never in the middle of an operation.
class ShutdownSignals : public QObject
{
    Q_OBJECT
public:
    explicit ShutdownSignals(StewardRuntime &runtime, QObject *parent = nullptr);
    ~ShutdownSignals() override;

private:
    static void onSignal(int sig);
    static int s_pipe[2];
};

} // namespace steward
