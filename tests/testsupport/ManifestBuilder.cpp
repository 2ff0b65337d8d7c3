#include "ManifestBuilder.h"

#include "remote/RemoteProviderRegistry.h"

#include <QFile>

namespace steward::test {

using json = nlohmann::json;

ManifestBuilder::ManifestBuilder()
{
    doc = json::parse(R"({
      "schema_version": "v0.1",
      "target": "desktop",
      "app": { "name": "demo", "version": "1.0.0" },
      "ipc": { "mode": "loopback-http", "host": "127.0.0.1", "port": 47710,
               "auth_token_path": "runtime/auth-token" },
      "telemetry": { "file": "telemetry/events.jsonl" },
      "ports": { "default_range": { "min": 47000, "max": 47999 }, "reserved": [47710] },
      "secrets": [
        { "id": "token", "class": "per_install_generated",
          "generator": { "type": "random", "length": 32, "charset": "alnum" },
          "target": { "type": "env", "name": "TOKEN" } },
        { "id": "api_key", "class": "user_prompt", "format": "^[a-z]{8,}$",
          "prompt": { "label": "API key" },
          "target": { "type": "env", "name": "API_KEY" } }
      ],
      "services": [
        { "id": "api", "type": "api-binary",
          "binaries": { "linux-x64": { "path": "bin/api", "args": ["--port", "${api.http}"] } },
          "secrets": ["token", "api_key"],
          "ports": { "requested": [ { "name": "http", "range": { "min": 47100, "max": 47199 } } ] },
          "health": { "type": "http", "path": "/healthz", "port_name": "http" },
          "readiness": { "type": "health_success" } },
        { "id": "web", "type": "ui-bundle",
          "binaries": { "linux-x64": { "path": "bin/web" } },
          "assets": [ { "path": "ui/index.html" } ],
          "env": { "API_URL": "http://127.0.0.1:${api.http}" },
          "ports": { "requested": [ { "name": "http", "range": { "min": 47200, "max": 47299 } } ] },
          "health": { "type": "tcp", "port_name": "http" },
          "readiness": { "type": "port_open", "port_name": "http" },
          "dependencies": ["api"] }
      ]
    })");
}

ManifestBuilder ManifestBuilder::fromFile(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    ManifestBuilder b;
    b.doc = json::parse(f.readAll().toStdString());
    return b;
}

ManifestBuilder &ManifestBuilder::set(const std::string &pointer, json value)
{
    doc[json::json_pointer(pointer)] = std::move(value);
    return *this;
}

ManifestBuilder &ManifestBuilder::remove(const std::string &pointer)
{
    const json::json_pointer ptr(pointer);
    json &parent = doc[ptr.parent_pointer()];
    if (parent.is_array())
        parent.erase(std::stoul(ptr.back()));
    else
        parent.erase(ptr.back());
    return *this;
}

QByteArray ManifestBuilder::bytes() const
{
    return QByteArray::fromStdString(doc.dump(2));
}

ManifestLoadResult ManifestBuilder::load() const
{
    return ManifestLoader::loadBytes(bytes(), QStringLiteral("/tmp/bundle/bundle.json"),
                                     m_remoteRules ? m_remoteRules
                                                   : &RemoteProviderRegistry::builtIn());
}

QStringList diagnosticPaths(const Diagnostics &diagnostics, Diagnostic::Severity severity)
{
    QStringList out;
    for (const Diagnostic &d : diagnostics) {
        if (d.severity == severity)
            out << d.path;
    }
    out.sort();
    return out;
}

} // namespace steward::test
