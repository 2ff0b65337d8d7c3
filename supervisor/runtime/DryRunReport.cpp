#include "DryRunReport.h"

#include "manifest/TemplateRenderer.h"
#include "process/PortAllocator.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QTextStream>

#include <algorithm>

namespace steward {

namespace {

// Quotes an argument the way a shell would need it, so the printed line can be read back.
QString shellWord(const QString &arg)
{
    static const QString plain = QStringLiteral(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=,+@%");
    const bool isPlain = !arg.isEmpty()
        && std::all_of(arg.cbegin(), arg.cend(), [](QChar c) { return plain.contains(c); });
    if (isPlain)
        return arg;
    QString quoted = arg;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace

DryRunReport::DryRunReport(const Manifest &manifest, const QString &platform,
                           const QString &appData)
{
    PortAllocator allocator(manifest);
    allocator.exclude(manifest.ipc.port);
    Result<PortAllocator::Ports> ports = allocator.allocateAll();
    if (!ports)
        m_problem = ports.error();
    TemplateRenderer::Context context;
    context.ports = ports ? ports.value() : PortAllocator::Ports();
    context.dataDir = appData;
    context.bundleRoot = manifest.bundleRoot;
    const TemplateRenderer templates(context);

    for (const QString &id : manifest.startOrder()) {
        const ServiceSpec &spec = *manifest.service(id);
        Service svc;
        svc.id = id;
        svc.ports = context.ports.value(id);
        if (spec.isOnDemand())
            svc.note = QStringLiteral("on demand: not started at launch");
        if (spec.type == ServiceSpec::Type::UiBundle) {
            // Steward serves a ui-bundle itself; it runs no program.
            const QString folder = manifest.servedFolder(spec);
            svc.note = QStringLiteral("served by Steward from %1").arg(folder);
            if (folder.isEmpty())
                svc.problems << QStringLiteral("a ui-bundle needs an assets entry to serve");
            else if (!QFileInfo(folder + QStringLiteral("/index.html")).isFile())
                svc.problems << QStringLiteral("%1 has no index.html to serve").arg(folder);
            m_services << svc;
            continue;
        }
        const Binary *binary = spec.binaryFor(platform);
        if (!binary) {
            svc.problems << QStringLiteral("no binary for %1 in the manifest").arg(platform);
            m_services << svc;
            continue;
        }
        const QString written = QDir::fromNativeSeparators(binary->path);
        svc.program = QDir(manifest.bundleRoot).absoluteFilePath(written);
        if (!written.contains(QLatin1Char('/')) && !QFileInfo(svc.program).isFile()) {
            // A bare name ("python3") is looked for as the start looks for it: the bundle's
            // bin/ and cli/, then the PATH Steward passes on.
            const QDir root(manifest.bundleRoot);
            const QString found = QStandardPaths::findExecutable(
                written,
                QStringList {root.absoluteFilePath(QStringLiteral("bin")),
                             root.absoluteFilePath(QStringLiteral("cli"))}
                    + qEnvironmentVariable("PATH").split(QDir::listSeparator(),
                                                         Qt::SkipEmptyParts));
            if (!found.isEmpty())
                svc.program = found;
        }
        const QFileInfo info(svc.program);
        if (!info.exists())
            svc.problems << QStringLiteral("%1 does not exist").arg(svc.program);
        else if (!info.isFile() || !info.isExecutable())
            svc.problems << QStringLiteral("%1 is not an executable file").arg(svc.program);
        // Unresolvable tokens stay as written, as the service will get them.
        for (const QString &arg : binary->args)
            svc.args << templates.render(arg);
        m_services << svc;
    }
}

QString DryRunReport::toText() const
{
    QString out;
    QTextStream t(&out);
    t << "Would start, in this order (nothing was started; no secret was read):\n";
    for (qsizetype i = 0; i < m_services.size(); ++i) {
        const Service &svc = m_services.at(i);
        t << "  " << i + 1 << ". " << svc.id;
        if (!svc.note.isEmpty())
            t << " (" << svc.note << ")";
        t << "\n";
        if (!svc.program.isEmpty()) {
            QStringList line {shellWord(svc.program)};
            for (const QString &a : svc.args)
                line << shellWord(a);
            t << "     run:    " << line.join(QLatin1Char(' ')) << "\n";
        }
        QStringList ports;
        for (auto it = svc.ports.cbegin(); it != svc.ports.cend(); ++it)
            ports << QStringLiteral("%1=127.0.0.1:%2").arg(it.key()).arg(it.value());
        if (!ports.isEmpty())
            t << "     ports:  " << ports.join(QStringLiteral(", ")) << "\n";
        for (const QString &p : svc.problems)
            t << "     PROBLEM: " << p << "\n";
    }
    if (!m_problem.isEmpty())
        t << "PROBLEM: " << m_problem << "\n";
    return out;
}

} // namespace steward
