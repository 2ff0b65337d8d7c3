#pragma once

#include <QWidget>

class QPlainTextEdit;
class QPushButton;

class QTimer;

namespace steward {

struct ResourceLimits;
class StatusTable;
class StewardRuntime;

// The Settings dialog's Services tab: state, restarts, ports (and limits) of each service, a
// Restart button and the last lines of the selected service's log (already redacted by its
// ServiceLog).
class ServicesPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ServicesPanel(StewardRuntime &runtime, QWidget *parent = nullptr);

    void refresh();
    void select(const QString &serviceId);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    QString selectedId() const;
    // "512 MB of memory, 150% of a CPU core", "(not applied)" where they are not set.
    QString limitsText(const ResourceLimits &limits) const;
    void refreshLog();
    void attach();

    StewardRuntime &m_runtime;
    StatusTable *m_table = nullptr;
    QPushButton *m_restart = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QTimer *m_logTimer = nullptr;
    QStringList m_ids;
    bool m_attached = false;
    bool m_showLimits = false;
};

} // namespace steward
