#include "Redactor.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace steward {

// The Aho-Corasick automaton, built once per set of secrets and shared (read-only) by every
// stream, so a change of secrets never disturbs a scan in progress.
//
// Encoded forms make the trie large (about twenty patterns per secret), too large for a full
// 256-entry goto row per node. The nodes nearest the root, where a scan of ordinary text spends
// nearly all its time, get a full row over byte classes (failure transitions folded in); deeper
// nodes keep only their children and a failure link. Nodes are numbered breadth-first, so a
// failure link always leads to a smaller number and, in the end, to a node with a full row.
struct RedactorAutomaton
{
    static constexpr int DenseDepth = 3;
    static constexpr int DenseRowsMax = 4096;

    std::array<quint8, 256> byteClass {}; // 0: a byte that appears in no pattern
    int classes = 1;
    int denseRows = 0;
    // Every table that spells the patterns is in SecretBytes' memory (out of core dumps, zeroed
    // when dropped), as the automaton itself is.
    template<typename T> using Table = std::vector<T, SecretAllocator<T>>;
    Table<int> dense; // denseRows x classes
    struct Node
    {
        int fail = 0;
        int edgeBegin = 0;
        int edgeCount = 0;
        int depth = 0;
    };
    Table<Node> nodes;
    // Longest pattern that ends at each node, 0 if none; apart from the nodes, as the scan reads
    // it at every byte.
    Table<int> matchLength;
    Table<quint8> edgeByte;
    Table<int> edgeTarget;
    qsizetype patterns = 0;

    explicit RedactorAutomaton(const QList<QByteArray> &patternList)
    {
        // The trie, children in small sorted lists.
        struct TrieNode
        {
            std::vector<std::pair<quint8, int>> children;
            int depth = 0;
            int terminal = 0;
        };
        std::vector<TrieNode> trie(1);
        for (const QByteArray &p : patternList) {
            if (p.isEmpty())
                continue;
            int s = 0;
            for (char ch : p) {
                const auto c = static_cast<quint8>(ch);
                byteClass[c] = 1; // marked; numbered below
                auto &kids = trie[std::size_t(s)].children;
                auto it = std::lower_bound(kids.begin(), kids.end(), std::pair<quint8, int>(c, -1));
                if (it != kids.end() && it->first == c) {
                    s = it->second;
                    continue;
                }
                const int t = int(trie.size());
                kids.insert(it, {c, t});
                trie.push_back({{}, trie[std::size_t(s)].depth + 1, 0});
                s = t;
            }
            trie[std::size_t(s)].terminal = int(p.size());
            ++patterns;
        }
        for (int c = 0; c < 256; ++c) {
            if (byteClass[std::size_t(c)])
                byteClass[std::size_t(c)] = quint8(classes++);
        }

        // Breadth-first numbering.
        std::vector<int> order; // new number -> trie index
        std::vector<int> number(trie.size());
        order.reserve(trie.size());
        order.push_back(0);
        for (std::size_t i = 0; i < order.size(); ++i) {
            for (const auto &kid : trie[std::size_t(order[i])].children) {
                number[std::size_t(kid.second)] = int(order.size());
                order.push_back(kid.second);
            }
        }
        nodes.resize(order.size());
        matchLength.resize(order.size());
        for (std::size_t n = 0; n < order.size(); ++n) {
            const TrieNode &t = trie[std::size_t(order[n])];
            Node &node = nodes[n];
            node.depth = t.depth;
            matchLength[n] = t.terminal;
            node.edgeBegin = int(edgeByte.size());
            node.edgeCount = int(t.children.size());
            for (const auto &kid : t.children) {
                edgeByte.push_back(kid.first);
                edgeTarget.push_back(number[std::size_t(kid.second)]);
            }
            if (denseRows == int(n) && t.depth <= DenseDepth && denseRows < DenseRowsMax)
                ++denseRows;
        }
        // The trie spells the patterns too: zeroed before the heap gets it back.
        for (TrieNode &t : trie)
            wipeMemory(t.children.data(), t.children.size() * sizeof t.children.front());
        trie.clear();
        trie.shrink_to_fit();

        // Failure links in breadth-first order; full rows for the first denseRows nodes.
        dense.assign(std::size_t(denseRows) * std::size_t(classes), 0);
        for (std::size_t n = 0; n < nodes.size(); ++n) {
            Node &node = nodes[n];
            for (int e = node.edgeBegin; e < node.edgeBegin + node.edgeCount; ++e) {
                const int child = edgeTarget[std::size_t(e)];
                nodes[std::size_t(child)].fail
                    = n == 0 ? 0 : step(node.fail, edgeByte[std::size_t(e)]);
            }
            // A shorter pattern may end here even if none ends exactly at this node.
            if (n != 0 && matchLength[n] == 0)
                matchLength[n] = matchLength[std::size_t(node.fail)];
            if (int(n) < denseRows) {
                int *row = dense.data() + n * std::size_t(classes);
                for (int c = 0; c < 256; ++c) {
                    const int k = byteClass[std::size_t(c)];
                    if (k == 0)
                        continue; // class 0 always leads back to the root
                    row[k] = child(int(n), quint8(c));
                    if (row[k] < 0)
                        row[k] = n == 0
                            ? 0
                            : dense[std::size_t(node.fail) * std::size_t(classes) + std::size_t(k)];
                }
            }
        }
    }

