"""Real servers for the calendar tests, on 127.0.0.1 and a port the OS picks.

`IcsServer` serves calendar files with ETag / Last-Modified and 304s, plus answers that
misbehave (404, redirects, a slow trickle, an oversized body). `Radicale` runs the CalDAV
server in a subprocess with plain htpasswd users and storage in a temporary folder.
"""

import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    location: str = ""
    trickle_seconds: float = 0.0
    conditional: bool = True


@dataclass
class IcsServer:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: dict[str, int] = field(default_factory=dict)
    not_modified: int = 0

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                path = self.path
                server.hits[path] = server.hits.get(path, 0) + 1
                route = server.routes.get(path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.location:
                    self.send_response(route.status)
                    self.send_header("Location", route.location)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                if route.conditional and self.headers.get("If-None-Match") == etag:
                    server.not_modified += 1
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", "text/calendar; charset=utf-8")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Sat, 05 Dec 2026 10:00:00 GMT")
                if not route.trickle_seconds:
                    self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                try:
                    if route.trickle_seconds:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.trickle_seconds)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Radicale:
    """A Radicale CalDAV server; users are given as {name: password}."""

    def __init__(self, folder: Path, users: dict[str, str]) -> None:
        self.port = free_port()
        users_file = folder / "users"
        users_file.write_text("".join(f"{name}:{pw}\n" for name, pw in users.items()))
        config = folder / "config"
        config.write_text(
            f"[server]\nhosts = 127.0.0.1:{self.port}\n"
            f"[auth]\ntype = htpasswd\nhtpasswd_filename = {users_file}\n"
            "htpasswd_encryption = plain\ndelay = 0\n"
            f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
            "[rights]\ntype = owner_only\n[logging]\nlevel = error\n"
        )
        self.process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "radicale", "--config", str(config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        self.url = f"http://127.0.0.1:{self.port}/"
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.url, timeout=1)  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("Radicale did not start")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
