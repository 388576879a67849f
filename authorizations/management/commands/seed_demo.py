"""Demo accounts for a local run: two prescribers at two HTCs and two reviewers."""

import io
import os
import time
from datetime import datetime, timedelta
from datetime import time as dt_time
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from authorizations import policy
from authorizations.accounts.services import user_create_prescriber, user_create_reviewer
from authorizations.appeals.services import appeal_file
from authorizations.core import zones
from authorizations.documents.services import document_add
from authorizations.letters.delivery_services import delivery_run
from authorizations.management.commands._history import History, travel
from authorizations.members import roster_csv
from authorizations.models import HTC, AuthorizationRequest, Delivery
from authorizations.operations.metrics import SUPPRESS_BELOW
from authorizations.policy import values
from authorizations.requests.services import (
    request_create,
    request_decide,
    request_save_draft,
    request_submit,
)
from authorizations.review.conversation import answers_change
from authorizations.review.services import (
    information_request,
    information_respond,
    peer_to_peer_request,
)
from authorizations.treatment.services import followup_save, followup_waive, infusion_record

MIN_PASSWORD_LENGTH = 12

PRESCRIBERS = (
    # username, first name, last name, index of the HTC in the directory
    ("demo-prescriber", "Dana", "Whitfield", 0),
    ("demo-prescriber-2", "Sam", "Okafor", 1),
)
REVIEWER = ("demo-reviewer", "Rita", "Morales", "MD, board-certified hematologist")
# Decides appeals: an appeal goes to a reviewer other than the one who denied.
REVIEWER_2 = ("demo-reviewer-2", "Jordan", "Ellis", "MD, hematologist-oncologist")
# Issue 20: a third, so one case can show both an exception's second key and
# an appeal decided by someone who took no part in it.
REVIEWER_3 = ("demo-reviewer-3", "Priya", "Natarajan", "MD, transfusion medicine")
# seed_demo --history: its default length (the outcomes to 60 months have
# figures) and the least count each figure stands on (see _history.py).
HISTORY_YEARS, HISTORY_SIZE = 5, 12
# Fictional patients, so the dashboard and the review queue are not empty.
DEMO_CASES = settings.BASE_DIR / "data" / "demo-cases.json"


