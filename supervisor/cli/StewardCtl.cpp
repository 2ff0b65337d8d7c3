#include "StewardCtl.h"

#include "core/Platform.h"
#include "manifest/ManifestLoader.h"
#include "manifest/PlanReport.h"

#include <QCommandLineParser>
#include <QFileInfo>

namespace steward {

namespace {

using json = nlohmann::json;

// Parses `args` (subcommand first) and prints help or a usage error. Returns -1 to go on.
int parseCommand(QCommandLineParser &parser, const QStringList &args, QTextStream &out,
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

void printDiagnostics(const QString &file, const Diagnostics &diags, QTextStream &to)
{
    for (const Diagnostic &d : diags)
        to << file << ": " << d.toString() << "\n";
}

} // namespace

int StewardCtl::run(const QStringList &args)
{
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
    m_err << "stewardctl: unknown command \"" << command << "\"\n";
    printUsage(m_err);
    return Usage;
}

void StewardCtl::printUsage(QTextStream &to)
{
    to << "Usage: stewardctl COMMAND [OPTIONS]\n\n"
          "Commands that read a bundle manifest (no running Steward needed):\n"
          "  validate PATH [--json]            check a bundle.json; lists every problem\n"
          "  plan PATH [--json]                what the first run will do, service by service\n"
          "  template PATH --format env|json   a fill-in template of the secrets to provide\n\n"
          "Exit codes: 0 ok, 1 invalid manifest, 2 unreadable file, 64 wrong usage.\n"
          "Run 'stewardctl COMMAND --help' for a command's options.\n";
}

int StewardCtl::validate(const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Validates a bundle manifest (schema v0.1 and Steward's extensions) and reports every "
        "problem with its JSON-pointer path.\nExit codes: 0 valid, 1 invalid, 2 unreadable."));
    parser.addPositionalArgument(QStringLiteral("PATH"),
                                 QStringLiteral("The bundle.json to check."));
    const QCommandLineOption jsonOpt(QStringLiteral("json"),
                                     QStringLiteral("Print a JSON report."));
    parser.addOption(jsonOpt);
    if (int rc = parseCommand(parser, args, m_out, m_err); rc >= 0)
        return rc;
    if (parser.positionalArguments().size() != 1) {
        m_err << "stewardctl validate: expected exactly one PATH\n";
        return Usage;
    }
    const QString path = parser.positionalArguments().first();
    const ManifestLoadResult result = ManifestLoader::loadFile(path);
    const bool asJson = parser.isSet(jsonOpt);
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
    const ManifestLoadResult result = ManifestLoader::loadFile(path);
    if (result.unreadable) {
        m_err << "stewardctl: " << result.readError << "\n";
        return Unreadable;
    }
    if (!result.valid()) {
        printDiagnostics(path, result.diagnostics, m_err);
        m_err << path << ": invalid; fix the errors above to see a plan (stewardctl validate "
              << path << ")\n";
        return Invalid;
    }
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
    const ManifestLoadResult result = ManifestLoader::loadFile(path);
    if (result.unreadable) {
        m_err << "stewardctl: " << result.readError << "\n";
        return Unreadable;
    }
    if (!result.valid()) {
        printDiagnostics(path, result.diagnostics, m_err);
        return Invalid;
    }
    m_out << PlanReport::secretsTemplate(*result.manifest, format);
    return Ok;
}

} // namespace steward
