#include "StewardCtl.h"

#include "AppLocator.h"
#include "OnlineCommand.h"
#include "core/AtomicFile.h"
#include "core/Platform.h"
#include "manifest/ManifestLoader.h"
#include "manifest/PlanReport.h"
#include "remote/RemoteProviderRegistry.h"
#include "trust/BundleLock.h"
#include "trust/BundleSignature.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

#include <termios.h>
#include <unistd.h>

namespace steward {

namespace {

using json = nlohmann::json;

json diagnosticsJson(const Diagnostics &diags, bool errors)
{
    json list = json::array();
    for (const Diagnostic &d : diags) {
        if (d.isError() != errors)
            continue;
        json e {{"path", d.path.toStdString()}, {"message", d.message.toStdString()}};
        if (d.line > 0) {
            e["line"] = d.line;
            e["column"] = d.column;
        }
        list.push_back(e);
    }
    return list;
}

// Options may come before the command too ("stewardctl --app-data DIR status"): the first word
// that is neither an option nor an option's value is moved to the front.
QStringList commandFirst(const QStringList &args)
{
    static const QStringList takesValue {
        QStringLiteral("--app-data"), QStringLiteral("--app"),        QStringLiteral("-app"),
        QStringLiteral("--port"),     QStringLiteral("--token-file"), QStringLiteral("-n"),
        QStringLiteral("--lines"),    QStringLiteral("--format"),     QStringLiteral("--platform"),
        QStringLiteral("-app-data"),  QStringLiteral("-port"),        QStringLiteral("-token-file"),
        QStringLiteral("-lines"),     QStringLiteral("-format"),      QStringLiteral("-platform"),
        QStringLiteral("--key"),      QStringLiteral("--manifest"),   QStringLiteral("-key"),
        QStringLiteral("-manifest")};
    for (qsizetype i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--"))
            break;
        if (!a.startsWith(QLatin1Char('-'))) {
            QStringList reordered = args;
            reordered.move(i, 0);
            return reordered;
        }
        if (takesValue.contains(a))
            ++i;
    }
    return args;
}

void printDiagnostics(const QString &file, const Diagnostics &diags, QTextStream &to)
{
    for (const Diagnostic &d : diags)
        to << file << ": " << d.toString() << "\n";
}

} // namespace

int StewardCtl::parseCommand(QCommandLineParser &parser, const QStringList &args, QTextStream &out,
                             QTextStream &err)
{
    parser.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(QStringList {QStringLiteral("stewardctl")} + args)) {
        err << "stewardctl: " << parser.errorText() << "\n";
        return StewardCtl::Usage;
    }
    if (parser.isSet(help)) {
        out << parser.helpText();
        return StewardCtl::Ok;
    }
    return -1;
}

StewardCtl::StewardCtl(QTextStream &out, QTextStream &err, QObject *parent)
    : QObject(parent)
    , m_out(out)
    , m_err(err)
{ }

StewardCtl::~StewardCtl() = default;

int StewardCtl::run(const QStringList &given)
{
    const QStringList args = commandFirst(given);
    if (args.isEmpty() || args.first() == QLatin1String("help")
        || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")) {
        printUsage(args.isEmpty() ? m_err : m_out);
        return args.isEmpty() ? Usage : Ok;
    }
    const QString command = args.first();
    const QStringList rest = args.mid(1);
    if (command == QLatin1String("validate"))
        return validate(rest);
    if (command == QLatin1String("plan"))
        return plan(rest);
    if (command == QLatin1String("template"))
        return secretsTemplate(rest);
    if (command == QLatin1String("keygen"))
        return keygen(rest);
    if (command == QLatin1String("lock"))
        return lock(rest);
    if (command == QLatin1String("sign"))
        return sign(rest);
    if (command == QLatin1String("verify"))
        return verify(rest);
    for (const auto &c : OnlineCommand::all()) {
        if (c->name() == command)
            return online(command, rest);
    }
    if (command == QLatin1String("list")) {
        const QList<AppLocator::RunningApp> apps = AppLocator::running();
        if (apps.isEmpty())
            m_out << "No app is running (looked in " << AppRegistry::directory() << " and "
                  << AppLocator::dataRoot() << ").\n";
        for (const AppLocator::RunningApp &a : apps)
            m_out << a.name << "\tpid " << a.pid << "\t" << a.appData << "\n";
        return Ok;
    }
    m_err << "stewardctl: unknown command \"" << command << "\"\n";
    printUsage(m_err);
    return Usage;
}