class Command(BaseCommand):
    help = ("Create the demo accounts demo-prescriber, demo-prescriber-2 (two HTCs), "
            "demo-reviewer, demo-reviewer-2 (appeals) and demo-reviewer-3 with the password "
            "in DEMO_PASSWORD. "
            "Local use only: refuses to run unless DJANGO_DEMO is true. Safe to run again "
            "(updates the passwords).")

    def add_arguments(self, parser):
        parser.add_argument(
            "--history", type=int, nargs="?", const=HISTORY_YEARS, default=None,
            metavar="YEARS", help=f"also make a synthetic history of YEARS years (default "
            f"{HISTORY_YEARS}) of requests, decisions, appeals, infusions and follow-ups, so "
            "every figure of the operations and outcomes pages has at least 11 behind it")
        parser.add_argument(
            "--size", type=int, default=HISTORY_SIZE, help=f"with --history: the least count "
            f"each figure is built from (default {HISTORY_SIZE}; at least 11)")

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("seed_demo creates accounts with a shared password and is for "
                               "local use only: set DJANGO_DEMO=true to run it.")
        password = os.environ.get("DEMO_PASSWORD", "")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise CommandError(f"Set DEMO_PASSWORD to a password of at least "
                               f"{MIN_PASSWORD_LENGTH} characters (it is "
                               f"{'unset' if not password else 'too short'}).")
        if not HTC.objects.exists():
            call_command("import_htcs", stdout=self.stdout)
        htcs = list(HTC.objects.filter(federally_designated=True).order_by("state", "city",
                                                                            "name")[:2])
        if len(htcs) < 2:
            raise CommandError("The HTC directory needs at least two federally designated "
                               "HTCs: run manage.py import_htcs with a fuller directory.")
        with transaction.atomic():
            for username, first, last, index in PRESCRIBERS:
                user_create_prescriber(
                    by=None, username=username, password=password, htc=htcs[index],
                    first_name=first, last_name=last, email=f"{username}@example.org",
                    credentials="MD", bleeding_disorder_specialist=True)
                self.stdout.write(f"{username}: prescriber at {htcs[index]}")
            for username, first, last, credentials in (REVIEWER, REVIEWER_2, REVIEWER_3):
                user_create_reviewer(
                    by=None, username=username, password=password, credentials=credentials,
                    first_name=first, last_name=last, email=f"{username}@example.org")
                self.stdout.write(f"{username}: clinical reviewer (admin at /admin/)")
        self._demo_roster()
        self._demo_requests(User.objects.get(username=PRESCRIBERS[0][0]))
        if options.get("history"):
            self._history(options["history"], options["size"])
        self.stdout.write(self.style.SUCCESS(
            "Demo accounts ready: sign in at /accounts/login/ with the DEMO_PASSWORD password."))

    def _history(self, years: int, size: int) -> None:
        """The synthetic history (_history.py), once: it is skipped when its
        prescribers already have requests."""
        if years < 1 or size < SUPPRESS_BELOW:
            raise CommandError(f"--history takes 1 year or more and --size {SUPPRESS_BELOW} "
                               "or more (a figure under 11 is suppressed)")
        if AuthorizationRequest.objects.filter(
                prescriber__username__startswith="history-prescriber-").exists():
            self.stdout.write("History: already made, left as it is")
            return
        started = time.monotonic()
        reviewers = [User.objects.get(username=r[0]) for r in (REVIEWER, REVIEWER_2, REVIEWER_3)]
        counts = History(years=years, size=size, reviewers=reviewers, cases=demo_cases,
                         attach=attach_demo_reports, stdout=self.stdout).run()
        self.stdout.write(
            f"History of {years} year{'s' if years != 1 else ''}: {counts['requests']} "
            f"requests, {counts['approved']} approved, {counts['infused']} infused, "
            f"{counts['follow_ups']} follow-ups submitted, in "
            f"{time.monotonic() - started:.0f} s")

    def _demo_roster(self) -> None:
        """The payer's member roster (synthetic people, data/demo-members.csv):
        every demo patient is on it, with a plan type each, so the letters show
        each plan's rights text and no demo request lacks a verified member."""
        call_command("import_members", str(roster_csv.DEMO_CSV), stdout=self.stdout)

    def _demo_requests(self, user: User) -> None:
        """An approved request, one pending review, one pended for results that
        are not recent, one pended for missing documentation, a draft, and the
        later stages, once."""
        if AuthorizationRequest.objects.filter(prescriber=user).exists():
            return
        today = timezone.localdate()
        cases = demo_cases(today)
        htc = user.prescriber.htc
        for status in ("approved", "pending_review"):
            req = request_create(by=user, htc=htc)
            request_save_draft(by=user, req=req, answers=cases[status],
                               step="review")
            attach_demo_reports(user, req)
            done = request_submit(by=user, req=req)
            self.stdout.write(f"{done.request.number}: {done.request.get_status_display()}")
        self._demo_not_recent(user, cases, today)
        self._demo_documentation_missing(user, cases)
        draft = request_create(by=user, htc=htc)
        request_save_draft(by=user, req=draft, answers=cases["draft"],
                           step="diagnosis")
        self.stdout.write(f"{draft.number}: draft, resumable from the dashboard")
        self._demo_treatment(user, today)
        self._demo_appeal(user, cases)
        self._demo_conversation(user, cases)

    def _demo_not_recent(self, user: User, cases: dict, today) -> None:
        """The approved case with an inhibitor screen and liver panel 45 days
        old: every criterion met, pended for evidence_not_recent (windows of
        30 days), the reviewer told which results and how old."""
        tested = (today - timedelta(days=45)).isoformat()
        req = self._submitted(user, {
            **cases["approved"], "member_id": "DEMO-STALE-01", "patient_first_name": "Iris",
            "patient_last_name": "Vance", "date_of_birth": "1984-05-19",
            "inhibitor_screen_date": tested, "liver_tests_date": tested})
        self.stdout.write(f"{req.number}: {req.get_status_display()}, results not recent")

    def _demo_documentation_missing(self, user: User, cases: dict) -> None:
        """The approved case submitted without its two reports: every
        criterion met, pended for documentation_missing, the reviewer told
        which documents are missing."""
        req = self._submitted(user, {
            **cases["approved"], "member_id": "DEMO-NODOCS-01", "patient_first_name": "Owen",
            "patient_last_name": "Pryce", "date_of_birth": "1990-08-07"}, reports=False)
        self.stdout.write(f"{req.number}: {req.get_status_display()}, documentation missing")

    def _submitted(self, user: User, case: dict, *, reports: bool = True
                   ) -> AuthorizationRequest:
        req = request_create(by=user, htc=user.prescriber.htc)
        request_save_draft(by=user, req=req, answers=case, step="review")
        if reports:
            attach_demo_reports(user, req)
        return request_submit(by=user, req=req).request

    def _demo_conversation(self, user: User, cases: dict) -> None:
        """Two requests the reviewer asked about: one awaiting the prescriber's
        answer; one answered with a changed AAV5 titer (version 2 of the
        answers), back in the queue as a response to read, with a
        peer-to-peer discussion asked for."""
        reviewer = User.objects.get(username=REVIEWER[0])
        waiting = self._submitted(user, {
            **cases["pending_review"], "member_id": "DEMO-INFO-01",
            "patient_first_name": "Noor", "patient_last_name": "Haddad",
            "date_of_birth": "1992-02-14"})
        information_request(
            by=reviewer, req=waiting, criteria=["hepatitis_b"], document_kinds=["viral_tests"],
            message="Demo: the hepatitis B surface antigen is positive; send the HBV DNA "
                    "result and the hepatologist's note.")
        self.stdout.write(f"{waiting.number}: information requested, awaiting the prescriber")
        answered = self._submitted(user, {
            **cases["pending_review"], "member_id": "DEMO-RESP-01",
            "patient_first_name": "Felix", "patient_last_name": "Brandt",
            "date_of_birth": "1979-06-30"})
        information_request(
            by=reviewer, req=answered, criteria=["aav5_antibodies"],
            document_kinds=["aav5_antibody"],
            message="Demo: confirm the AAV5 titer with the CSL Behring assay report.")
        answered.refresh_from_db()
        answers_change(by=user, req=answered, step="aav5",
                       answers={**answered.answers, "aav5_nab_titer": 450})
        information_respond(by=user, req=answered,
                            note="Demo: the repeat assay gave 1:450; report attached.")
        soon = timezone.now().replace(minute=0, second=0, microsecond=0)
        peer_to_peer_request(
            by=user, req=answered, note="Demo: the hepatitis B history.",
            times=[soon + timedelta(days=2, hours=1), soon + timedelta(days=3, hours=2)])
        self.stdout.write(f"{answered.number}: answered with a changed titer, a response to "
                          "read, peer-to-peer asked for")

    def _demo_appeal(self, user: User, cases: dict) -> None:
        """A request denied by demo-reviewer and appealed: the appeals queue
        has one for demo-reviewer-2 to decide."""
        case = {**cases["pending_review"], "member_id": "DEMO-APPEAL-01",
                "patient_first_name": "Mara", "patient_last_name": "Lindqvist",
                "date_of_birth": "1988-09-03"}
        req = self._submitted(user, case)
        request_decide(by=User.objects.get(username=REVIEWER[0]), req=req,
                       approve=False, rationale="Demo: the criteria are not shown met.")
        appeal_file(by=user, req=req, expedited=False, representative=True,
                    statement="Demo: the enclosed records show the criteria met.")
        self.stdout.write(f"{req.number}: denied and appealed, for demo-reviewer-2 to decide")

    def _demo_treatment(self, user: User, today) -> None:
        """A request approved and infused a little over two years ago, with
        its follow-ups in every state: the first submitted, the second waived,
        the third overdue, the fourth (two years) due and the rest upcoming.
        Each step happens on its own day (the clock moved there, as the
        history's are): the request, its timeline and its letter say 2024,
        as its authorization and infusion do, not the day of the seeding."""
        infused_on = today - timedelta(days=745)
        approved_on = infused_on - timedelta(days=2)
        case = {**demo_cases(approved_on)["approved"], "member_id": "DEMO-TREATED-01",
                "patient_first_name": "Theo", "patient_last_name": "Marchetti"}
        with on_day(approved_on, 9):
            req = request_create(by=user, htc=user.prescriber.htc)
            request_save_draft(by=user, req=req, answers=case, step="review")
            attach_demo_reports(user, req)
            request_submit(by=user, req=req, as_of=approved_on)
            # Its letter issued that day too, as the worker would have issued it.
            for job in Delivery.objects.filter(request=req, done_at__isnull=True):
                delivery_run(job.pk)
        req.refresh_from_db()
        with on_day(infused_on, 15):
            infusion_record(by=user, auth=req.authorization, as_of=infused_on, data={
                "infused_on": infused_on, "lots": ["HGX-DEMO-0419"],
                "weight_kg": Decimal("72"), "dose_gc_per_kg": Decimal("2e13"),
                "site_name": case.get("site_of_care_name", ""),
                "site_npi": case.get("site_of_care_npi", ""), "baseline_treated_bleeds": 5,
                "baseline_factor_ix_product": "Recombinant factor IX", "full_dose": True})
        first, second = req.authorization.follow_ups.order_by("number")[:2]
        with on_day(first.due_on + timedelta(days=1), 11):
            followup_save(by=user, follow_up=first, submit=True, answers={
                "fix_activity": Decimal("36"), "fix_test_date": first.due_on.isoformat(),
                "bleeds_total": 1, "bleeds_treated": 0, "factor_ix_iu": 0,
                "inhibitor_tested": False, "prophylaxis": False, "alt_corticosteroids": False})
        reviewer = User.objects.get(username=REVIEWER[0])
        with on_day(second.due_on + timedelta(days=10), 14):
            followup_waive(by=reviewer, follow_up=second,
                           reason="Demo: assessment done at another center")
        self.stdout.write(f"{req.number}: infused {infused_on}, follow-ups in every state")


