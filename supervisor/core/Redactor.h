#pragma once

#include "SecretBytes.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>
#include <vector>

namespace steward {

// Replaces every known secret value with ***REDACTED*** in text that leaves the process
// (logs, telemetry, API responses, error messages), and also the forms a program commonly
// prints a value in: base64, hex, percent-encoding and JSON escaping (see encodedForms()).
//
// Multi-pattern matching is Aho-Corasick over UTF-8 bytes, so the cost per byte does not grow
// with the number of secrets. Overlapping matches (one secret containing or overlapping
// another) are merged into one marker, so no fragment of a longer secret survives.
class Redactor
{
public:
    static constexpr qsizetype DefaultMinimumLength = 6;
    // Values this long or longer are also hidden in their encoded forms; shorter encodings
    // would match ordinary text too often.
    static constexpr qsizetype EncodedMinimumLength = 6;
    static const QByteArray Marker; // "***REDACTED***"

    enum class Forms {
        Exact, // only the value's own bytes
        Encoded, // the value and every form of encodedForms()
    };

    explicit Redactor(qsizetype minimumLength = DefaultMinimumLength, Forms forms = Forms::Encoded);

    // The encoded forms of `value` that are hidden beside the value itself, without the value
    // and without duplicates:
    // - standard and URL-safe base64 of the value at each of the three byte alignments inside
    //   a longer encoded text: the characters that carry only the value's bits, and at the end
    //   of an encoded text also the last, partial character with and without '=' padding (a
    //   character shared with a neighbouring byte outside the value is left: it carries at most
    //   4 bits of the value mixed with bits of the other byte);
    // - lower- and upper-case hex;
    // - percent-encoding as RFC 3986 (upper- and lower-case digits) and as forms encode it
    //   (space as '+', with Python's and with the WHATWG set of characters left as they are);
    // - JSON string escaping: minimal, with "\/", and with every non-ASCII character as \uXXXX
    //   (lower- and upper-case digits, with and without "\/").
    static QList<QByteArray> encodedForms(const QByteArray &value);

    // Replaces the set of values to hide. Values shorter than the minimum length are ignored
    // (too likely to match ordinary text); `ignoredCount` says how many were.
    void setSecrets(const QList<QByteArray> &values, int *ignoredCount = nullptr);
    // Values hidden whatever setSecrets() is given later (the control API's tokens).
    void setPermanent(const QList<QByteArray> &values);
    // How many values (not forms) are hidden, permanent ones included.
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
    void rebuild(int *ignoredCount);

    qsizetype m_minimumLength;
    Forms m_forms;
    qsizetype m_valueCount = 0;
    // The values themselves, in SecretBytes.
    std::vector<SecretBytes> m_permanent;
    std::vector<SecretBytes> m_current;

    std::shared_ptr<const struct RedactorAutomaton> m_automaton;
};

} // namespace steward
