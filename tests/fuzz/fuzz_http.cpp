// Fuzzer for the control API's request handling: raw bytes go through a real socket into an
// HttpConnection (limits, http-parser) and the ControlApi guard and routes, over the example
// bundle with in-memory secrets. "@ADMIN@", "@A@" and "@PORT@" in the input are replaced by the
// admin token, the api service's token and the port, so the fuzzer reaches the routes behind
// the guard.
//
// A socketpair stands in for the loopback TCP connection: the same QTcpSocket code paths,
// without a handshake or TIME_WAIT per input.

#include "api/ControlApi.h"
#include "api/HttpConnection.h"
#include "api/TokenBook.h"
#include "core/Redactor.h"
#include "manifest/ManifestLoader.h"
#include "secrets/InstallState.h"
#include "secrets/MemoryStore.h"
#include "secrets/SecretKeeper.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace steward;

namespace {

constexpr int Port = 47810;

struct World
{
    QTemporaryDir dir;
    Manifest manifest;
    MemoryStore store;
    std::unique_ptr<InstallState> state;
    std::shared_ptr<Redactor> redactor = std::make_shared<Redactor>();
    std::unique_ptr<SecretKeeper> keeper;
    std::unique_ptr<TokenBook> tokens;
};

World *world = nullptr;

[[noreturn]] void fail(const char *why)
{
    std::fprintf(stderr, "fuzz_http: %s\n", why);
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static QCoreApplication app(*argc, *argv);
    std::signal(SIGPIPE, SIG_IGN);
    world = new World;
    const ManifestLoadResult r = ManifestLoader::loadFile(
        QStringLiteral(STEWARD_SOURCE_DIR "/resources/examples/hello/bundle.json"));
    if (!r.valid())
        fail("the example bundle does not load");
    world->manifest = *r.manifest;
    world->state = std::make_unique<InstallState>(InstallState::load(world->dir.path()).value());
    world->keeper = std::make_unique<SecretKeeper>(world->manifest, *world->state, world->store,
                                                   world->redactor);
    world->keeper->start();
    QElapsedTimer t;
    t.start();
    while (world->keeper->phase() != SecretKeeper::Phase::WaitingForSecrets
           && world->keeper->phase() != SecretKeeper::Phase::Ready) {
        if (t.elapsed() > 10000)
            fail("the secrets did not settle");
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    }
    QStringList ids;
    for (const ServiceSpec &s : world->manifest.services)
        ids << s.id;
    world->tokens = std::make_unique<TokenBook>(ids);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QByteArray raw(reinterpret_cast<const char *>(data), qsizetype(size));
    raw.replace("@ADMIN@", world->tokens->adminToken());
    raw.replace("@A@", world->tokens->serviceToken(QStringLiteral("api")));
    raw.replace("@PORT@", QByteArray::number(Port));

    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0)
        fail("socketpair failed");
    const int client = fds[1];
    ::fcntl(client, F_SETFL, O_NONBLOCK);

    // A fresh API per input: its throttle of wrong tokens would otherwise carry over.
    ApiContext ctx;
    ctx.manifest = &world->manifest;
    ctx.keeper = world->keeper.get();
    ctx.redactor = world->redactor;
    ctx.appData = world->dir.path();
    ctx.shutdown = [] {
    };
    ControlApi api(ctx, *world->tokens);
    api.setPort(Port);

    auto *socket = new QTcpSocket;
    if (!socket->setSocketDescriptor(fds[0]))
        fail("QTcpSocket refused the socket");
    bool closed = false;
    auto *connection = new HttpConnection(
        socket, [&api](const HttpRequest &r, Responder respond) { api.handle(r, respond); });
    // As ControlServer does: the guard sees each head before its body is read.
    connection->setHeadCheck([&api](HttpRequest &head, bool *authenticated) {
        return api.checkHead(head, authenticated);
    });
    QObject::connect(connection, &HttpConnection::closed, connection, [&closed] { closed = true; });

    // Send everything, then end the stream; read the answers until the server lets go.
    qsizetype sent = 0;
    bool shut = false;
    char sink[65536];
    QElapsedTimer t;
    t.start();
    while (!closed) {
        if (sent < raw.size()) {
            const ssize_t n
                = ::send(client, raw.constData() + sent, size_t(raw.size() - sent), MSG_NOSIGNAL);
            if (n > 0)
                sent += n;
            else if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
                sent = raw.size(); // the server closed early
        }
        if (sent == raw.size() && !shut) {
            ::shutdown(client, SHUT_WR);
            shut = true;
        }
        while (::recv(client, sink, sizeof sink, 0) > 0) { }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        // The request deadline (10 s) and the lingering close (2 s) bound every connection.
        if (t.elapsed() > 20000)
            fail("the connection was not closed within 20 s");
    }
    ::close(client);
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
