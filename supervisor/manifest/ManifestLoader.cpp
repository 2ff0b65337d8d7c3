#include "ManifestLoader.h"

#include "JsonReader.h"
#include "ManifestParser.h"
#include "ManifestValidator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

namespace steward {

namespace {

using json = nlohmann::json;
using detail::Parser;

// Finds where a document nests deeper than ManifestLoader::MaxNesting, by streaming it (SAX)
// before any DOM exists. Returns the JSON pointer of the first container too deep, if any.
class NestingCheck : public nlohmann::json_sax<json>
{
public:
    std::optional<QString> tooDeep;

    bool null() override { return value(); }
    bool boolean(bool) override { return value(); }
    bool number_integer(number_integer_t) override { return value(); }
    bool number_unsigned(number_unsigned_t) override { return value(); }
    bool number_float(number_float_t, const string_t &) override { return value(); }
    bool string(string_t &) override { return value(); }
    bool binary(binary_t &) override { return value(); }
    bool start_object(std::size_t) override { return open(false); }
    bool end_object() override { return close(); }
    bool start_array(std::size_t) override { return open(true); }
    bool end_array() override { return close(); }
    bool key(string_t &k) override
    {
        m_path.back().key = k;
        return true;
    }
    bool parse_error(std::size_t, const std::string &, const nlohmann::detail::exception &) override
    {
        return false; // the real parse reports syntax errors with their position
    }

private:
    struct Level
    {
        bool array = false;
        qsizetype index = -1;
        std::string key;
    };
    // A value inside an array takes the next index.
    void advance()
    {
        if (!m_path.empty() && m_path.back().array)
            ++m_path.back().index;
    }
    bool value()
    {
        advance();
        return true;
    }
    bool open(bool array)
    {
        advance();
        if (int(m_path.size()) >= ManifestLoader::MaxNesting) {
            QString pointer;
            for (const Level &l : m_path)
                pointer = l.array ? JsonReader::child(pointer, l.index)
                                  : JsonReader::child(pointer, l.key);
            tooDeep = pointer;
            return false;
        }
        m_path.push_back({array, -1, {}});
        return true;
    }
    bool close()
    {
        m_path.pop_back();
        return true;
    }
    std::vector<Level> m_path;
};

int lineOf(const QByteArray &bytes, std::size_t offset, int *column)
{
    int line = 1;
    int col = 1;
    const std::size_t end = std::min<std::size_t>(offset, std::size_t(bytes.size()));
    for (std::size_t i = 0; i + 1 < end; ++i) {
        if (bytes.at(qsizetype(i)) == '\n') {
            ++line;
            col = 1;
        } else {
            ++col;
        }
    }
    *column = col;
    return line;
}

} // namespace

ManifestLoadResult ManifestLoader::loadFile(const QString &path, const RemoteProviderRules *rules)
{
    ManifestLoadResult result;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.unreadable = true;
        result.readError = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return result;
    }
    if (file.size() > MaxManifestBytes) {
        result.unreadable = true;
        result.readError = QStringLiteral("%1 is %2 bytes; a manifest may be at most %3 bytes")
                               .arg(path)
                               .arg(file.size())
                               .arg(MaxManifestBytes);
        return result;
    }
    ManifestLoadResult loaded
        = loadBytes(file.readAll(), QFileInfo(path).absoluteFilePath(), rules);
    if (loaded.manifest)
        checkServedFolders(*loaded.manifest, loaded.diagnostics);
    return loaded;
}

void ManifestLoader::checkServedFolders(const Manifest &manifest, Diagnostics &out)
{
    // Only a manifest read from its bundle can be checked against the files beside it.
    for (qsizetype i = 0; i < manifest.services.size(); ++i) {
        const ServiceSpec &s = manifest.services.at(i);
        const QString folder = manifest.servedFolder(s);
        if (s.type != ServiceSpec::Type::UiBundle || folder.isEmpty())
            continue;
        if (!QFileInfo(folder + QStringLiteral("/index.html")).isFile())
            out.append({Diagnostic::Severity::Warning,
                        QStringLiteral("/services/%1/assets/0/path").arg(i),
                        QStringLiteral("Steward serves %1 for this ui-bundle, and it has no "
                                       "index.html: the service will not start")
                            .arg(QDir::toNativeSeparators(folder))});
    }
}

ManifestLoadResult ManifestLoader::loadBytes(const QByteArray &bytes, const QString &sourcePath,
                                             const RemoteProviderRules *rules)
{
    ManifestLoadResult result;
    NestingCheck nesting;
    (void)json::sax_parse(bytes.cbegin(), bytes.cend(), &nesting);
    if (nesting.tooDeep) {
        result.diagnostics.append(
            {Diagnostic::Severity::Error, *nesting.tooDeep,
             QStringLiteral("nests arrays or objects deeper than %1 levels; a manifest never "
                            "needs that many")
                 .arg(MaxNesting)});
        return result;
    }
    json root;
    try {
        root = json::parse(bytes.cbegin(), bytes.cend());
    } catch (const json::parse_error &e) {
        Diagnostic d;
        d.line = lineOf(bytes, e.byte, &d.column);
        // nlohmann's message names the token it expected; drop its "[json.exception...]" prefix.
        QString what = QString::fromUtf8(e.what());
        const qsizetype cut = what.indexOf(QLatin1String(": syntax error "));
        if (cut >= 0)
            what = what.mid(cut + 2);
        d.message = QStringLiteral("invalid JSON: %1").arg(what);
        result.diagnostics.append(d);
        return result;
    } catch (const json::out_of_range &) {
        // A number too large for a double (1e999): nlohmann reports it as out of range, not as
        // a syntax error, and without a position.
        result.diagnostics.append({Diagnostic::Severity::Error, QString(),
                                   QStringLiteral("invalid JSON: a number is out of range")});
        return result;
    }
    if (!root.is_object()) {
        result.diagnostics.append({Diagnostic::Severity::Error, QString(),
                                   QStringLiteral("the manifest must be a JSON object, not %1")
                                       .arg(JsonReader::typeName(root))});
        return result;
    }
    Parser parser(result.diagnostics, rules);
    Manifest m = parser.parse(root);
    ManifestValidator::validate(m, result.diagnostics, rules);
    if (!sourcePath.isEmpty()) {
        m.sourcePath = sourcePath;
        m.bundleRoot = QFileInfo(sourcePath).absolutePath();
    }
    result.manifest = std::move(m);
    return result;
}

} // namespace steward