void StewardCtl::printUsage(QTextStream &to)
{
    to << "Usage: stewardctl COMMAND [OPTIONS] (options may also come first)\n\n"
          "Commands that read a bundle manifest (no running Steward needed):\n"
          "  validate PATH [--json] [--strict] check a bundle.json; lists every problem\n"
          "                                    (--strict: warnings count as errors)\n"
          "  plan PATH [--json]                what the first run will do, service by service\n"
          "  template PATH --format env|json   a fill-in template of the secrets to provide\n"
          "  template PATH --secret ID         a fill-in .env for a remote secret of shape env\n\n"
          "Commands that lock and sign a bundle (see README, Bundle integrity):\n"
          "  lock BUNDLE_DIR                   write bundle.lock: SHA-256 and size of every file\n"
          "  keygen KEY                        make an Ed25519 key pair: KEY and KEY.pub\n"
          "  sign BUNDLE_DIR --key KEY         sign bundle.lock into bundle.lock.sig\n"
          "  verify BUNDLE_DIR [--key KEY.pub] check every file (and the signature) now\n\n"
          "Commands that talk to a running Steward (the only one running, --app NAME,\n"
          "--app-data DIR, or --port N --token-file F):\n"
          "  list                              the apps running now\n"
          "  status                            app and service states, missing secrets\n"
          "  secrets                           secrets and their status (never values)\n"
          "  secrets set ID                    set a prompted secret (value from stdin or a\n"
          "                                    no-echo prompt, never the command line)\n"
          "  secrets clear ID                  clear a prompted secret\n"
          "  secrets history ID                the kept versions of a secret (never values)\n"
          "  secrets rollback ID --to N        make kept version N current again; the\n"
          "                                    services that use it restart\n"
          "                                    (set, clear and rollback take --dry-run)\n"
          "  audit [--since T] [--secret ID]   who changed or read which secret, and when\n"
          "  audit --verify                    check that the audit trail was not edited\n"
          "  secrets refresh [ID]              fetch remote secrets (Vault) now; a changed\n"
          "                                    value restarts the services that use it\n"
          "  logs SERVICE [-n N] [-f]          recent log lines of a service (redacted)\n"
          "  restart SERVICE                   restart one service\n"
          "  shutdown                          stop every service, then Steward\n\n"
          "Exit codes: 0 ok, 1 invalid manifest, refused request or failed fetch,\n"
          "2 unreadable file, 3 Steward not running, 4 token refused, 64 wrong usage.\n"
          "Run 'stewardctl COMMAND --help' for a command's options.\n";
}

int StewardCtl::refuseUnusable(const QString &path, const ManifestLoadResult &result)
{
    if (result.unreadable) {
        m_err << "stewardctl: " << result.readError << "\n";
        return Unreadable;
    }
    if (!result.valid()) {
        printDiagnostics(path, result.diagnostics, m_err);
        m_err << path << ": invalid; fix the errors above first (stewardctl validate " << path
              << ")\n";
        return Invalid;
    }
    return Ok;
}

