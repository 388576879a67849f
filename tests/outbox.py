"""The outbox's test helpers (letters/delivery_services.py): a mail server
that is down for a while, and a job's wait made to pass."""

from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from authorizations.models import Delivery

FLAKY_BACKEND = "tests.outbox.FlakyBackend"


class FlakyBackend(EmailBackend):
    """Refuses the first `failures_left` messages (a mail server that is down),
    then delivers to Django's test outbox."""

    failures_left = 0

    def send_messages(self, email_messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("mail server down")
        return super().send_messages(email_messages)


def make_due(job: Delivery) -> None:
    """The wait before the next attempt has passed (tests may update())."""
    Delivery.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
