#include "cli/StewardCtl.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stewardctl"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    steward::StewardCtl ctl(out, err);
    const int rc = ctl.run(QCoreApplication::arguments().mid(1));
    if (rc != steward::StewardCtl::Pending)
        return rc;
    QObject::connect(&ctl, &steward::StewardCtl::finished, &app,
                     [](int code) { QCoreApplication::exit(code); });
    return app.exec();
}
