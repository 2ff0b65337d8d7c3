#include "GpuProbe.h"

#include <QProcess>
#include <QTimer>

namespace steward {

GpuProbe::GpuProbe(QObject *parent)
    : QObject(parent)
{ }

std::optional<GpuProbe::Status> GpuProbe::status() const
{
    return m_known == Known::Yes ? std::optional(m_status) : std::nullopt;
}

void GpuProbe::finish(const Status &status)
{
    if (m_known == Known::Yes)
        return;
    m_known = Known::Yes;
    m_status = status;
    Q_EMIT answered();
    auto waiting = std::move(m_waiting);
    m_waiting.clear();
    for (auto &[ctx, h] : waiting) {
        if (ctx)
            h(m_status.available, m_status.reason);
    }
}

void GpuProbe::query(QObject *context, Handler handler)
{
    if (m_known == Known::Yes) {
        QTimer::singleShot(0, context,
                           [this, handler] { handler(m_status.available, m_status.reason); });
        return;
    }
    m_waiting.emplace_back(context, std::move(handler));
    if (m_known == Known::Running)
        return;
    m_known = Known::Running;

    const QString forced = qEnvironmentVariable("BUNDLE_GPU_AVAILABLE").trimmed().toLower();
    const QString method = QStringLiteral("env_override");
    for (const char *yes : {"1", "true", "yes", "on"}) {
        if (forced == QLatin1String(yes))
            return QTimer::singleShot(0, this, [this, method] {
                finish({true, method, QStringLiteral("forced available by BUNDLE_GPU_AVAILABLE")});
            });
    }
    for (const char *no : {"0", "false", "no", "off"}) {
        if (forced == QLatin1String(no))
            return QTimer::singleShot(0, this, [this, method] {
                finish(
                    {false, method, QStringLiteral("forced unavailable by BUNDLE_GPU_AVAILABLE")});
            });
    }

    auto *proc = new QProcess(this);
    proc->setProgram(m_program);
    proc->setArguments({QStringLiteral("-L")});
    auto done = [this, proc](bool ok, const QString &reason) {
        proc->deleteLater();
        finish({ok, QStringLiteral("nvidia-smi"), reason});
    };
    connect(proc, &QProcess::finished, this, [proc, done](int code, QProcess::ExitStatus st) {
        const QString out = QString::fromUtf8(proc->readAllStandardOutput()).trimmed();
        if (st == QProcess::NormalExit && code == 0 && out.startsWith(QLatin1String("GPU")))
            done(true, out.section(QLatin1Char('\n'), 0, 0));
        else
            done(false, QStringLiteral("nvidia-smi found no GPU (exit code %1)").arg(code));
    });
    connect(proc, &QProcess::errorOccurred, this, [done](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            done(false, QStringLiteral("nvidia-smi is not installed"));
    });
    QTimer::singleShot(5000, proc, [proc, done] {
        proc->kill();
        done(false, QStringLiteral("nvidia-smi did not answer within 5 s"));
    });
    proc->start();
}

} // namespace steward
