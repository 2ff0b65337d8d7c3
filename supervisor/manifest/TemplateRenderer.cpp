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
        QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.-]*\\.[A-Za-z0-9_-]+$"));
    return portRef.match(token).hasMatch();
}

std::optional<QString> TemplateRenderer::resolve(const QString &token) const
{
    if (token == QLatin1String("data"))
        return m_context.dataDir;
    if (token == QLatin1String("bundle"))
        return m_context.bundleRoot;
    // Port names hold no dots, so the last dot separates the service id (which may hold some)
    // from the port name; the first dot is tried too, for ids the manifest never declared.
    for (const qsizetype dot :
         {token.lastIndexOf(QLatin1Char('.')), token.indexOf(QLatin1Char('.'))}) {
        if (dot < 0)
            continue;
        const auto svc = m_context.ports.constFind(token.left(dot));
        if (svc != m_context.ports.cend() && svc->contains(token.mid(dot + 1)))
            return QString::number(svc->value(token.mid(dot + 1)));
    }
    return std::nullopt;
}

QString TemplateRenderer::render(const QString &text) const
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
        const std::optional<QString> value = resolve(m.captured(1));
        out += value ? *value : m.captured(0);
        last = m.capturedEnd();
    }
    out += QStringView(text).mid(last);
    return out;
}

QStringList TemplateRenderer::unresolved(const QString &text) const
{
    QStringList out;
    for (const QString &token : tokens(text)) {
        if (!resolve(token))
            out << token;
    }
    return out;
}

} // namespace steward
