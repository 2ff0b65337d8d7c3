#include "TemplateRenderer.h"

#include <QRegularExpression>

namespace steward {

namespace {
const QRegularExpression &tokenPattern()
{
    static const QRegularExpression re(QStringLiteral("\\$\\{([^}]*)\\}"));
    return re;
}
} // namespace

QStringList TemplateRenderer::tokens(const QString &text)
{
    QStringList out;
    if (!text.contains(QLatin1String("${")))
        return out;
    auto it = tokenPattern().globalMatch(text);
    while (it.hasNext())
        out << it.next().captured(1);
    return out;
}

bool TemplateRenderer::isWellFormed(const QString &token)
{
    if (token == QLatin1String("data") || token == QLatin1String("bundle"))
        return true;
    static const QRegularExpression portRef(
        QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+$"));
    return portRef.match(token).hasMatch();
}

Result<QString> TemplateRenderer::render(const QString &text) const
{
    if (!text.contains(QLatin1String("${")))
        return text;
    QString out;
    out.reserve(text.size());
    qsizetype last = 0;
    auto it = tokenPattern().globalMatch(text);
    while (it.hasNext()) {
        const QRegularExpressionMatch m = it.next();
        out += QStringView(text).mid(last, m.capturedStart() - last);
        const QString token = m.captured(1);
        if (token == QLatin1String("data")) {
            out += m_context.dataDir;
        } else if (token == QLatin1String("bundle")) {
            out += m_context.bundleRoot;
        } else {
            const qsizetype dot = token.indexOf(QLatin1Char('.'));
            const auto svc = m_context.ports.constFind(token.left(dot));
            if (dot < 0 || svc == m_context.ports.cend() || !svc->contains(token.mid(dot + 1)))
                return Result<QString>::failure(
                    QStringLiteral("${%1} does not name an allocated port").arg(token));
            out += QString::number(svc->value(token.mid(dot + 1)));
        }
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

} // namespace steward
