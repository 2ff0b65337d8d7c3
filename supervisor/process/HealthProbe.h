#pragma once

#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>

#include <functional>

namespace steward {

// One-shot checks of a service: an HTTP GET answered 2xx, a TCP connection accepted, or a
// command that exits 0, each within a timeout. The handler runs once, from the event loop,
// and not at all if `context` is destroyed first.
class HealthProbe
{
public:
    using Handler = std::function<void(bool ok, const QString &detail)>;

    static void http(int port, const QString &path, int timeoutMs, QObject *context,
                     Handler handler);
    static void tcp(int port, int timeoutMs, QObject *context, Handler handler);
    static void command(const QStringList &argv, const QString &workingDir,
                        const QProcessEnvironment &env, int timeoutMs, QObject *context,
                        Handler handler);
};

} // namespace steward
