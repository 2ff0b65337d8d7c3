#include "ControlApiFiles.h"

#include "core/AppRegistry.h"
#include "core/AtomicFile.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <utility>

namespace steward {

ControlApiFiles::ControlApiFiles(const QString &dir, const QString &tokenPath)
    : m_tokenPath(QDir(dir).absoluteFilePath(tokenPath))
    , m_portPath(QDir(dir).absoluteFilePath(QStringLiteral("runtime/ipc_port")))
{ }

Status ControlApiFiles::write(const QByteArray &adminToken, int port)
{
    m_written = true;
    // Typed pairs: with QT_USE_QSTRINGBUILDER, "a + '\n'" is a lazy expression that would
    // outlive its operands if its type were deduced.
    const std::pair<QString, QByteArray> files[] = {
        {m_tokenPath, QByteArray(adminToken + '\n')},
        {m_portPath, QByteArray(QByteArray::number(port) + '\n')},
    };
    for (const auto &[path, content] : files) {
        Status st = AtomicFile::ensureDirectory(QFileInfo(path).absolutePath(), 0700);
        if (st)
            st = AtomicFile::write(path, content, 0600);
        if (!st)
            return st;
    }
    return {};
}

Status ControlApiFiles::announce(const QString &app, const QString &appData)
{
    const Result<QString> entry = AppRegistry::add(
        {app, appData, QDir(appData).absoluteFilePath(QStringLiteral("runtime/ipc_port")),
         QCoreApplication::applicationPid()});
    if (!entry)
        return Status::failure(entry.error());
    m_registryEntry = entry.value();
    return {};
}

void ControlApiFiles::remove()
{
    AppRegistry::remove(std::exchange(m_registryEntry, {}));
    if (!m_written)
        return;
    m_written = false;
    removeLeftovers();
}

void ControlApiFiles::removeLeftovers()
{
    QFile::remove(m_tokenPath);
    QFile::remove(m_portPath);
}

std::optional<ControlApiFiles::Endpoint> ControlApiFiles::read() const
{
    QFile portFile(m_portPath);
    QFile tokenFile(m_tokenPath);
    if (!portFile.open(QIODevice::ReadOnly) || !tokenFile.open(QIODevice::ReadOnly))
        return std::nullopt;
    return Endpoint {portFile.readAll().trimmed().toInt(), tokenFile.readAll().trimmed()};
}

} // namespace steward
