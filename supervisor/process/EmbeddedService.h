#pragma once

#include "core/Result.h"

#include <QObject>

namespace steward {

// A service Steward runs inside its own process instead of a program: a ui-bundle's web server.
// ManagedService supervises it as it does a process (its state, readiness and health through its
// port, its log, restarts, stop). The runtime supplies the factory (ServiceContext::embedded),
// so this folder does not depend on what serves.
class EmbeddedService : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;

    // Starts serving, or says why it cannot.
    [[nodiscard]] virtual Status start() = 0;
    // Stops at once: nothing listens, every connection is closed.
    virtual void stop() = 0;
    virtual bool isRunning() const = 0;
    // The port its readiness and health are checked on.
    virtual int port() const = 0;
    // A line for the service's log once it started ("serving ... on http://127.0.0.1:47840/").
    virtual QString description() const = 0;

Q_SIGNALS:
    // Lines for the service's log, each ending in '\n'.
    void output(const QByteArray &lines);
};

} // namespace steward
