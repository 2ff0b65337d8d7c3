// Test helper: writes or reads one secret through KeychainStore in a separate process, so tests
// can check that values survive a restart of the program.
// Usage: keychain_tool write|read APP INSTALL_ID SECRET_ID  (value on stdin / stdout)

#include "secrets/KeychainStore.h"

#include <QCoreApplication>
#include <QFile>
#include <QTimer>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() != 5)
        return 64;
    steward::KeychainStore store(args.at(2), args.at(3));
    QObject context;
    int rc = 1;
    if (args.at(1) == QLatin1String("write")) {
        QFile in;
        if (!in.open(stdin, QIODevice::ReadOnly))
            return 1;
        store.write(args.at(4), in.readAll(), &context, [&](const steward::SecretStore::Error &e) {
            rc = e.ok() ? 0 : 1;
            app.quit();
        });
    } else {
        store.read(
            args.at(4), &context, [&](const steward::SecretStore::Error &e, const QByteArray &v) {
                if (e.ok())
                    std::fwrite(v.constData(), 1, std::size_t(v.size()), stdout);
                rc = e.ok() ? 0 : (e.kind == steward::SecretStore::ErrorKind::NotFound ? 3 : 1);
                app.quit();
            });
    }
    app.exec();
    return rc;
}
