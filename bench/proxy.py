"""A TCP proxy that can cut or slow the line to a service: `make faults` puts it between
gunicorn and PostgreSQL to make the database unreachable or slow, without touching the
server other people use."""

import contextlib
import socket
import threading
import time


class Proxy:
    """Forwards 127.0.0.1:<port> to target. cut() drops every connection and refuses new
    ones until restore(); slow(seconds) delays every chunk forwarded."""

    def __init__(self, *, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.delay = 0.0
        self.is_cut = False
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def cut(self) -> None:
        with self._lock:
            self.is_cut = True
            for sock in self._open:
                _close(sock)
            self._open.clear()

    def restore(self) -> None:
        self.is_cut, self.delay = False, 0.0

    def slow(self, seconds: float) -> None:
        self.delay = seconds

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            if self.is_cut:
                _close(client)
                continue
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._open.update((client, server))
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                if self.delay:
                    time.sleep(self.delay)
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            _close(source)
            _close(sink)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
