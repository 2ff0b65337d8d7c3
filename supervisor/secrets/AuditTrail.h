#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>

namespace steward {

class SecretStore;

// The tamper-evident record of what happened to secrets: <app data>/audit/audit.jsonl (0600 in
// a 0700 directory), one JSON object per line, appended with O_APPEND and fsync and never
// rewritten. Each entry carries the previous entry's hash and its own:
//   hash = hex(HMAC-SHA-256(key, prev || canonical JSON of the entry without "hash")),
// keyed by a per-install audit key kept in the secret store, so a process without the key
// cannot edit, drop, reorder or rewrite entries and still produce a chain that verifies.
// audit.head (written atomically after each entry) holds the last seq and hash under the same
// key, so a cut tail shows too. Past a size the file is renamed audit-NNNNNN.jsonl and a new
// one starts; its first entry's prev is the last hash of the old one. Never holds a value.
class AuditTrail : public QObject
{
    Q_OBJECT
public:
    static constexpr qint64 DefaultRotateBytes = 4 * 1024 * 1024;
    // The audit key's id in the secret store.
    static const QString KeyId;

    struct Event
    {
        QString actor; // ui, admin token, stewardctl, vault, steward, or a service's id
        QString action; // created, changed, cleared, rolled_back, imported, read, injected, ...
        QString secret;
        QString service;
        QString outcome; // ok, refused, failed
    };
    struct Entry
    {
        qint64 seq = 0;
        QDateTime at;
        Event event;
        QByteArray prev;
        QByteArray hash;
        QString file; // where it was read from
        int line = 0; // 1-based
    };
    struct Verdict
    {
        bool ok = false;
        qint64 entries = 0;
        QString file; // the first bad file (empty when ok)
        int line = 0; // the first bad line in it, 0 when the problem is not one line
        QString problem; // plain words, never a value
    };
    struct Filter
    {
        QDateTime since; // invalid: from the start
        QString secret; // empty: every secret
    };

    explicit AuditTrail(const QString &appDataDir, QObject *parent = nullptr);

    static QString directoryFor(const QString &appDataDir);
    QString directory() const { return m_dir; }
    QString path() const;

    // Loads the audit key from `store` (creating it the first time) and continues the chain
    // from audit.head; events recorded before then are written once it is done. `done` gets an
    // empty string or why the trail cannot be written (then events are dropped, and logged).
    void open(SecretStore &store, QObject *context, std::function<void(const QString &)> done);
    // The same with a key at hand (tests, benchmarks).
    [[nodiscard]] Status openWithKey(const QByteArray &key);
    bool isOpen() const { return m_key.has_value(); }
    void setRotateBytes(qint64 bytes) { m_rotateBytes = bytes; }

    // Appends one entry (queued until open). Failures are logged, never thrown at the caller.
    void record(const Event &event);
    // Appends one entry now; fails when not open or the file cannot be written.
    [[nodiscard]] Status append(const Event &event);

    // Walks the chain through every rotated file and the current one.
    static Verdict verify(const QString &appDataDir, const QByteArray &key);
    // The entries that pass `filter`, oldest first, as written (not verified).
    static QList<Entry> list(const QString &appDataDir, const Filter &filter = {});
    // The same two for this trail: check() walks the chain with its own key (not ok, saying
    // so, while the trail is not open); entries() lists what passes `filter`.
    Verdict check() const;
    QList<Entry> entries(const Filter &filter) const { return list(m_appData, filter); }
    static QByteArray toJson(const Entry &entry);
    // The entry as the control API and stewardctl --json show it.
    static nlohmann::json toObject(const Entry &entry);
    static QByteArray canonical(const Entry &entry);

Q_SIGNALS:
    void recorded(const steward::AuditTrail::Entry &entry);

private:
    static QStringList files(const QString &dir);
    Status rotateIfNeeded(qint64 incoming);
    Status writeHead();
    static QByteArray mac(const QByteArray &key, const QByteArray &data);

    QString m_appData;
    QString m_dir;
    std::optional<QByteArray> m_key;
    qint64 m_seq = 0;
    QByteArray m_last; // hash of the last entry, empty before the first
    qint64 m_rotateBytes = DefaultRotateBytes;
    QList<Event> m_pending;
};

} // namespace steward
