#!/usr/bin/python3
"""A conformance-test service: an HTTP server on 127.0.0.1:PORT that answers every GET with
200 and BODY, and prints each request's path."""
import http.server
import sys

port, body = int(sys.argv[1]), sys.argv[2].encode()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        print("GET " + self.path, flush=True)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


http.server.HTTPServer(("127.0.0.1", port), Handler).serve_forever()
