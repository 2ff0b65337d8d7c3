#pragma once

#include <QObject>
#include <QPointer>

#include <functional>
#include <optional>

namespace steward {

// Finds out once whether an NVIDIA GPU is usable (nvidia-smi -L lists one within 5 s).
// BUNDLE_GPU_AVAILABLE in Steward's environment decides instead, as in the Vrooli runtime:
// 1/true/yes/on forces "available" (for machines where the probe cannot see the GPU),
// 0/false/no/off forces "unavailable".
class GpuProbe : public QObject
{
    Q_OBJECT
public:
    struct Status
    {
        bool available = false;
        QString method; // "env_override" or "nvidia-smi"
        QString reason; // for people: the GPU found, or why there is none
    };
    using Handler = std::function<void(bool available, const QString &detail)>;
    explicit GpuProbe(QObject *parent = nullptr);
    // Runs the probe on first use; later calls get the cached answer.
    void query(QObject *context, Handler handler);
    // The answer, once the probe has run.
    std::optional<Status> status() const;
    // For tests: the program to run instead of nvidia-smi.
    void setProgram(const QString &program) { m_program = program; }

Q_SIGNALS:
    // The probe has its answer (status() has it now).
    void answered();

private:
    void finish(const Status &status);

    QString m_program = QStringLiteral("nvidia-smi");
    enum class Known { No, Running, Yes } m_known = Known::No;
    Status m_status;
    std::vector<std::pair<QPointer<QObject>, Handler>> m_waiting;
};

} // namespace steward
