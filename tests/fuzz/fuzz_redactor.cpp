// Differential fuzzer for Redactor: redact() and a Redactor::Stream fed in uneven chunks must
// both give exactly what a naive reference gives on the same input: every occurrence of every
// secret gone, occurrences that overlap merged into one marker, nothing else changed.
//
// Input: byte 0 seeds the chunk sizes; byte 1 sets the minimum length (bits 1-3) and makes the
// first value permanent (bit 0, no minimum); then the values separated by 0x01, a 0x00, and the
// text.

#include "core/Redactor.h"

#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

using steward::Redactor;

namespace {

constexpr qsizetype MaxSecrets = 16;

// Marks the bytes each occurrence covers and the neighbours it joins, then writes one marker
// per run of covered bytes held together by a single occurrence.
QByteArray reference(const QList<QByteArray> &secrets, const QByteArray &text)
{
    const auto n = std::size_t(text.size());
    std::vector<bool> covered(n), joinedToNext(n);
    for (const QByteArray &s : secrets) {
        if (s.isEmpty())
            continue;
        for (qsizetype at = text.indexOf(s); at >= 0; at = text.indexOf(s, at + 1)) {
            for (qsizetype i = at; i < at + s.size(); ++i) {
                covered[std::size_t(i)] = true;
                if (i + 1 < at + s.size())
                    joinedToNext[std::size_t(i)] = true;
            }
        }
    }
    QByteArray out;
    for (std::size_t i = 0; i < n; ++i) {
        if (!covered[i]) {
            out += text.at(qsizetype(i));
            continue;
        }
        out += Redactor::Marker;
        while (joinedToNext[i])
            ++i;
    }
    return out;
}

[[noreturn]] void mismatch(const char *what, const QByteArray &expected, const QByteArray &got)
{
    std::fprintf(stderr, "%s differs from the reference\nexpected: %s\ngot:      %s\n", what,
                 expected.toPercentEncoding().constData(), got.toPercentEncoding().constData());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const QByteArray input(reinterpret_cast<const char *>(data) + 2, qsizetype(size - 2));
    const unsigned chunkSeed = data[0];
    const bool firstPermanent = data[1] & 1;
    const qsizetype minimumLength = (data[1] >> 1) & 7;

    const qsizetype split = input.indexOf('\0');
    if (split < 0)
        return 0;
    QList<QByteArray> values = input.left(split).split('\x01');
    if (values.size() > MaxSecrets)
        values.resize(MaxSecrets);
    const QByteArray text = input.mid(split + 1);

    Redactor redactor(minimumLength);
    QList<QByteArray> hidden;
    if (firstPermanent) {
        redactor.setPermanent({values.first()});
        hidden << values.takeFirst();
    }
    redactor.setSecrets(values);
    for (const QByteArray &v : values) {
        if (v.size() >= minimumLength)
            hidden << v;
    }

    const QByteArray expected = reference(hidden, text);
    const QByteArray whole = redactor.redact(text);
    if (whole != expected)
        mismatch("redact()", expected, whole);

    std::minstd_rand chunks(chunkSeed + 1);
    Redactor::Stream stream(redactor);
    QByteArray streamed;
    for (qsizetype at = 0; at < text.size();) {
        const qsizetype n = std::min<qsizetype>(text.size() - at, 1 + qsizetype(chunks() % 24));
        streamed += stream.feed(text.mid(at, n));
        at += n;
    }
    streamed += stream.flush();
    if (streamed != expected)
        mismatch("Redactor::Stream", expected, streamed);
    return 0;
}