    int child(int s, quint8 c) const
    {
        const Node &node = nodes[std::size_t(s)];
        for (int e = node.edgeBegin; e < node.edgeBegin + node.edgeCount; ++e) {
            if (edgeByte[std::size_t(e)] == c)
                return edgeTarget[std::size_t(e)];
        }
        return -1;
    }

    // The goto function: the next state from state s on byte c.
    int step(int s, quint8 c) const
    {
        for (;;) {
            if (s < denseRows)
                return dense[std::size_t(s) * std::size_t(classes) + byteClass[c]];
            const int t = child(s, c);
            if (t >= 0)
                return t;
            s = nodes[std::size_t(s)].fail;
        }
    }
};

namespace {

void addBase64Forms(const QByteArray &value, QByteArray::Base64Options alphabet,
                    QList<QByteArray> &out)
{
    for (int align = 0; align < 3; ++align) {
        // The value preceded by `align` bytes of its 3-byte group: the characters that carry
        // only the value's bits are those whose 6 bits lie within [8*align, 8*(align + size)).
        const QByteArray grouped = QByteArray(align, '\0') + value;
        const QByteArray withEquals = grouped.toBase64(alphabet);
        const QByteArray bare = grouped.toBase64(alphabet | QByteArray::OmitTrailingEquals);
        const qsizetype first = (8 * align + 5) / 6;
        const qsizetype end = (8 * (align + value.size())) / 6;
        out << withEquals.mid(first, end - first) << bare.mid(first) << withEquals.mid(first);
    }
}

QByteArray lowerCaseEscapes(QByteArray encoded)
{
    for (qsizetype i = 0; i + 2 < encoded.size(); ++i) {
        if (encoded.at(i) == '%') {
            encoded[i + 1] = char(std::tolower(static_cast<unsigned char>(encoded.at(i + 1))));
            encoded[i + 2] = char(std::tolower(static_cast<unsigned char>(encoded.at(i + 2))));
        }
    }
    return encoded;
}

// application/x-www-form-urlencoded: a space is '+'. `keep` and `encode` adjust the set of
// characters left as they are (RFC 3986's unreserved ones otherwise).
QByteArray formEncoded(const QByteArray &value, const QByteArray &keep, const QByteArray &encode)
{
    QByteArray encoded = value.toPercentEncoding(keep + ' ', encode);
    encoded.replace(' ', '+');
    return encoded;
}

// Ways of writing a JSON string, combined as bits.
constexpr int Minimal = 0;
constexpr int EscapeSlash = 1;
constexpr int AsciiOnly = 2;
constexpr int UpperHex = 4;

// The body of a JSON string holding `value`; empty if AsciiOnly is asked for and the value is
// not UTF-8 (no encoder would write it so).
QByteArray jsonEscaped(const QByteArray &value, int how)
{
    const char *digits = (how & UpperHex) ? "0123456789ABCDEF" : "0123456789abcdef";
    auto escape = [digits](char16_t u) -> QByteArray {
        QByteArray e("\\u");
        for (int shift = 12; shift >= 0; shift -= 4)
            e += digits[(u >> shift) & 0xf];
        return e;
    };
    auto one = [&escape, how](char16_t u) -> QByteArray {
        switch (u) {
        case u'"':
            return QByteArrayLiteral("\\\"");
        case u'\\':
            return QByteArrayLiteral("\\\\");
        case u'/':
            return (how & EscapeSlash) ? QByteArrayLiteral("\\/") : QByteArrayLiteral("/");
        case u'\b':
            return QByteArrayLiteral("\\b");
        case u'\f':
            return QByteArrayLiteral("\\f");
        case u'\n':
            return QByteArrayLiteral("\\n");
        case u'\r':
            return QByteArrayLiteral("\\r");
        case u'\t':
            return QByteArrayLiteral("\\t");
        default:
            return u < 0x20 ? escape(u) : QByteArray(1, char(u));
        }
    };
    QByteArray out;
    if (how & AsciiOnly) {
        const QString text = QString::fromUtf8(value);
        if (text.toUtf8() != value)
            return {};
        // A character outside the BMP comes out as its surrogate pair, as JSON wants.
        for (QChar ch : text)
            out += ch.unicode() >= 0x80 ? escape(ch.unicode()) : one(ch.unicode());
    } else {
        for (char ch : value) {
            const auto b = static_cast<unsigned char>(ch);
            out += b >= 0x80 ? QByteArray(1, ch) : one(char16_t(b));
        }
    }
    return out;
}

} // namespace