int StewardCtl::validate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Validates a bundle manifest (schema v0.1 and Steward's extensions) and reports every "
        "problem with its JSON-pointer path. Steward runs what the v0.1 reference runtime runs, "
        "with a warning where the manifest is sloppy; --strict makes those warnings errors, for "
        "a bundle author's CI.\nExit codes: 0 valid, 1 invalid, 2 unreadable."));
    parser.addPositionalArgument(QStringLiteral("PATH"),
                                 QStringLiteral("The bundle.json to check."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("Print a JSON report."));
    parser.addOption(jsonOpt);
    const QCommandLineOption strictOpt(QStringLiteral("strict"),
                                       QStringLiteral("Count every warning as an error."));
    parser.addOption(strictOpt);
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1) {
        m_err << "stewardctl validate: expected exactly one PATH\n";
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    ManifestLoadResult result = ManifestLoader::loadFile(path, &RemoteProviderRegistry::builtIn());
    const bool asJson = parser.isSet(jsonOpt);
    const bool strict = parser.isSet(strictOpt);
    if (strict) {
        for (Diagnostic &d : result.diagnostics)
            d.severity = Diagnostic::Severity::Error;
    }
    if (result.unreadable) {
        if (asJson)
            m_out << QString::fromStdString(json {{"path", path.toStdString()},
                                                  {"valid", false},
                                                  {"readable", false},
                                                  {"error", result.readError.toStdString()}}
                                                .dump(2))
                  << "\n";
        else
            m_err << "stewardctl: " << result.readError << "\n";
        return Unreadable;
    }
    const bool valid = result.valid();
    if (asJson) {
        json report {{"path", path.toStdString()},
                     {"valid", valid},
                     {"strict", strict},
                     {"readable", true},
                     {"errors", diagnosticsJson(result.diagnostics, true)},
                     {"warnings", diagnosticsJson(result.diagnostics, false)}};
        m_out << QString::fromStdString(report.dump(2)) << "\n";
        return valid ? Ok : Invalid;
    }
    printDiagnostics(path, result.diagnostics, valid ? m_out : m_err);
    const qsizetype errors = errorCount(result.diagnostics);
    const qsizetype warnings = result.diagnostics.size() - errors;
    if (valid) {
        const Manifest &m = *result.manifest;
        m_out << path << ": valid (" << m.app.name << ' ' << m.app.version << ", "
              << m.services.size() << (m.services.size() == 1 ? " service, " : " services, ")
              << m.secrets.size() << (m.secrets.size() == 1 ? " secret" : " secrets");
        if (warnings)
            m_out << ", " << warnings << (warnings == 1 ? " warning" : " warnings");
        m_out << ")\n";
        return Ok;
    }
    m_err << path << ": invalid: " << errors << (errors == 1 ? " error" : " errors");
    if (warnings)
        m_err << ", " << warnings << (warnings == 1 ? " warning" : " warnings");
    m_err << "\n";
    return Invalid;
}

int StewardCtl::plan(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Shows what the first run of a bundle will do: which secrets are generated, asked for, "
        "fetched or refused, and for each service, in start order, its ports, environment "
        "variables and secret files. Never prints a secret value."));
    parser.addPositionalArgument(QStringLiteral("PATH"),
                                 QStringLiteral("The bundle.json to plan."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("Print the plan as JSON."));
    const QCommandLineOption platformOpt(
        QStringLiteral("platform"),
        QStringLiteral("Plan for another platform key (default: %1).").arg(Platform::current()),
        QStringLiteral("KEY"), Platform::current());
    parser.addOption(jsonOpt);
    parser.addOption(platformOpt);
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1) {
        m_err << "stewardctl plan: expected exactly one PATH\n";
        return Usage;
    }
    const QString platform = Platform::canonical(parser.value(platformOpt));
    if (!Platform::knownKeys().contains(platform)) {
        m_err << "stewardctl plan: unknown platform \"" << platform << "\"; use one of "
              << Platform::knownKeys().join(QStringLiteral(", ")) << "\n";
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    const ManifestLoadResult result
        = ManifestLoader::loadFile(path, &RemoteProviderRegistry::builtIn());
    if (const int rc = refuseUnusable(path, result); rc != Ok)
        return rc;
    if (parser.isSet(jsonOpt))
        m_out << QString::fromStdString(PlanReport::toJson(*result.manifest, platform).dump(2))
              << "\n";
    else
        m_out << PlanReport::toText(*result.manifest, platform);
    return Ok;
}

