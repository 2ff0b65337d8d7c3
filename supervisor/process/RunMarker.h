#pragma once

#include <QList>
#include <QString>

namespace steward {

// The mark every process of a service carries in its environment and passes on to whatever it
// forks: STEWARD_RUN=<install id>/<run id>/<service id>. Steward finds a service's whole tree by
// it, also what left the service's process group, and the next start finds what a run that
// could not stop its services (SIGKILL of Steward) left behind. A process that rewrites its own
// environment escapes it; the mark contains, it does not confine (see docs/security.md).
class RunMarker
{
public:
    static constexpr const char *Variable = "STEWARD_RUN";

    static QString value(const QString &installId, const QString &runId, const QString &serviceId);

    struct Process
    {
        qint64 pid = 0;
        QString marker;
        QString command; // the first word of its command line, for reports
    };

    // Processes of this user whose marker equals `marker`, or starts with it when it ends with
    // '/'. Processes whose environment cannot be read are skipped (not the user's).
    static QList<Process> find(const QString &marker);
    // Processes of an earlier run of this install: marked with the install id, not with runId.
    static QList<Process> leftovers(const QString &installId, const QString &runId);
    // Sends `signal` to each; returns those that took it.
    static QList<Process> signal(const QList<Process> &processes, int signal);
};

} // namespace steward
