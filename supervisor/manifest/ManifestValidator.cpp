#include "ManifestValidator.h"

#include "JsonReader.h"
#include "RemoteProviderRules.h"
#include "TemplateRenderer.h"

#include <QHash>
#include <QSet>

#include <functional>

namespace steward {

namespace {

QString q(const QString &s)
{
    return QLatin1Char('"') + s + QLatin1Char('"');
}

// Levenshtein distance, for "did you mean" hints on misspelt ids.
int editDistance(const QString &a, const QString &b)
{
    QList<int> prev(b.size() + 1), cur(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        prev[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        cur[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int cost = a.at(i - 1) == b.at(j - 1) ? 0 : 1;
            cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
        }
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

QString suggestion(const QString &wrong, const QStringList &candidates)
{
    QString best;
    int bestScore = std::numeric_limits<int>::max();
    for (const QString &c : candidates) {
        int score = editDistance(wrong, c);
        if (c.startsWith(wrong) || wrong.startsWith(c))
            score = std::min(score, 1);
        if (score < bestScore) {
            bestScore = score;
            best = c;
        }
    }
    if (best.isEmpty() || bestScore > std::max<qsizetype>(2, wrong.size() / 2))
        return {};
    return QStringLiteral("; did you mean %1?").arg(q(best));
}

class Validator
{
public:
    Validator(const Manifest &m, Diagnostics &out, const RemoteProviderRules *rules)
        : m(m)
        , r(out)
        , rules(rules)
    { }

    void run()
    {
        checkUniqueIds();
        for (qsizetype i = 0; i < m.services.size(); ++i)
            checkService(i);
        checkCycles();
        checkUnusedSecrets();
        checkRemoteAuthReferences();
    }

private:
    static QString servicePath(qsizetype i) { return QStringLiteral("/services/%1").arg(i); }

    void checkUniqueIds()
    {
        QHash<QString, qsizetype> seen;
        for (qsizetype i = 0; i < m.secrets.size(); ++i) {
            const QString &id = m.secrets.at(i).id;
            if (id.isEmpty())
                continue;
            if (seen.contains(id))
                r.error(QStringLiteral("/secrets/%1/id").arg(i),
                        QStringLiteral("duplicate secret id %1 (also /secrets/%2)")
                            .arg(q(id))
                            .arg(seen.value(id)));
            else
                seen.insert(id, i);
        }
        seen.clear();
        for (qsizetype i = 0; i < m.services.size(); ++i) {
            const QString &id = m.services.at(i).id;
            if (id.isEmpty())
                continue;
            if (seen.contains(id))
                r.error(servicePath(i) + QStringLiteral("/id"),
                        QStringLiteral("duplicate service id %1 (also /services/%2)")
                            .arg(q(id))
                            .arg(seen.value(id)));
            else
                seen.insert(id, i);
        }
    }

    void checkService(qsizetype i)
    {
        const ServiceSpec &s = m.services.at(i);
        const QString path = servicePath(i);
        QStringList secretIds;
        for (const SecretSpec &sec : m.secrets)
            secretIds << sec.id;
        QStringList serviceIds;
        for (const ServiceSpec &svc : m.services)
            serviceIds << svc.id;

        // Secret references and the names they are injected under.
        QHash<QString, QString> envOwner; // env name -> what sets it
        for (auto it = s.env.cbegin(); it != s.env.cend(); ++it)
            envOwner.insert(it.key(), QStringLiteral("env"));
        QHash<QString, QString> fileOwner;
        for (qsizetype j = 0; j < s.secrets.size(); ++j) {
            const QString at = JsonReader::child(path + QStringLiteral("/secrets"), j);
            const SecretSpec *sec = m.secret(s.secrets.at(j));
            if (!sec) {
                r.error(at,
                        QStringLiteral("refers to unknown secret %1%2")
                            .arg(q(s.secrets.at(j)), suggestion(s.secrets.at(j), secretIds)));
                continue;
            }
            if (sec->target.name.isEmpty())
                continue;
            QHash<QString, QString> &owners
                = sec->target.type == SecretTarget::Type::Env ? envOwner : fileOwner;
            const QString what = QStringLiteral("secret %1").arg(q(sec->id));
            if (owners.contains(sec->target.name))
                r.error(at,
                        QStringLiteral("%1 would be injected as %2, which %3 already sets")
                            .arg(what, q(sec->target.name), owners.value(sec->target.name)));
            else
                owners.insert(sec->target.name, what);
        }

        // Dependencies.
        for (qsizetype j = 0; j < s.dependencies.size(); ++j) {
            const QString &dep = s.dependencies.at(j);
            // The v0.1 reference ignores a dependency on a service that does not exist.
            if (!m.service(dep))
                r.warning(JsonReader::child(path + QStringLiteral("/dependencies"), j),
                          QStringLiteral("refers to unknown service %1, so it is ignored%2")
                              .arg(q(dep), suggestion(dep, serviceIds)));
        }
        if (s.type == ServiceSpec::Type::UiBundle && s.assets.isEmpty())
            r.warning(path,
                      QStringLiteral("Steward serves a ui-bundle from the folder of its first "
                                     "assets entry, and this one has none, so it cannot start "
                                     "(add one, e.g. {\"path\": \"ui/index.html\"})"));
        if (s.readiness.type == Readiness::Type::DependenciesReady && s.dependencies.isEmpty())
            r.warning(path + QStringLiteral("/readiness"),
                      QStringLiteral("dependencies_ready with no dependencies: the service counts "
                                     "as ready as soon as it starts"));

        // Port ranges must leave at least one port once reserved ones are taken out.
        for (qsizetype j = 0; j < s.ports.size(); ++j) {
            const PortRequest &p = s.ports.at(j);
            const std::optional<PortRange> range = p.range ? p.range : m.ports.defaultRange;
            if (!range)
                continue;
            int reservedInRange = 0;
            for (int port : m.ports.reserved)
                reservedInRange += (port >= range->min && port <= range->max) ? 1 : 0;
            if (reservedInRange > range->max - range->min)
                r.error(path + QStringLiteral("/ports/requested/%1/range").arg(j),
                        QStringLiteral("every port from %1 to %2 is reserved")
                            .arg(range->min)
                            .arg(range->max));
        }

        // Template tokens wherever the supervisor expands them.
        auto checkText = [&](const QString &text, const QString &at) {
            checkTokens(text, at, serviceIds);
        };
        for (auto it = s.env.cbegin(); it != s.env.cend(); ++it)
            checkText(it.value(),
                      JsonReader::child(path + QStringLiteral("/env"), it.key().toStdString()));
        for (auto b = s.binaries.cbegin(); b != s.binaries.cend(); ++b) {
            const QString bp
                = JsonReader::child(path + QStringLiteral("/binaries"), b.key().toStdString());
            for (qsizetype k = 0; k < b->args.size(); ++k)
                checkText(b->args.at(k), JsonReader::child(bp + QStringLiteral("/args"), k));
            for (auto e = b->env.cbegin(); e != b->env.cend(); ++e)
                checkText(e.value(),
                          JsonReader::child(bp + QStringLiteral("/env"), e.key().toStdString()));
            checkText(b->cwd, bp + QStringLiteral("/cwd"));
        }
        checkText(s.health.path, path + QStringLiteral("/health/path"));
        for (qsizetype k = 0; k < s.health.command.size(); ++k)
            checkText(s.health.command.at(k),
                      JsonReader::child(path + QStringLiteral("/health/command"), k));
        for (qsizetype k = 0; k < s.migrations.size(); ++k) {
            const QString mp = JsonReader::child(path + QStringLiteral("/migrations"), k);
            const Migration &mig = s.migrations.at(k);
            for (qsizetype a = 0; a < mig.command.size(); ++a)
                checkText(mig.command.at(a), JsonReader::child(mp + QStringLiteral("/command"), a));
            for (auto e = mig.env.cbegin(); e != mig.env.cend(); ++e)
                checkText(e.value(),
                          JsonReader::child(mp + QStringLiteral("/env"), e.key().toStdString()));
        }
    }

    // Tokens that name nothing are passed through as written (as the v0.1 reference does), so
    // each is a warning that says what the service will see.
    void checkTokens(const QString &text, const QString &at, const QStringList &serviceIds)
    {
        const QString literally = QStringLiteral("; the service gets it literally, as written");
        for (const QString &token : TemplateRenderer::tokens(text)) {
            if (!TemplateRenderer::isWellFormed(token)) {
                r.warning(at,
                          QStringLiteral("${%1} is not a template Steward knows (${<service>.<port "
                                         "name>}, ${data} or ${bundle})%2")
                              .arg(token, literally));
                continue;
            }
            if (token == QLatin1String("data") || token == QLatin1String("bundle"))
                continue;
            const qsizetype dot = token.lastIndexOf(QLatin1Char('.'));
            const QString svcId = token.left(dot);
            const QString portName = token.mid(dot + 1);
            const ServiceSpec *svc = m.service(svcId);
            if (!svc) {
                r.warning(at,
                          QStringLiteral("${%1} refers to unknown service %2%3%4")
                              .arg(token, q(svcId), literally, suggestion(svcId, serviceIds)));
            } else if (!svc->port(portName)) {
                QStringList names;
                for (const PortRequest &p : svc->ports)
                    names << p.name;
                r.warning(at,
                          QStringLiteral("${%1}: service %2 requests no port named %3 (it has: "
                                         "%4)%5")
                              .arg(token, q(svcId), q(portName),
                                   names.isEmpty() ? QStringLiteral("none")
                                                   : names.join(QStringLiteral(", ")),
                                   literally));
            }
        }
    }

    void checkCycles()
    {
        // Depth-first search with colours; each cycle is reported once, at its first service.
        QHash<QString, int> colour; // 0 white, 1 grey, 2 black
        QStringList stack;
        QSet<QString> reported;
        std::function<void(const QString &)> visit = [&](const QString &id) {
            colour[id] = 1;
            stack << id;
            const ServiceSpec *s = m.service(id);
            for (const QString &dep : s->dependencies) {
                if (!m.service(dep))
                    continue;
                if (colour.value(dep) == 1) {
                    const QStringList cycle = stack.mid(stack.indexOf(dep)) << dep;
                    if (!reported.contains(dep)) {
                        for (const QString &c : cycle)
                            reported.insert(c);
                        qsizetype idx = 0;
                        while (m.services.at(idx).id != dep)
                            ++idx;
                        r.error(servicePath(idx) + QStringLiteral("/dependencies"),
                                QStringLiteral("dependency cycle: %1")
                                    .arg(cycle.join(QStringLiteral(" -> "))));
                    }
                } else if (colour.value(dep) == 0) {
                    visit(dep);
                }
            }
            stack.removeLast();
            colour[id] = 2;
        };
        for (const ServiceSpec &s : m.services) {
            if (!s.id.isEmpty() && colour.value(s.id) == 0 && m.service(s.id) == &s)
                visit(s.id);
        }
    }

    void checkUnusedSecrets()
    {
        QSet<QString> remoteAuth;
        for (const RemoteProviderRules::AuthReference &ref : authReferences())
            remoteAuth.insert(ref.secretId);
        for (qsizetype i = 0; i < m.secrets.size(); ++i) {
            const SecretSpec &s = m.secrets.at(i);
            if (s.id.isEmpty() || s.secretClass == SecretClass::Infrastructure
                || remoteAuth.contains(s.id))
                continue;
            if (m.consumersOf(s.id).isEmpty())
                r.warning(QStringLiteral("/secrets/%1").arg(i),
                          QStringLiteral("secret %1 is not used by any service").arg(q(s.id)));
        }
    }

    // The secrets the remote providers' blocks name for their authentication.
    QList<RemoteProviderRules::AuthReference> authReferences() const
    {
        QList<RemoteProviderRules::AuthReference> refs;
        if (!rules)
            return refs;
        for (auto it = m.remote.cbegin(); it != m.remote.cend(); ++it) {
            if (rules->knows(it.key()))
                refs << rules->authSecrets(it.key(), it.value());
        }
        return refs;
    }

    void checkRemoteAuthReferences()
    {
        for (const RemoteProviderRules::AuthReference &ref : authReferences()) {
            if (ref.secretId.isEmpty())
                continue;
            const SecretSpec *s = m.secret(ref.secretId);
            if (!s)
                r.error(ref.pointer,
                        QStringLiteral("refers to unknown secret %1").arg(q(ref.secretId)));
            else if (s->secretClass == SecretClass::RemoteFetch)
                r.error(ref.pointer,
                        QStringLiteral("secret %1 cannot itself be fetched from a remote store")
                            .arg(q(ref.secretId)));
        }
    }

    const Manifest &m;
    JsonReader r;
    const RemoteProviderRules *rules;
};

} // namespace

void ManifestValidator::validate(const Manifest &manifest, Diagnostics &out,
                                 const RemoteProviderRules *rules)
{
    Validator(manifest, out, rules).run();
}

} // namespace steward