QList<QByteArray> Redactor::encodedForms(const QByteArray &value)
{
    QList<QByteArray> forms;
    addBase64Forms(value, QByteArray::Base64Encoding, forms);
    addBase64Forms(value, QByteArray::Base64UrlEncoding, forms);
    forms << value.toHex() << value.toHex().toUpper();
    const QByteArray rfc3986 = value.toPercentEncoding();
    forms << rfc3986 << lowerCaseEscapes(rfc3986);
    forms << formEncoded(value, {}, {}) // Python's quote_plus
          << formEncoded(value, QByteArrayLiteral("*"), QByteArrayLiteral("~")); // WHATWG
    for (int how : {Minimal, EscapeSlash, AsciiOnly, AsciiOnly | UpperHex, AsciiOnly | EscapeSlash,
                    AsciiOnly | UpperHex | EscapeSlash})
        forms << jsonEscaped(value, how);

    QList<QByteArray> unique;
    for (const QByteArray &f : std::as_const(forms)) {
        if (!f.isEmpty() && f != value && !unique.contains(f))
            unique << f;
    }
    return unique;
}

const QByteArray Redactor::Marker = QByteArrayLiteral("***REDACTED***");

Redactor::Redactor(qsizetype minimumLength, Forms forms)
    : m_minimumLength(minimumLength)
    , m_forms(forms)
    , m_automaton(std::make_shared<RedactorAutomaton>(QList<QByteArray>()))
{ }

namespace {
std::vector<SecretBytes> kept(const QList<QByteArray> &values)
{
    std::vector<SecretBytes> out;
    out.reserve(std::size_t(values.size()));
    for (const QByteArray &v : values)
        out.emplace_back(v);
    return out;
}
} // namespace

void Redactor::setPermanent(const QList<QByteArray> &values)
{
    m_permanent = kept(values);
    rebuild(nullptr);
}

void Redactor::setSecrets(const QList<QByteArray> &values, int *ignoredCount)
{
    m_current = kept(values);
    rebuild(ignoredCount);
}

void Redactor::rebuild(int *ignoredCount)
{
    QList<QByteArray> patterns;
    qsizetype count = 0;
    int ignored = 0;
    auto add = [&](const SecretBytes &kept) {
        if (kept.size() == 0)
            return;
        ++count;
        const QByteArray v = kept.view().toByteArray();
        patterns << v;
        if (m_forms == Forms::Encoded && v.size() >= EncodedMinimumLength)
            patterns << encodedForms(v);
    };
    for (const SecretBytes &v : m_permanent)
        add(v);
    for (const SecretBytes &v : m_current) {
        if (v.size() < m_minimumLength)
            ignored += v.size() == 0 ? 0 : 1;
        else
            add(v);
    }
    m_automaton
        = std::allocate_shared<RedactorAutomaton>(SecretAllocator<RedactorAutomaton>(), patterns);
    // The patterns were copies made for the automaton: zeroed before the heap gets them back.
    for (QByteArray &p : patterns)
        wipeUnshared(p);
    m_valueCount = count;
    if (ignoredCount)
        *ignoredCount = ignored;
}