int StewardCtl::secretsTemplate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Prints a fill-in template of the secrets a person or a remote store must "
                       "provide (user_prompt and remote_fetch), with placeholders."));
    parser.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("The bundle.json."));
    const QCommandLineOption formatOpt(QStringLiteral("format"),
                                       QStringLiteral("env (KEY=value lines) or json."),
                                       QStringLiteral("FORMAT"), QStringLiteral("env"));
    parser.addOption(formatOpt);
    const QCommandLineOption secretOpt(
        QStringLiteral("secret"),
        QStringLiteral("With --format env: the .env of this remote secret of shape \"env\" "
                       "(its keys), to fill in and store in the remote store."),
        QStringLiteral("ID"));
    parser.addOption(secretOpt);
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1) {
        m_err << "stewardctl template: expected exactly one PATH\n";
        return Usage;
    }
    const QString format = parser.value(formatOpt);
    if (format != QLatin1String("env") && format != QLatin1String("json")) {
        m_err << "stewardctl template: --format must be env or json (got \"" << format << "\")\n";
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    const ManifestLoadResult result
        = ManifestLoader::loadFile(path, &RemoteProviderRegistry::builtIn());
    if (const int rc = refuseUnusable(path, result); rc != Ok)
        return rc;
    if (parser.isSet(secretOpt)) {
        const QString id = parser.value(secretOpt);
        const SecretSpec *spec = result.manifest->secret(id);
        if (!spec || !spec->source || spec->source->shape != RemoteSource::Shape::Env
            || format != QLatin1String("env")) {
            m_err << "stewardctl template: --secret takes a remote secret of shape \"env\" "
                     "with --format env (\""
                  << id << "\" is not one in " << path << ")\n";
            return Usage;
        }
        m_out << PlanReport::envFileTemplate(*result.manifest, *spec);
        return Ok;
    }
    m_out << PlanReport::secretsTemplate(*result.manifest, format);
    return Ok;
}

} // namespace steward

