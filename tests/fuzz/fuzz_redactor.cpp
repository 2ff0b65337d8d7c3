// Differential fuzzer for Redactor: redact() and a Redactor::Stream fed in uneven chunks must
// both give exactly what a naive reference gives on the same input: every occurrence of every
// secret and of each of its encoded forms gone, occurrences that overlap merged into one marker,
// nothing else changed. The reference spells the encodings out itself, byte by byte, rather than
// through Redactor::encodedForms() or Qt's encoders.
//
// Input: byte 0 seeds the chunk sizes; byte 1 sets the minimum length (bits 1-3) and makes the
// first value permanent (bit 0, no minimum); then the values separated by 0x01, a 0x00, and the
// text.

#include "core/Redactor.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

using steward::Redactor;

namespace {

constexpr qsizetype MaxSecrets = 16;

// Base64 of `value` at `align` bytes into its 3-byte group: each character whose 6 bits all come
// from the value, then, as at the end of an encoded text, the partial last character (zero
// bits after the value) alone and followed by its padding.
void base64Forms(const QByteArray &value, const char *alphabet, QList<QByteArray> &out)
{
    const qsizetype bits = 8 * value.size();
    auto bit = [&value](qsizetype i) {
        return (static_cast<unsigned char>(value.at(i / 8)) >> (7 - i % 8)) & 1;
    };
    for (int align = 0; align < 3; ++align) {
        const qsizetype offset = 8 * align; // bit position of the value in the group stream
        QByteArray whole;
        qsizetype at = (offset + 5) / 6 * 6; // first character boundary inside the value
        for (; at + 6 <= offset + bits; at += 6) {
            int v = 0;
            for (int k = 0; k < 6; ++k)
                v = v * 2 + bit(at + k - offset);
            whole += alphabet[v];
        }
        out << whole;
        if (at < offset + bits) {
            int v = 0;
            for (int k = 0; k < 6; ++k)
                v = v * 2 + (at + k < offset + bits ? bit(at + k - offset) : 0);
            whole += alphabet[v];
            out << whole;
            // Padding fills the encoded text to a multiple of 4 characters.
            const qsizetype chars = (offset + bits + 5) / 6;
            out << whole + QByteArray((4 - chars % 4) % 4, '=');
        }
    }
}

QByteArray percentForm(const QByteArray &value, const char *keep, bool plusForSpace,
                       const char *digits)
{
    QByteArray out;
    for (char ch : value) {
        const auto b = static_cast<unsigned char>(ch);
        if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
            || (b != 0 && std::strchr(keep, b))) {
            out += ch;
        } else if (b == ' ' && plusForSpace) {
            out += '+';
        } else {
            out += '%';
            out += digits[b >> 4];
            out += digits[b & 15];
        }
    }
    return out;
}

// JSON string bodies. `unicode`: every non-ASCII character as \uXXXX (UTF-16 units).
QByteArray jsonForm(const QByteArray &value, bool slash, bool unicode, const char *digits)
{
    auto u = [digits](unsigned v) {
        QByteArray e = "\\u";
        e += digits[(v >> 12) & 15];
        e += digits[(v >> 8) & 15];
        e += digits[(v >> 4) & 15];
        e += digits[v & 15];
        return e;
    };
    QByteArray out;
    const QString text = QString::fromUtf8(value);
    if (unicode && text.toUtf8() != value)
        return {};
    auto ascii = [&](unsigned c) {
        static const char shortForms[] = "\bb\ff\nn\rr\tt\"\"\\\\";
        for (int i = 0; shortForms[i]; i += 2) {
            if (unsigned(static_cast<unsigned char>(shortForms[i])) == c) {
                out += '\\';
                out += shortForms[i + 1];
                return;
            }
        }
        if (c == '/' && slash)
            out += "\\/";
        else if (c < 0x20)
            out += u(c);
        else
            out += char(c);
    };
    if (unicode) {
        for (QChar ch : text) {
            if (ch.unicode() < 0x80)
                ascii(ch.unicode());
            else
                out += u(ch.unicode());
        }
    } else {
        for (char ch : value) {
            if (static_cast<unsigned char>(ch) < 0x80)
                ascii(static_cast<unsigned char>(ch));
            else
                out += ch;
        }
    }
    return out;
}

QList<QByteArray> withEncodedForms(const QByteArray &value)
{
    QList<QByteArray> out {value};
    if (value.size() < Redactor::EncodedMinimumLength)
        return out;
    base64Forms(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", out);
    base64Forms(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", out);
    QByteArray hex, upper;
    for (char ch : value) {
        const auto b = static_cast<unsigned char>(ch);
        hex += "0123456789abcdef"[b >> 4];
        hex += "0123456789abcdef"[b & 15];
        upper += "0123456789ABCDEF"[b >> 4];
        upper += "0123456789ABCDEF"[b & 15];
    }
    out << hex << upper;
    out << percentForm(value, "-._~", false, "0123456789ABCDEF")
        << percentForm(value, "-._~", false, "0123456789abcdef")
        << percentForm(value, "-._~", true, "0123456789ABCDEF")
        << percentForm(value, "-._*", true, "0123456789ABCDEF");
    for (bool slash : {false, true}) {
        out << jsonForm(value, slash, false, "0123456789abcdef");
        out << jsonForm(value, slash, true, "0123456789abcdef");
        out << jsonForm(value, slash, true, "0123456789ABCDEF");
    }
    return out;
}

// Marks the bytes each occurrence covers and the neighbours it joins, then writes one marker
// per run of covered bytes held together by a single occurrence.
QByteArray reference(const QList<QByteArray> &secrets, const QByteArray &text)
{
    const auto n = std::size_t(text.size());
    std::vector<bool> covered(n), joinedToNext(n);
    QList<QByteArray> patterns;
    for (const QByteArray &s : secrets)
        patterns << withEncodedForms(s);
    for (const QByteArray &s : std::as_const(patterns)) {
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
