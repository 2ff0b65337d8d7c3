#pragma once

#include "ChildProcessGuard.h"

#include <QObject>
#include <QProcessEnvironment>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

namespace steward {

// One-shot checks of a service: an HTTP GET answered 2xx, a TCP connection accepted, or a
// command that exits 0, each within a timeout. As in the v0.1 reference runtime, a GET of exactly
// /health also reads the JSON body: status "healthy" or "degraded", or readiness true, passes;
// any other body fails, even with 200. The handler runs once, from the event loop,
// and not at all if `context` is destroyed first.
class HealthProbe
{
public:
    using Handler = std::function<void(bool ok, const QString &detail)>;

    static void http(int port, const QString &path, int timeoutMs, QObject *context,
                     Handler handler);
    static void tcp(int port, int timeoutMs, QObject *context, Handler handler);
    // The command runs in its own process group, and in the Landlock domain and cgroup given.
    static void command(const QStringList &argv, const QString &workingDir,
                        const QProcessEnvironment &env, int timeoutMs, QObject *context,
                        Handler handler, Confinement confinement = {});

    // Whether a /health body says the service is healthy; `why` tells otherwise.
    static bool healthBodyPasses(const QByteArray &body, QString *why);
    // The body of an HTTP response once it is complete (Content-Length, chunked, or ended by
    // the connection), or nothing while more is to come.
    static std::optional<QByteArray> completeBody(const QByteArray &response, bool ended);
};

} // namespace steward
