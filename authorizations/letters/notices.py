"""Email notices to the prescriber, through Django's email framework.

Sent by the task worker from the outbox (delivery_services.delivery_notice):
a failure raises, and the worker tries again later; each function returns
whether a message went out (no address set: nobody to tell).

No patient data: only the request number, what happened, and a link. The
link is built from settings.SITE_URL (a follow-up reminder's, from the
address its caller chose, if any).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from authorizations.treatment import schedule


def _link(req) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("request_detail", args=[req.pk])


def _send(req, subject: str, body: str) -> bool:
    to = req.prescriber.email
    if not to:
        return False
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    return True


def decided(req) -> bool:
    """The request was approved or denied."""
    word = "approved" if req.status == "approved" else "decided"
    return _send(req, f"Prior authorization {req.number} {word}",
          f"Request {req.number} has been {word}: {req.get_status_display()}.\n\n"
          f"The determination and its letter are on the request's page:\n{_link(req)}\n")


def information_requested(req) -> bool:
    """The reviewer needs information before deciding."""
    return _send(req, f"Information needed for prior authorization {req.number}",
          f"The clinical reviewer needs more information to decide request {req.number}.\n\n"
          f"What is needed, why and by when, and where to respond:\n{_link(req)}\n")


def peer_to_peer_scheduled(req) -> bool:
    """The reviewer scheduled the peer-to-peer discussion (the time is on the
    request's page, where only signed-in users see it)."""
    return _send(req, f"Peer-to-peer discussion scheduled for prior authorization {req.number}",
          f"The clinical reviewer scheduled a peer-to-peer discussion of request "
          f"{req.number}.\n\nThe time, and the request, are on the request's page:\n"
          f"{_link(req)}\n")


def _send_queue(req, subject: str, body: str) -> bool:
    """To the reviewers' queue owner (settings.REVIEW_QUEUE_EMAIL; none set:
    nobody is told). The link is the admin's, where only reviewers get in."""
    to = settings.REVIEW_QUEUE_EMAIL
    if not to:
        return False
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    return True


def _admin_link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def responded(req) -> bool:
    """To the queue owner: the prescriber answered a request for information."""
    return _send_queue(req, f"Response received for prior authorization {req.number}",
                f"The prescriber responded to the request for information on request "
                f"{req.number}; it is back in the review queue.\n\n"
                f"{_admin_link('admin:authorizations_authorizationrequest_change', req.pk)}\n")


def appeal_filed(req) -> bool:
    """To the queue owner: an appeal awaits a reviewer who did not deny."""
    return _send_queue(req, f"Appeal filed for prior authorization {req.number}",
                f"The denial of request {req.number} was appealed. A reviewer "
                f"other than the one who denied it must decide.\n\nThe appeals queue:\n"
                f"{_admin_link('admin:authorizations_appeal_changelist')}\n")


def appeal_decided(req) -> bool:
    """To the prescriber: the appeal is decided; the letter is on the request's page."""
    return _send(req, f"Appeal decided for prior authorization {req.number}",
          f"The appeal of request {req.number} has been decided: "
          f"{req.get_status_display()}.\n\n"
          f"The decision and its letter are on the request's page:\n{_link(req)}\n")


FOLLOW_UP_REMINDER = "follow_up_reminder"
REMINDER_SUBJECTS = {
    schedule.DUE: "Hemgenix follow-up due for request {number}",
    schedule.OVERDUE: "Hemgenix follow-up overdue for request {number}",
}


def reminder_body(*, number: str, fu_number: int, state: str, link: str) -> str:
    """No patient data: the request number and a link only."""
    return (f"Follow-up {fu_number} for request {number} is {state}.\n\n"
            f"Sign in to record the assessment: {link}\n")


def follow_up_reminder(reminder, *, base_url: str = "") -> bool:
    """A follow-up is due or overdue (a FollowUpReminder, recorded once per
    state by treatment/services.followup_send_reminders), to the address
    recorded with it."""
    fu = reminder.follow_up
    req = fu.authorization.request
    link = (base_url or settings.SITE_URL).rstrip("/") + reverse("follow_up",
                                                                 args=[req.pk, fu.number])
    send_mail(REMINDER_SUBJECTS[reminder.state].format(number=req.number),
              reminder_body(number=req.number, fu_number=fu.number, state=reminder.state,
                            link=link),
              settings.DEFAULT_FROM_EMAIL, [reminder.sent_to])
    return True


PASSWORD_RESET = "password_reset"


def password_reset(user) -> bool:
    """Django's password reset email (its templates, its token), sent by the
    worker: the token is made now, so none waits in the database. The link
    starts with settings.SITE_URL. Nobody to tell: an account no longer
    active, without a usable password or an address (what Django's form asks)."""
    if not (user.is_active and user.has_usable_password() and user.email):
        return False
    site = urlsplit(settings.SITE_URL)
    context = {"email": user.email, "domain": site.netloc, "site_name": site.netloc,
               "protocol": site.scheme, "user": user,
               "token": default_token_generator.make_token(user),
               "uid": urlsafe_base64_encode(force_bytes(user.pk))}
    subject = "".join(render_to_string("registration/password_reset_subject.txt",
                                       context).splitlines())
    send_mail(subject, render_to_string("registration/password_reset_email.html", context),
              settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


# The notices the outbox can send, by the name stored on its job.
NOTICES: dict[str, Callable[[Any], bool]] = {
    "decided": decided,
    "information_requested": information_requested,
    "peer_to_peer_scheduled": peer_to_peer_scheduled,
    "responded": responded,
    "appeal_filed": appeal_filed,
    "appeal_decided": appeal_decided,
}
