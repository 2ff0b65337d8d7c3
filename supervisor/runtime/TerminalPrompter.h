#pragma once

#include "manifest/Manifest.h"

#include <QMap>
#include <QObject>
#include <QStringList>

class QSocketNotifier;
class QTextStream;

namespace steward {

// Asks for secrets on the terminal, one at a time, without echo, checking each answer against
// the secret's rules before moving on. Reads stdin through a socket notifier, so the event loop
// keeps running while the person types. An empty answer skips an optional secret.
class TerminalPrompter : public QObject
{
    Q_OBJECT
public:
    TerminalPrompter(QList<SecretSpec> secrets, QTextStream &out, QObject *parent = nullptr);
    ~TerminalPrompter() override;
    void start();

Q_SIGNALS:
    // Every secret answered (optional ones may be absent).
    void finished(const QMap<QString, QString> &values);
    // stdin closed before all were answered.
    void aborted();

private:
    void askCurrent();
    void onReadable();
    void setEcho(bool on);

    QList<SecretSpec> m_secrets;
    QTextStream &m_out;
    qsizetype m_index = 0;
    QMap<QString, QString> m_values;
    QByteArray m_buffer;
    QSocketNotifier *m_notifier = nullptr;
    bool m_tty = false;
    bool m_echoChanged = false;
};

} // namespace steward
