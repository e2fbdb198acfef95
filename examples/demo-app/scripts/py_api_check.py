"""Named suite "py-api-check": serves the shop's prices on the fixed port 3030 for ~1.2 s and queries them.

Fails if 3030 is taken, so it can only run beside scripts/api-smoke.ts when each has its own
machine (vmwatch gives every test its own network namespace / VM).

Run from the app root:  python3 scripts/py_api_check.py
"""

import json
import os
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the app root, for `import shop`

from shop.cart import Cart  # noqa: E402
from shop.prices import CATALOG, price_of  # noqa: E402

PORT = 3030
HOLD_SECONDS = 1.2
BASE = f"http://127.0.0.1:{PORT}"


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/health":
            return self.send_json(200, {"ok": True, "pid": os.getpid()})
        if self.path.startswith("/price/"):
            sku = self.path.removeprefix("/price/")
            if sku not in CATALOG:
                return self.send_json(404, {"error": f"unknown sku: {sku}"})
            return self.send_json(200, {"sku": sku, "cents": price_of(sku)})
        if self.path == "/cart-demo":
            cart = Cart()
            cart.add("apple", 3)
            cart.add("coffee")
            return self.send_json(200, {"total": cart.total()})
        return self.send_json(404, {"error": f"no route {self.path}"})

    def send_json(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep the output short
        pass


def get(path):
    try:
        with urllib.request.urlopen(BASE + path, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def main():
    try:
        # HTTPServer sets SO_REUSEADDR (as Node does): a rerun is not blocked by TIME_WAIT
        # leftovers, but on Linux a port another process *listens* on still fails to bind.
        server = HTTPServer(("127.0.0.1", PORT), Handler)
    except OSError as error:
        print(f"py-api-check: FAILED - port {PORT} is already in use ({error.strerror}); "
              "another server shares this machine", file=sys.stderr)
        return 1

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        started = time.monotonic()
        rounds = 0
        while time.monotonic() - started < HOLD_SECONDS:
            assert get("/health") == (200, {"ok": True, "pid": os.getpid()}), "port 3030 is answered by our own server"
            assert get("/price/bread") == (200, {"sku": "bread", "cents": 289})
            assert get("/price/caviar")[0] == 404
            assert get("/cart-demo") == (200, {"total": 3 * 45 + 1199})
            rounds += 1
            time.sleep(0.2)
        elapsed_ms = round((time.monotonic() - started) * 1000)
        print(f"py-api-check: ok - {rounds} rounds of requests on port {PORT} over {elapsed_ms} ms")
        return 0
    except (AssertionError, OSError, ValueError) as error:
        print(f"py-api-check: FAILED - {error!r}", file=sys.stderr)
        return 1
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
