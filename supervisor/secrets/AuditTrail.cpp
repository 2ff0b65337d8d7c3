#include "AuditTrail.h"

#include "SecretGenerator.h"
#include "SecretStore.h"
#include "core/AtomicFile.h"
#include "core/StdText.h"
#include "logging/Logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QPointer>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <nlohmann/json.hpp>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <unistd.h>

namespace steward {

using json = nlohmann::json;
using stdtext::s;

namespace {

constexpr const char *CurrentName = "audit.jsonl";
constexpr const char *HeadName = "audit.head";

QString qstr(const json &j, const char *key)
{
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? QString::fromStdString(it->get<std::string>())
                                            : QString();
}

json entryObject(const AuditTrail::Entry &e)
{
    return json {{"seq", e.seq},
                 {"at", s(e.at.toUTC().toString(Qt::ISODateWithMs))},
                 {"actor", s(e.event.actor)},
                 {"action", s(e.event.action)},
                 {"secret", s(e.event.secret)},
                 {"service", s(e.event.service)},
                 {"outcome", s(e.event.outcome)},
                 {"prev", e.prev.toStdString()}};
}

std::optional<AuditTrail::Entry> parseEntry(const QByteArray &line)
{
    const json j = json::parse(line.constData(), line.constData() + line.size(), nullptr, false);
    if (!j.is_object() || !j.value("seq", json()).is_number_integer())
        return std::nullopt;
    AuditTrail::Entry e;
    e.seq = j["seq"].get<qint64>();
    e.at = QDateTime::fromString(qstr(j, "at"), Qt::ISODateWithMs);
    e.event = {qstr(j, "actor"), qstr(j, "action"), qstr(j, "secret"), qstr(j, "service"),
               qstr(j, "outcome")};
    e.prev = qstr(j, "prev").toLatin1();
    e.hash = qstr(j, "hash").toLatin1();
    return e;
}

QByteArray readAll(const QString &path, bool *exists = nullptr)
{
    QFile f(path);
    if (exists)
        *exists = f.exists();
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll();
}

} // namespace

const QString AuditTrail::KeyId = QStringLiteral("steward-audit-key");

AuditTrail::AuditTrail(const QString &appDataDir, QObject *parent)
    : QObject(parent)
    , m_appData(appDataDir)
    , m_dir(directoryFor(appDataDir))
{ }

QString AuditTrail::directoryFor(const QString &appDataDir)
{
    return appDataDir + QStringLiteral("/audit");
}

QString AuditTrail::path() const
{
    return m_dir + QLatin1Char('/') + QLatin1String(CurrentName);
}

QByteArray AuditTrail::mac(const QByteArray &key, const QByteArray &data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!HMAC(EVP_sha256(), key.constData(), int(key.size()),
              reinterpret_cast<const unsigned char *>(data.constData()), std::size_t(data.size()),
              out, &length))
        return {};
    return QByteArray(reinterpret_cast<const char *>(out), int(length)).toHex();
}

QByteArray AuditTrail::canonical(const Entry &entry)
{
    // nlohmann's objects keep their keys sorted: one text per entry.
    return QByteArray::fromStdString(entryObject(entry).dump());
}

QByteArray AuditTrail::toJson(const Entry &entry)
{
    return QByteArray::fromStdString(toObject(entry).dump());
}

json AuditTrail::toObject(const Entry &entry)
{
    json j = entryObject(entry);
    j["hash"] = entry.hash.toStdString();
    return j;
}

AuditTrail::Verdict AuditTrail::check() const
{
    if (!m_key) {
        Verdict v;
        v.problem = tr("the audit trail is not open yet, so its chain cannot be checked");
        return v;
    }
    return verify(m_appData, *m_key);
}

QStringList AuditTrail::files(const QString &dir)
{
    // Rotated files first, oldest first (their numbers grow), then the current one.
    QStringList out;
    for (const QString &name :
         QDir(dir).entryList({QStringLiteral("audit-*.jsonl")}, QDir::Files, QDir::Name))
        out << dir + QLatin1Char('/') + name;
    if (QFileInfo::exists(dir + QLatin1Char('/') + QLatin1String(CurrentName)))
        out << dir + QLatin1Char('/') + QLatin1String(CurrentName);
    return out;
}

