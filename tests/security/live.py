"""The site as in production, for tests that look at it from outside: gunicorn (DEBUG off,
the real settings, gunicorn.conf.py) on a SQLite file of its own, e-mails in its mailbox,
and a small cookie-keeping client that talks HTTP to it."""

import email
import email.policy
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def site_environ(var_dir: Path, **extra: str) -> dict[str, str]:
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_HOST")
    }
    return environ | {
        "DJANGO_SETTINGS_MODULE": "tests.security.live_settings",
        "DJANGO_CACHE_PREFIX": "firststep-live",
        "DJANGO_VAR_DIR": str(var_dir),
        **extra,
    }


@contextmanager
def gunicorn_site(var_dir: Path, *, migrate: bool = True, **extra: str) -> Iterator["Site"]:
    """A migrated site on a free port; its combined log is Site.log once it has stopped."""
    environ = site_environ(var_dir, **extra)
    if migrate:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT, env=environ, check=True, timeout=180,
        )  # fmt: skip
    port = free_port()
    log_path = var_dir / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(  # noqa: S603 - our own command
            [
                *(sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", "1"),
                *("--bind", f"127.0.0.1:{port}", "--access-logfile", "-"),
            ],
            cwd=ROOT, env=environ, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        site = Site(
            url=f"http://127.0.0.1:{port}", var_dir=var_dir, log_path=log_path, pid=server.pid
        )
        try:
            site.wait_ready(server)
            yield site
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)


@dataclass
class Site:
    url: str
    var_dir: Path
    log_path: Path
    pid: int

    def worker_peak_kb(self) -> int:
        """The gunicorn worker's peak resident memory so far (VmHWM)."""
        (worker,) = Path(f"/proc/{self.pid}/task/{self.pid}/children").read_text().split()
        status = Path(f"/proc/{worker}/status").read_text()
        return int(
            next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]
        )

    def shell(self, script: str) -> str:
        """Run Python in `manage.py shell` against the site's database; its last output line."""
        done = subprocess.run(  # noqa: S603 - our own command
            [sys.executable, "manage.py", "shell", "-c", script],
            cwd=ROOT, env=site_environ(self.var_dir), capture_output=True, text=True, check=True,
        )  # fmt: skip
        return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

    def wait_ready(self, server: subprocess.Popen) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise RuntimeError(self.log_path.read_text())
            try:
                Browser(self.url).get("/healthz")  # any answer, 503 included
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not start")

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def mails(self) -> list[email.message.EmailMessage]:
        folder = self.var_dir / "mail"
        return [
            email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
            for path in sorted(folder.glob("*.eml"))
        ]

    def links_in_last_mail(self) -> list[str]:
        body = self.mails()[-1].get_body(preferencelist=("plain",)).get_content()
        return re.findall(r"https?://\S+", body)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Browser:
    """Keeps cookies (even Secure ones, over plain HTTP) and sends the CSRF token."""

    url: str
    cookies: dict[str, str] = field(default_factory=dict)
    timeout: float = 20

    def request(
        self,
        method: str,
        path: str,
        data: dict | None = None,
        headers: dict | None = None,
        body: bytes | None = None,
    ) -> Response:
        parts = urlsplit(self.url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} | (headers or {})
        if data is not None:
            body = urlencode(
                {**data, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}, doseq=True
            )
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body, sent)
            answer = connection.getresponse()
            for value in answer.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return Response(answer.status, answer.headers, answer.read().decode("utf-8", "replace"))
        finally:
            connection.close()

    def post_file(
        self, path: str, data: dict, *, field: str, name: str, content: bytes
    ) -> Response:
        """A multipart POST with one file, as a browser's file input sends it."""
        if "csrftoken" not in self.cookies:
            self.get(path)
        boundary = "----firststep-live-boundary"
        parts = []
        for key, values in ({**data, "csrfmiddlewaretoken": self.cookies["csrftoken"]}).items():
            for value in values if isinstance(values, list) else [values]:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            "POST", path, body=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )  # fmt: skip

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict) -> Response:
        if "csrftoken" not in self.cookies:
            self.get(path)
        return self.request("POST", path, data)