def on_day(day, hour: int):
    """The clock at `hour`:00 of a past `day` in the service's zone, for a
    demo step that happened then (as the history moves it)."""
    return travel(timezone.make_aware(datetime.combine(day, dt_time(hour)),
                                      zones.service_zone()))


def demo_report(title: str) -> SimpleUploadedFile:
    """A one-page blank PDF titled as a fictional report."""
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    writer.add_metadata({"/Title": f"Demo (fictional): {title}"})
    out = io.BytesIO()
    writer.write(out)
    return SimpleUploadedFile(f"demo-{title.replace(' ', '-').lower()}.pdf", out.getvalue(),
                              content_type="application/pdf")


def attach_demo_reports(user: User, req: AuthorizationRequest) -> None:
    """The documents the policy asks for (policy.REQUIRED_DOCUMENTS), so a
    demo request that meets every criterion is approved at once."""
    for doc in policy.REQUIRED_DOCUMENTS:
        document_add(by=user, req=req, upload=demo_report(doc.name), kind=doc.kind)


def demo_cases(day) -> dict:
    """The demo cases with "days:-30" read as 30 days before `day`."""
    cases = values.loads(DEMO_CASES.read_text(encoding="utf-8"))
    for case in cases.values():
        if isinstance(case, dict):
            case.update({k: (day + timedelta(days=int(v[5:]))).isoformat()
                         for k, v in case.items()
                         if isinstance(v, str) and v.startswith("days:")})
    return cases
