#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace steward {

// Replaces every known secret value with ***REDACTED*** in text that leaves the process
// (logs, telemetry, API responses, error messages).
//
// Multi-pattern matching is Aho-Corasick over UTF-8 bytes, so the cost per byte does not grow
// with the number of secrets. Overlapping matches (one secret containing or overlapping
// another) are merged into one marker, so no fragment of a longer secret survives.
class Redactor
{
public:
    static constexpr qsizetype DefaultMinimumLength = 6;
    static const QByteArray Marker; // "***REDACTED***"

    explicit Redactor(qsizetype minimumLength = DefaultMinimumLength);

    // Replaces the set of values to hide. Values shorter than the minimum length are ignored
    // (too likely to match ordinary text); `ignoredCount` says how many were.
    void setSecrets(const QList<QByteArray> &values, int *ignoredCount = nullptr);
    // Values hidden whatever setSecrets() is given later (the control API's tokens).
    void setPermanent(const QList<QByteArray> &values);
    qsizetype secretCount() const;

    QByteArray redact(const QByteArray &text) const;
    QString redact(const QString &text) const;

    // Incremental redaction of a byte stream (a service's stdout, a log file). Matches split
    // across chunk boundaries are found: bytes that could still be the start of a secret are
    // held back until they can be decided. If the redactor's secrets change, the held bytes
    // are rescanned with the new set.
    class Stream
    {
    public:
        explicit Stream(const Redactor &redactor);
        // Returns the redacted bytes that are final so far.
        QByteArray feed(const QByteArray &chunk);
        // Returns everything still held back (end of stream).
        QByteArray flush();
        qsizetype heldBytes() const { return m_pending.size(); }

    private:
        void scan(const char *data, qsizetype size);
        QByteArray release(qint64 upTo);

        const Redactor &m_redactor;
        std::shared_ptr<const struct RedactorAutomaton> m_automaton;
        int m_state = 0;
        QByteArray m_pending; // bytes not yet emitted, starting at absolute offset m_pendingStart
        qint64 m_pendingStart = 0;
        qint64 m_position = 0; // absolute offset of the next byte
        struct Interval
        {
            qint64 begin;
            qint64 end;
        };
        std::vector<Interval> m_intervals; // merged, sorted, inside the pending bytes
    };

private:
    qsizetype m_minimumLength;
    QList<QByteArray> m_permanent;
    QList<QByteArray> m_current;

    std::shared_ptr<const struct RedactorAutomaton> m_automaton;
};

} // namespace steward
