"""gunicorn's access and error logs without secrets (see config.logging.redact).

Named by `logger_class` in gunicorn.conf.py, which every gunicorn started from the
project folder reads.
"""

from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from config.logging import RedactSecrets, redact


class RedactingLogger(Logger):  # type: ignore[misc]
    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        # The error log quotes bad request lines, headers and paths as received.
        for handler in self.error_log.handlers:
            handler.addFilter(RedactSecrets())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict:
        return {
            name: redact(value) if isinstance(value, str) else value
            for name, value in super().atoms(resp, req, environ, request_time).items()
        }
