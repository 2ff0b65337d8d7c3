#pragma once

#include "manifest/Manifest.h"

#include <QMap>
#include <QString>
#include <QStringList>

namespace steward {

// What `steward --dry-run` says would start: every service in start order with its program and
// arguments resolved against the bundle root and the ports it would get now. Reads no secret,
// starts nothing, writes nothing (the ports are only tried, not held).
class DryRunReport
{
public:
    struct Service
    {
        QString id;
        QString program; // absolute; empty without a binary for the platform
        QStringList args;
        QMap<QString, int> ports;
        QString note; // why it does not start at launch (on demand)
        QStringList problems; // what would keep it from starting
    };

    DryRunReport(const Manifest &manifest, const QString &platform, const QString &appData);

    const QList<Service> &services() const { return m_services; }
    // A problem of the whole run (no free port).
    QString problem() const { return m_problem; }
    QString toText() const;

private:
    QList<Service> m_services;
    QString m_problem;
};

} // namespace steward