void AuditTrail::open(SecretStore &store, QObject *context,
                      std::function<void(const QString &)> done)
{
    QPointer<QObject> ctx(context);
    auto finish = [this, ctx, done](const QString &error) {
        if (!error.isEmpty()) {
            Logging::audit()->error("the audit trail cannot be written: {}", error);
            m_pending.clear();
        }
        if (ctx && done)
            done(error);
    };
    store.read(
        KeyId, this, [this, &store, finish](const SecretStore::Error &e, const QByteArray &key) {
            if (e.ok()) {
                const Status s = openWithKey(key);
                return finish(s ? QString() : s.error());
            }
            if (e.kind != SecretStore::ErrorKind::NotFound)
                return finish(e.message);
            QByteArray fresh(32, '\0');
            if (!SecretGenerator::randomBytes(reinterpret_cast<unsigned char *>(fresh.data()), 32))
                return finish(tr("no random bytes for the audit key"));
            fresh = fresh.toHex();
            store.write(KeyId, fresh, this, [this, fresh, finish](const SecretStore::Error &we) {
                if (!we.ok())
                    return finish(we.message);
                const Status s = openWithKey(fresh);
                finish(s ? QString() : s.error());
            });
        });
}

Status AuditTrail::openWithKey(const QByteArray &key)
{
    if (Status s = AtomicFile::ensureDirectory(m_dir, 0700); !s)
        return s;
    m_key = key;
    m_seq = 0;
    m_last.clear();
    bool exists = false;
    const json head = json::parse(
        readAll(m_dir + QLatin1Char('/') + QLatin1String(HeadName), &exists).toStdString(), nullptr,
        false);
    if (head.is_object() && head.value("seq", json()).is_number_integer()) {
        const qint64 seq = head["seq"].get<qint64>();
        const QByteArray hash = qstr(head, "hash").toLatin1();
        if (mac(key, "head:" + QByteArray::number(seq) + ':' + hash)
            == qstr(head, "mac").toLatin1()) {
            m_seq = seq;
            m_last = hash;
        }
    }
    // An entry written just before a crash, before the head caught up: continue after it.
    const QStringList all = files(m_dir);
    if (!all.isEmpty()) {
        const QList<QByteArray> lines = readAll(all.last()).split('\n');
        for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
            if (it->isEmpty())
                continue;
            const std::optional<Entry> e = parseEntry(*it);
            if (e && e->seq == m_seq + 1 && e->prev == m_last
                && mac(key, e->prev + canonical(*e)) == e->hash) {
                m_seq = e->seq;
                m_last = e->hash;
                if (Status s = writeHead(); !s)
                    return s;
            }
            break;
        }
    }
    const QList<Event> pending = std::exchange(m_pending, {});
    for (const Event &e : pending)
        record(e);
    return {};
}

void AuditTrail::record(const Event &event)
{
    if (!m_key) {
        m_pending << event;
        return;
    }
    if (Status s = append(event); !s)
        Logging::audit()->error("cannot add to the audit trail ({} {}): {}", event.action,
                                event.secret, s.error());
}

