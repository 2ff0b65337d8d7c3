#pragma once

// A copy of the staged example bundle whose bundle.json a test changes: its service binary and
// the page its ui-bundle service serves, and the manifest as `patch` leaves it.

#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <functional>
#include <nlohmann/json.hpp>

namespace steward::test {

// Returns the new bundle.json in `dir`, empty on failure.
inline QString copyExampleBundle(const QString &dir,
                                 const std::function<void(nlohmann::json &)> &patch)
{
    const QDir staged = QFileInfo(exampleBundle()).absoluteDir();
    if (!QDir(dir).mkpath(QStringLiteral("bin")) || !QDir(dir).mkpath(QStringLiteral("ui"))
        || !QFile::copy(staged.filePath(QStringLiteral("bin/hello-service")),
                        dir + QStringLiteral("/bin/hello-service")))
        return {};
    for (const QString &file : QDir(staged.filePath(QStringLiteral("ui"))).entryList(QDir::Files)) {
        if (!QFile::copy(staged.filePath(QStringLiteral("ui/") + file),
                         dir + QStringLiteral("/ui/") + file))
            return {};
    }
    QFile example(exampleBundle());
    if (!example.open(QIODevice::ReadOnly))
        return {};
    nlohmann::json m = nlohmann::json::parse(example.readAll().toStdString(), nullptr, false);
    if (!m.is_object())
        return {};
    patch(m);
    const QString manifest = dir + QStringLiteral("/bundle.json");
    QFile f(manifest);
    if (!f.open(QIODevice::WriteOnly) || f.write(QByteArray::fromStdString(m.dump(2))) < 0)
        return {};
    return manifest;
}

} // namespace steward::test
