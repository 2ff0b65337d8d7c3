// Differential fuzzer for TemplateRenderer: tokens() and render() on arbitrary UTF-8 must agree
// with a plain scan for "${" ... "}" (the first '}' closes a token) over a fixed context.

#include "manifest/TemplateRenderer.h"

#include <cstdio>
#include <cstdlib>

using steward::TemplateRenderer;

namespace {

TemplateRenderer::Context context()
{
    TemplateRenderer::Context ctx;
    ctx.ports[QStringLiteral("api")]
        = {{QStringLiteral("http"), 47001}, {QStringLiteral("grpc"), 47003}};
    ctx.ports[QStringLiteral("web")] = {{QStringLiteral("http"), 47002}};
    ctx.ports[QStringLiteral("a.b")] = {{QStringLiteral("c"), 1}};
    ctx.dataDir = QStringLiteral("/home/u/.local/share/${app}");
    ctx.bundleRoot = QStringLiteral("/opt/app");
    return ctx;
}

struct Reference
{
    QStringList tokens;
    QStringList unresolved;
    QString text; // the rendering: unresolvable tokens stay as written
};

bool portOf(const TemplateRenderer::Context &ctx, const QString &token, qsizetype dot, int *port)
{
    if (dot < 0 || !ctx.ports.value(token.left(dot)).contains(token.mid(dot + 1)))
        return false;
    *port = ctx.ports.value(token.left(dot)).value(token.mid(dot + 1));
    return true;
}

Reference reference(const TemplateRenderer::Context &ctx, const QString &in)
{
    Reference r;
    qsizetype last = 0;
    for (qsizetype open = in.indexOf(QLatin1String("${")); open >= 0;
         open = in.indexOf(QLatin1String("${"), last)) {
        const qsizetype close = in.indexOf(QLatin1Char('}'), open + 2);
        if (close < 0)
            break;
        const QString token = in.mid(open + 2, close - open - 2);
        r.tokens << token;
        r.text += in.mid(last, open - last);
        int port = 0;
        if (token == QLatin1String("data")) {
            r.text += ctx.dataDir;
        } else if (token == QLatin1String("bundle")) {
            r.text += ctx.bundleRoot;
        } else if (portOf(ctx, token, token.lastIndexOf(QLatin1Char('.')), &port)
                   || portOf(ctx, token, token.indexOf(QLatin1Char('.')), &port)) {
            r.text += QString::number(port);
        } else {
            r.unresolved << token;
            r.text += in.mid(open, close - open + 1);
        }
        last = close + 1;
    }
    r.text += in.mid(last);
    return r;
}

[[noreturn]] void mismatch(const char *what, const QString &expected, const QString &got)
{
    std::fprintf(stderr, "%s differs from the reference\nexpected: %s\ngot:      %s\n", what,
                 expected.toUtf8().toPercentEncoding().constData(),
                 got.toUtf8().toPercentEncoding().constData());
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const TemplateRenderer::Context ctx = context();
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const Reference expected = reference(ctx, text);

    const QStringList tokens = TemplateRenderer::tokens(text);
    if (tokens != expected.tokens)
        mismatch("tokens()", expected.tokens.join(QLatin1Char('|')), tokens.join(QLatin1Char('|')));
    for (const QString &t : tokens)
        (void)TemplateRenderer::isWellFormed(t);

    const QString rendered = TemplateRenderer(ctx).render(text);
    if (rendered != expected.text)
        mismatch("render()", expected.text, rendered);
    const QStringList unresolved = TemplateRenderer(ctx).unresolved(text);
    if (unresolved != expected.unresolved)
        mismatch("unresolved()", expected.unresolved.join(QLatin1Char('|')),
                 unresolved.join(QLatin1Char('|')));
    return 0;
}