Status AuditTrail::append(const Event &event)
{
    if (!m_key)
        return Status::failure(tr("the audit trail is not open"));
    Entry e;
    e.seq = m_seq + 1;
    e.at = QDateTime::currentDateTimeUtc();
    e.event = event;
    e.prev = m_last;
    e.hash = mac(*m_key, e.prev + canonical(e));
    const QByteArray line = toJson(e) + '\n';
    if (Status s = rotateIfNeeded(line.size()); !s)
        return s;
    const QByteArray file = QFile::encodeName(path());
    const int fd
        = ::open(file.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return Status::failure(
            tr("cannot open %1: %2").arg(path(), QString::fromLocal8Bit(std::strerror(errno))));
    const std::optional<QString> failed = AtomicFile::writeAndSync(fd, line);
    const int savedErrno = errno;
    ::close(fd);
    if (failed)
        return Status::failure(
            tr("%1 %2: %3")
                .arg(*failed, path(), QString::fromLocal8Bit(std::strerror(savedErrno))));
    m_seq = e.seq;
    m_last = e.hash;
    if (Status s = writeHead(); !s)
        return s;
    e.file = path();
    Q_EMIT recorded(e);
    return {};
}

Status AuditTrail::writeHead()
{
    const json head {
        {"seq", m_seq},
        {"hash", m_last.toStdString()},
        {"mac", mac(*m_key, "head:" + QByteArray::number(m_seq) + ':' + m_last).toStdString()}};
    return AtomicFile::write(m_dir + QLatin1Char('/') + QLatin1String(HeadName),
                             QByteArray::fromStdString(head.dump()) + '\n', 0600);
}

Status AuditTrail::rotateIfNeeded(qint64 incoming)
{
    const QFileInfo current(path());
    if (!current.exists() || current.size() == 0 || current.size() + incoming <= m_rotateBytes)
        return {};
    int number = 1;
    const QStringList all = files(m_dir);
    if (all.size() > 1) {
        const QString last = QFileInfo(all.at(all.size() - 2)).completeBaseName(); // audit-N
        number = last.mid(6).toInt() + 1;
    }
    const QString rotated
        = m_dir + QStringLiteral("/audit-%1.jsonl").arg(number, 6, 10, QLatin1Char('0'));
    if (::rename(QFile::encodeName(path()).constData(), QFile::encodeName(rotated).constData())
        != 0)
        return Status::failure(
            tr("cannot rotate %1: %2").arg(path(), QString::fromLocal8Bit(std::strerror(errno))));
    return {};
}

AuditTrail::Verdict AuditTrail::verify(const QString &appDataDir, const QByteArray &key)
{
    const QString dir = directoryFor(appDataDir);
    Verdict v;
    qint64 seq = 0;
    QByteArray last;
    QString lastFile;
    auto bad = [&v](const QString &file, int line, const QString &problem) {
        v.ok = false;
        v.file = file;
        v.line = line;
        v.problem = problem;
        return v;
    };
    for (const QString &file : files(dir)) {
        lastFile = file;
        const QByteArray bytes = readAll(file);
        if (!bytes.isEmpty() && !bytes.endsWith('\n'))
            return bad(file, int(bytes.count('\n')) + 1,
                       tr("the last line is cut short (the file was truncated)"));
        const QList<QByteArray> lines = bytes.split('\n');
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            const int lineNo = int(i + 1);
            const std::optional<Entry> e = parseEntry(lines.at(i));
            if (!e)
                return bad(file, lineNo, tr("not an audit entry"));
            if (e->seq != seq + 1)
                return bad(file, lineNo,
                           tr("entry %1 follows entry %2 (entries were removed or reordered)")
                               .arg(e->seq)
                               .arg(seq));
            if (e->prev != last)
                return bad(file, lineNo,
                           tr("does not follow the previous entry (its prev hash differs)"));
            // The line must be exactly the entry as written: a field added or reformatted is an
            // edit too.
            if (mac(key, e->prev + canonical(*e)) != e->hash || toJson(*e) != lines.at(i))
                return bad(file, lineNo,
                           tr("its hash does not match its content (the entry was edited)"));
            seq = e->seq;
            last = e->hash;
            ++v.entries;
        }
    }
    bool headExists = false;
    const json head = json::parse(
        readAll(dir + QLatin1Char('/') + QLatin1String(HeadName), &headExists).toStdString(),
        nullptr, false);
    if (!headExists) {
        if (seq == 0) {
            v.ok = true;
            return v;
        }
        return bad(dir + QLatin1Char('/') + QLatin1String(HeadName), 0,
                   tr("audit.head is missing"));
    }
    const qint64 headSeq = head.is_object() ? head.value("seq", qint64(-1)) : -1;
    const QByteArray headHash = head.is_object() ? qstr(head, "hash").toLatin1() : QByteArray();
    if (mac(key, "head:" + QByteArray::number(headSeq) + ':' + headHash)
        != (head.is_object() ? qstr(head, "mac").toLatin1() : QByteArray()))
        return bad(dir + QLatin1Char('/') + QLatin1String(HeadName), 0,
                   tr("audit.head was not written with this install's audit key"));
    if (headSeq != seq || headHash != last)
        return bad(
            lastFile.isEmpty() ? dir + QLatin1Char('/') + QLatin1String(CurrentName) : lastFile, 0,
            tr("the trail ends at entry %1 but entry %2 was the last one written (its "
               "end was cut off)")
                .arg(seq)
                .arg(headSeq));
    v.ok = true;
    return v;
}

QList<AuditTrail::Entry> AuditTrail::list(const QString &appDataDir, const Filter &filter)
{
    QList<Entry> out;
    for (const QString &file : files(directoryFor(appDataDir))) {
        const QList<QByteArray> lines = readAll(file).split('\n');
        for (qsizetype i = 0; i < lines.size(); ++i) {
            std::optional<Entry> e = parseEntry(lines.at(i));
            if (!e)
                continue;
            if (filter.since.isValid() && e->at < filter.since)
                continue;
            if (!filter.secret.isEmpty() && e->event.secret != filter.secret)
                continue;
            e->file = file;
            e->line = int(i + 1);
            out << *e;
        }
    }
    return out;
}

} // namespace steward
