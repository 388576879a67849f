"""Email notices to the prescriber, through Django's email framework.

No patient data: only the request number, what happened, and a link. The
link is built from settings.SITE_URL.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

log = logging.getLogger(__name__)


def _link(req) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("request_detail", args=[req.pk])


def _send(req, subject: str, body: str) -> None:
    to = req.prescriber.email
    if not to:
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # noqa: BLE001 - a notice never undoes a decision
        log.exception("notice for request %s not sent", req.pk)


def decided(req) -> None:
    """The request was approved or denied."""
    word = "approved" if req.status == "approved" else "decided"
    _send(req, f"Prior authorization {req.number} {word}",
          f"Request {req.number} has been {word}: {req.get_status_display()}.\n\n"
          f"The determination and its letter are on the request's page:\n{_link(req)}\n")


def information_requested(req) -> None:
    """The reviewer needs information before deciding."""
    _send(req, f"Information needed for prior authorization {req.number}",
          f"The clinical reviewer needs more information to decide request {req.number}.\n\n"
          f"What is needed, why and by when, and where to respond:\n{_link(req)}\n")


def peer_to_peer_scheduled(req) -> None:
    """The reviewer scheduled the peer-to-peer discussion (the time is on the
    request's page, where only signed-in users see it)."""
    _send(req, f"Peer-to-peer discussion scheduled for prior authorization {req.number}",
          f"The clinical reviewer scheduled a peer-to-peer discussion of request "
          f"{req.number}.\n\nThe time, and the request, are on the request's page:\n"
          f"{_link(req)}\n")


def _send_queue(req, subject: str, body: str) -> None:
    """To the reviewers' queue owner (settings.REVIEW_QUEUE_EMAIL; none set:
    nobody is told). The link is the admin's, where only reviewers get in."""
    to = settings.REVIEW_QUEUE_EMAIL
    if not to:
        return
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    except Exception:  # noqa: BLE001 - a notice never undoes a response or a filing
        log.exception("queue notice for request %s not sent", req.pk)


def _admin_link(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def responded(req) -> None:
    """To the queue owner: the prescriber answered a request for information."""
    _send_queue(req, f"Response received for prior authorization {req.number}",
                f"The prescriber responded to the request for information on request "
                f"{req.number}; it is back in the review queue.\n\n"
                f"{_admin_link('admin:authorizations_authorizationrequest_change', req.pk)}\n")


def appeal_filed(req) -> None:
    """To the queue owner: an appeal awaits a reviewer who did not deny."""
    _send_queue(req, f"Appeal filed for prior authorization {req.number}",
                f"The denial of request {req.number} was appealed. A reviewer "
                f"other than the one who denied it must decide.\n\nThe appeals queue:\n"
                f"{_admin_link('admin:authorizations_appeal_changelist')}\n")


def appeal_decided(req) -> None:
    """To the prescriber: the appeal is decided; the letter is on the request's page."""
    _send(req, f"Appeal decided for prior authorization {req.number}",
          f"The appeal of request {req.number} has been decided: "
          f"{req.get_status_display()}.\n\n"
          f"The decision and its letter are on the request's page:\n{_link(req)}\n")