qsizetype Redactor::secretCount() const
{
    return m_valueCount;
}

QByteArray Redactor::redact(const QByteArray &text) const
{
    if (m_automaton->patterns == 0)
        return text;
    Stream stream(*this);
    QByteArray out = stream.feed(text);
    out += stream.flush();
    return out;
}

QString Redactor::redact(const QString &text) const
{
    if (m_automaton->patterns == 0)
        return text;
    return QString::fromUtf8(redact(text.toUtf8()));
}

Redactor::Stream::Stream(const Redactor &redactor)
    : m_redactor(redactor)
    , m_automaton(redactor.m_automaton)
{ }

void Redactor::Stream::scan(const char *data, qsizetype size)
{
    const RedactorAutomaton &a = *m_automaton;
    const int *dense = a.dense.data();
    const int *matchLength = a.matchLength.data();
    const auto classes = std::size_t(a.classes);
    int s = m_state;
    for (qsizetype i = 0; i < size; ++i) {
        const auto c = static_cast<quint8>(data[i]);
        s = s < a.denseRows ? dense[std::size_t(s) * classes + a.byteClass[c]] : a.step(s, c);
        ++m_position;
        const int len = matchLength[s];
        if (len == 0)
            continue;
        // New intervals end at the current position, after every earlier one. A long secret
        // can reach back over several shorter matches: merge every interval it overlaps.
        qint64 begin = m_position - len;
        while (!m_intervals.empty() && begin < m_intervals.back().end) {
            begin = std::min(begin, m_intervals.back().begin);
            m_intervals.pop_back();
        }
        m_intervals.push_back({begin, m_position});
    }
    m_state = s;
}

QByteArray Redactor::Stream::release(qint64 upTo)
{
    // Never cut through an interval: its bytes must leave as one marker. The intervals are
    // sorted and disjoint, so only the first one that ends after upTo can straddle it (not
    // necessarily the last one: a later match can lie wholly after upTo).
    for (const Interval &iv : m_intervals) {
        if (iv.end > upTo) {
            upTo = std::min(upTo, iv.begin);
            break;
        }
    }
    QByteArray out;
    if (upTo <= m_pendingStart)
        return out;
    qint64 at = m_pendingStart;
    std::size_t done = 0;
    for (const Interval &iv : m_intervals) {
        if (iv.end > upTo)
            break;
        out.append(m_pending.constData() + (at - m_pendingStart), qsizetype(iv.begin - at));
        out.append(Marker);
        at = iv.end;
        ++done;
    }
    m_intervals.erase(m_intervals.begin(), m_intervals.begin() + qsizetype(done));
    out.append(m_pending.constData() + (at - m_pendingStart), qsizetype(upTo - at));
    m_pending.remove(0, qsizetype(upTo - m_pendingStart));
    m_pendingStart = upTo;
    return out;
}

QByteArray Redactor::Stream::feed(const QByteArray &chunk)
{
    if (m_automaton != m_redactor.m_automaton) {
        // The secrets changed: rescan what is still held back with the new set.
        m_automaton = m_redactor.m_automaton;
        m_state = 0;
        m_intervals.clear();
        m_position = m_pendingStart;
        scan(m_pending.constData(), m_pending.size());
    }
    if (m_automaton->patterns == 0 && m_pending.isEmpty()) {
        m_position += chunk.size();
        m_pendingStart = m_position;
        return chunk;
    }
    m_pending.append(chunk);
    scan(chunk.constData(), chunk.size());
    // Bytes before the automaton's current depth can no longer start a secret.
    return release(m_position - m_automaton->nodes[std::size_t(m_state)].depth);
}

QByteArray Redactor::Stream::flush()
{
    QByteArray out = release(m_position);
    m_state = 0;
    return out;
}

} // namespace steward
