"""gunicorn's settings; gunicorn reads this file from the folder it is started in.

The access log shows paths with secret parts (feed tokens, confirmation and reset keys)
replaced by a mark and control characters escaped: see config/access_log.py.
"""

logger_class = "config.access_log.RedactingLogger"
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'

# The app is loaded once, before the workers are forked: a worker started again after its
# --max-requests is ready at once instead of importing Django anew while people wait. Nothing
# opens a connection while loading (the database, Redis and the broker connect on first use).
preload_app = True


def when_ready(server: object) -> None:
    """In the master, after the app is loaded and before the first worker is forked."""
    from config.warmup import warm_up

    warm_up()
