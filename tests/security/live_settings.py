"""Settings of the site that tests/security/live.py starts: the test settings (DEBUG off,
static files from the source folders), with e-mails written to the site's own mailbox."""

from tests.settings import *  # noqa: F403
from tests.settings import VAR_DIR

EMAIL_BACKEND = "config.mailbox.MailboxBackend"
MAILBOX_DIR = VAR_DIR / "mail"
MEDIA_ROOT = VAR_DIR / "media"
# No worker runs beside this site: tasks (the e-mails they send) run in the request.
CELERY_TASK_ALWAYS_EAGER = True