namespace steward {

void StewardCtl::finish(int code)
{
    m_out.flush();
    m_err.flush();
    QMetaObject::invokeMethod(
        this, [this, code] { Q_EMIT finished(code); }, Qt::QueuedConnection);
}

int StewardCtl::failure(int status, const nlohmann::json &reply)
{
    if (status == 0) {
        m_err << "stewardctl: Steward is not running at " << m_base << " (is the app started?)\n";
        return NotRunning;
    }
    QString message;
    if (reply.is_object() && reply.contains("error") && reply["error"].is_object())
        message = QString::fromStdString(reply["error"].value("message", std::string()));
    m_err << "stewardctl: " << (message.isEmpty() ? QStringLiteral("HTTP %1").arg(status) : message)
          << "\n";
    if (reply.is_object() && reply.contains("error") && reply["error"].contains("details")
        && reply["error"]["details"].is_object()) {
        for (auto it = reply["error"]["details"].begin(); it != reply["error"]["details"].end();
             ++it) {
            QStringList problems;
            for (const auto &p : *it)
                problems << QString::fromStdString(p.is_string() ? p.get<std::string>() : p.dump());
            m_err << "  " << QString::fromStdString(it.key()) << ": "
                  << problems.join(QStringLiteral("; ")) << "\n";
        }
    }
    return (status == 401 || status == 403 || status == 429) ? Denied : Invalid;
}

void StewardCtl::request(const QByteArray &method, const QString &path, const nlohmann::json &body,
                         Done done)
{
    if (!m_net)
        m_net = new QNetworkAccessManager(this);
    QNetworkRequest req(QUrl(m_base + path));
    req.setRawHeader("Authorization", "Bearer " + m_token);
    req.setRawHeader("Accept", "application/json"); // /logs/tail answers plain text otherwise
    // The history and the audit trail say a change came from stewardctl.
    req.setRawHeader("User-Agent",
                     QByteArray("stewardctl/" + QCoreApplication::applicationVersion().toUtf8()));
    req.setTransferTimeout(30000);
    QByteArray payload;
    if (!body.is_null()) {
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        payload = QByteArray::fromStdString(body.dump());
    }
    QNetworkReply *reply = m_net->sendCustomRequest(req, method, payload);
    payload.fill('\0');
    connect(reply, &QNetworkReply::finished, this, [reply, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray bytes = reply->readAll();
        nlohmann::json parsed;
        if (!bytes.isEmpty() && nlohmann::json::accept(bytes.toStdString()))
            parsed = nlohmann::json::parse(bytes.toStdString());
        done(status, parsed);
    });
}

int StewardCtl::online(const QString &command, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Talks to the Steward running for an app data directory."));
    const QCommandLineOption appDataOpt(
        QStringLiteral("app-data"),
        QStringLiteral("The app data directory of the running Steward."), QStringLiteral("DIR"));
    const QCommandLineOption portOpt(
        QStringLiteral("port"), QStringLiteral("The control API port (instead of --app-data)."),
        QStringLiteral("N"));
    const QCommandLineOption tokenOpt(
        QStringLiteral("token-file"),
        QStringLiteral("The admin token file (default <app data>/runtime/auth-token)."),
        QStringLiteral("FILE"));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("Print the answer as JSON."));
    const QCommandLineOption linesOpt({QStringLiteral("n"), QStringLiteral("lines")},
                                      QStringLiteral("Log lines to show."), QStringLiteral("N"),
                                      QStringLiteral("50"));
    const QCommandLineOption followOpt({QStringLiteral("f"), QStringLiteral("follow")},
                                       QStringLiteral("Keep printing new log lines."));
    const QCommandLineOption appOpt(
        QStringLiteral("app"),
        QStringLiteral("The running app, by name (default: the only one running)."),
        QStringLiteral("NAME"));
    // The options only some commands take.
    const QList<QCommandLineOption> valued {
        {QStringLiteral("to"), QStringLiteral("secrets rollback: the version to make current."),
         QStringLiteral("N")},
        {QStringLiteral("since"),
         QStringLiteral("audit: entries from this time on (2026-12-02T10:00:00Z)."),
         QStringLiteral("TIME")},
        {QStringLiteral("secret"), QStringLiteral("audit: entries about this secret only."),
         QStringLiteral("ID")}};
    const QList<QCommandLineOption> switches {
        {QStringLiteral("dry-run"),
         QStringLiteral("secrets set, clear, rollback: say what would change and which services "
                        "would restart; change nothing.")},
        {QStringLiteral("verify"),
         QStringLiteral("audit: check that no entry was edited, removed or reordered.")}};
    parser.addOptions({appDataOpt, appOpt, portOpt, tokenOpt, jsonOpt});
    if (command == QLatin1String("logs"))
        parser.addOptions({linesOpt, followOpt});
    if (command == QLatin1String("secrets")) {
        parser.addOption(valued.at(0));
        parser.addOption(switches.at(0));
    }
    if (command == QLatin1String("audit")) {
        parser.addOptions({valued.at(1), valued.at(2)});
        parser.addOption(switches.at(1));
    }
    parser.addPositionalArgument(QStringLiteral("ARGS"), QStringLiteral("See stewardctl --help."));
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    m_json = parser.isSet(jsonOpt);
    const QStringList pos = parser.positionalArguments();

