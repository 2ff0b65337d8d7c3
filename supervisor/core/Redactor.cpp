#include "Redactor.h"

#include <array>
#include <deque>

namespace steward {

// The Aho-Corasick automaton, built once per set of secrets and shared (read-only) by every
// stream, so a change of secrets never disturbs a scan in progress.
struct RedactorAutomaton
{
    struct Node
    {
        std::array<int, 256> next; // full goto function (failure transitions folded in)
        int depth = 0;
        int matchLength = 0; // longest secret that ends at this node, 0 if none
    };
    std::vector<Node> nodes;
    qsizetype patterns = 0;

    RedactorAutomaton()
    {
        nodes.emplace_back();
        nodes[0].next.fill(-1);
    }

    void add(const QByteArray &p)
    {
        int s = 0;
        for (char ch : p) {
            const auto c = static_cast<unsigned char>(ch);
            if (nodes[std::size_t(s)].next[c] < 0) {
                Node n;
                n.next.fill(-1);
                n.depth = nodes[std::size_t(s)].depth + 1;
                nodes.push_back(n);
                nodes[std::size_t(s)].next[c] = int(nodes.size() - 1);
            }
            s = nodes[std::size_t(s)].next[c];
        }
        nodes[std::size_t(s)].matchLength = int(p.size());
        ++patterns;
    }

    void build()
    {
        std::vector<int> fail(nodes.size(), 0);
        std::deque<int> queue;
        for (int c = 0; c < 256; ++c) {
            int &t = nodes[0].next[std::size_t(c)];
            if (t < 0) {
                t = 0;
            } else {
                fail[std::size_t(t)] = 0;
                queue.push_back(t);
            }
        }
        while (!queue.empty()) {
            const int s = queue.front();
            queue.pop_front();
            Node &node = nodes[std::size_t(s)];
            // A shorter secret may end here even if no secret ends exactly at this node.
            if (node.matchLength == 0)
                node.matchLength = nodes[std::size_t(fail[std::size_t(s)])].matchLength;
            for (int c = 0; c < 256; ++c) {
                const int t = node.next[std::size_t(c)];
                const int viaFail = nodes[std::size_t(fail[std::size_t(s)])].next[std::size_t(c)];
                if (t < 0) {
                    nodes[std::size_t(s)].next[std::size_t(c)] = viaFail;
                } else {
                    fail[std::size_t(t)] = viaFail;
                    queue.push_back(t);
                }
            }
        }
    }
};

const QByteArray Redactor::Marker = QByteArrayLiteral("***REDACTED***");

Redactor::Redactor(qsizetype minimumLength)
    : m_minimumLength(minimumLength)
    , m_automaton(std::make_shared<RedactorAutomaton>())
{
    std::const_pointer_cast<RedactorAutomaton>(m_automaton)->build();
}

void Redactor::setPermanent(const QList<QByteArray> &values)
{
    m_permanent = values;
    setSecrets(m_current);
}

void Redactor::setSecrets(const QList<QByteArray> &values, int *ignoredCount)
{
    m_current = values;
    auto automaton = std::make_shared<RedactorAutomaton>();
    int ignored = 0;
    for (const QByteArray &v : m_permanent)
        automaton->add(v);
    for (const QByteArray &v : values) {
        if (v.size() < m_minimumLength) {
            ignored += v.isEmpty() ? 0 : 1;
            continue;
        }
        automaton->add(v);
    }
    automaton->build();
    m_automaton = std::move(automaton);
    if (ignoredCount)
        *ignoredCount = ignored;
}

qsizetype Redactor::secretCount() const
{
    return m_automaton->patterns;
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
    const auto &nodes = m_automaton->nodes;
    int s = m_state;
    for (qsizetype i = 0; i < size; ++i) {
        s = nodes[std::size_t(s)].next[static_cast<unsigned char>(data[i])];
        ++m_position;
        const int len = nodes[std::size_t(s)].matchLength;
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
