#pragma once

#include <QObject>
#include <QPointer>

#include <functional>

namespace steward {

// Finds out once whether an NVIDIA GPU is usable (nvidia-smi -L lists one within 5 s).
class GpuProbe : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(bool available, const QString &detail)>;
    explicit GpuProbe(QObject *parent = nullptr);
    // Runs the probe on first use; later calls get the cached answer.
    void query(QObject *context, Handler handler);
    // For tests: the program to run instead of nvidia-smi.
    void setProgram(const QString &program) { m_program = program; }

private:
    QString m_program = QStringLiteral("nvidia-smi");
    enum class Known { No, Running, Yes } m_known = Known::No;
    bool m_available = false;
    QString m_detail;
    std::vector<std::pair<QPointer<QObject>, Handler>> m_waiting;
};

} // namespace steward