    // Where the running Steward is, and its admin token.
    QString portText = parser.value(portOpt);
    QString tokenFile = parser.value(tokenOpt);
    QString appData = parser.value(appDataOpt);
    if (appData.isEmpty()
        && (parser.isSet(appOpt) || (portText.isEmpty() && tokenFile.isEmpty()))) {
        const Result<QString> found = AppLocator::find(parser.value(appOpt));
        if (!found) {
            m_err << "stewardctl " << command << ": " << found.error() << "\n";
            return NotRunning;
        }
        appData = found.value();
    }
    if (!appData.isEmpty()) {
        const QDir dir(appData);
        if (portText.isEmpty()) {
            QFile f(dir.filePath(QStringLiteral("runtime/ipc_port")));
            if (!f.open(QIODevice::ReadOnly)) {
                m_err << "stewardctl: Steward is not running for " << dir.absolutePath()
                      << " (no runtime/ipc_port)\n";
                return NotRunning;
            }
            portText = QString::fromLatin1(f.readAll()).trimmed();
        }
        if (tokenFile.isEmpty())
            tokenFile = dir.filePath(QStringLiteral("runtime/auth-token"));
    }
    bool ok = false;
    const int port = portText.toInt(&ok);
    if (!ok || port < 1 || port > 65535 || tokenFile.isEmpty()) {
        m_err << "stewardctl " << command
              << ": give --app NAME, --app-data DIR, or --port N and --token-file FILE\n";
        return Usage;
    }
    QFile tf(tokenFile);
    if (!tf.open(QIODevice::ReadOnly)) {
        m_err << "stewardctl: cannot read the token file " << tokenFile << ": " << tf.errorString()
              << "\n";
        return NotRunning;
    }
    m_token = tf.readAll().trimmed();
    m_base = QStringLiteral("http://127.0.0.1:%1").arg(port);
    if (command == QLatin1String("logs")) {
        m_linesOption = parser.value(linesOpt);
        m_follow = parser.isSet(followOpt);
    }
    for (const QCommandLineOption &o : valued) {
        if (parser.optionNames().contains(o.names().first()))
            m_options.insert(o.names().first(), parser.value(o));
    }
    for (const QCommandLineOption &o : switches) {
        if (parser.optionNames().contains(o.names().first()))
            m_switches.insert(o.names().first());
    }
    for (const auto &c : OnlineCommand::all()) {
        if (c->name() == command && c->accepts(pos))
            return c->run(*this, pos);
    }
    m_err << "stewardctl " << command << ": wrong arguments (see stewardctl --help)\n";
    return Usage;
}

QByteArray StewardCtl::readSecret(const QString &id)
{
    if (m_readSecret)
        return m_readSecret();
    QByteArray value;
    if (::isatty(STDIN_FILENO)) {
        // A no-echo prompt on the terminal.
        m_err << "Value for " << id << " (not shown): " << Qt::flush;
        termios saved {};
        const bool termOk = ::tcgetattr(STDIN_FILENO, &saved) == 0;
        if (termOk) {
            termios quiet = saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        char c = 0;
        while (::read(STDIN_FILENO, &c, 1) == 1 && c != '\n')
            value.append(c);
        if (termOk)
            ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        m_err << "\n";
        if (value.endsWith('\r'))
            value.chop(1);
        return value;
    }
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly))
        return value;
    value = in.readAll();
    if (value.endsWith('\n'))
        value.chop(1);
    if (value.endsWith('\r'))
        value.chop(1);
    return value;
}

void StewardCtl::followLogs(const QString &service, int lines)
{
    request("GET", QStringLiteral("/logs/tail?serviceId=%1&lines=%2").arg(service).arg(lines),
            nullptr, [this, service](int status, const nlohmann::json &r) {
                if (status != 200)
                    return finish(failure(status, r));
                // Print what is new since the last poll: lines carry timestamps, so they are
                // unique enough to find where the previous answer ended.
                QStringList now;
                for (const auto &l : r["lines"])
                    now << QString::fromStdString(l.get<std::string>());
                qsizetype start = 0;
                if (!m_seenLogLines.isEmpty()) {
                    const qsizetype at = now.lastIndexOf(m_seenLogLines.last());
                    start = at >= 0 ? at + 1 : 0;
                }
                for (qsizetype i = start; i < now.size(); ++i)
                    m_out << now.at(i) << "\n";
                m_out.flush();
                if (!now.isEmpty())
                    m_seenLogLines = {now.last()};
                QTimer::singleShot(1000, this, [this, service] { followLogs(service, 1000); });
            });
}

} // namespace steward
