#include "cli/StewardCtl.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("stewardctl"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    steward::StewardCtl ctl(out, err);
    return ctl.run(QCoreApplication::arguments().mid(1));
}
