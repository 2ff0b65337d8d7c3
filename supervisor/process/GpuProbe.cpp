#include "GpuProbe.h"

#include "HealthProbe.h"

#include <QProcess>
#include <QTimer>

namespace steward {

GpuProbe::GpuProbe(QObject *parent)
    : QObject(parent)
{ }

void GpuProbe::query(QObject *context, Handler handler)
{
    if (m_known == Known::Yes) {
        QTimer::singleShot(0, context, [this, handler] { handler(m_available, m_detail); });
        return;
    }
    m_waiting.emplace_back(context, std::move(handler));
    if (m_known == Known::Running)
        return;
    m_known = Known::Running;
    // As in the reference runtime, BUNDLE_GPU_AVAILABLE=1 in Steward's environment says there
    // is a GPU where the probe cannot see one.
    const QByteArray forced = qgetenv("BUNDLE_GPU_AVAILABLE");
    if (forced == "1" || forced == "true") {
        m_known = Known::Yes;
        m_available = true;
        m_detail = QStringLiteral("BUNDLE_GPU_AVAILABLE=1 in Steward's environment");
        auto waiting = std::move(m_waiting);
        m_waiting.clear();
        for (auto &entry : waiting) {
            if (entry.first)
                QTimer::singleShot(0, entry.first, [this, h = std::move(entry.second)] {
                    h(m_available, m_detail);
                });
        }
        return;
    }
    auto *proc = new QProcess(this);
    proc->setProgram(m_program);
    proc->setArguments({QStringLiteral("-L")});
    auto finish = [this, proc](bool ok, const QString &detail) {
        if (m_known == Known::Yes)
            return;
        m_known = Known::Yes;
        m_available = ok;
        m_detail = detail;
        proc->deleteLater();
        auto waiting = std::move(m_waiting);
        m_waiting.clear();
        for (auto &[ctx, h] : waiting) {
            if (ctx)
                h(m_available, m_detail);
        }
    };
    connect(proc, &QProcess::finished, this, [proc, finish](int code, QProcess::ExitStatus st) {
        const QString out = QString::fromUtf8(proc->readAllStandardOutput()).trimmed();
        if (st == QProcess::NormalExit && code == 0 && out.startsWith(QLatin1String("GPU")))
            finish(true, out.section(QLatin1Char('\n'), 0, 0));
        else
            finish(false, QStringLiteral("nvidia-smi found no GPU (exit code %1)").arg(code));
    });
    connect(proc, &QProcess::errorOccurred, this, [finish](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            finish(false, QStringLiteral("nvidia-smi is not installed"));
    });
    QTimer::singleShot(5000, proc, [proc, finish] {
        proc->kill();
        finish(false, QStringLiteral("nvidia-smi did not answer within 5 s"));
    });
    proc->start();
}

} // namespace steward
