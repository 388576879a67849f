"""The services are the only writers (authorizations/services/).

Every save, delete and many-to-many change of any model is watched while a
whole journey runs: the wizard, a FHIR import, the letter, documents, the
conversation (expedite, peer-to-peer, a request for information), a
reviewer's decision and an appeal, the treatment (infusion, its correction,
follow-ups saved and waived), API tokens and the API, the admin's directory
and account pages, and the management commands. A write made while no
service runs (see core.audit.service) fails the test.

Signals do not see queryset.update() nor bulk_create(); the application uses
neither (tests may, to set up a case), but for the audit rows a service's
batched_audits() block writes at its end (core/audit.py), inside the service.
"""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.db.models.signals import m2m_changed, pre_delete, pre_save
from django.test import Client
from django.utils import timezone

from authorizations import fhir, policy
from authorizations.accounts.directory import htc_save
from authorizations.api.models import HTCAPIKey
from authorizations.core.actions import AuditAction
from authorizations.core.audit import running
from authorizations.models import (
    HTC,
    AuditEvent,
    AuthorizationRequest,
    Document,
    FollowUpStatus,
    Infusion,
    Letter,
    Status,
)
from authorizations.policy import values
from tests.cases import iso
from tests.factories import PrescriberFactory, approvable_case, login, make_reviewer
from tests.files import pdf_bytes, post_document
from tests.walker import Walker

pytestmark = pytest.mark.django_db

# Not application data, so written outside the services on purpose:
# - sessions: saved on every request (django.contrib.sessions, and its row
#   with the user's id, authorizations.UserSession: core/sessions.py);
# - axes: login attempts and lockouts (django-axes);
# - admin: the admin's own change history (LogEntry), beside our audit rows.
NOT_APP_DATA = {"sessions", "axes", "admin"}
NOT_APP_MODELS = {"authorizations.UserSession"}


def login_stamp(sender, update_fields) -> bool:
    """django.contrib.auth stamps last_login at each sign-in (update_last_login)."""
    return sender is User and update_fields is not None and set(update_fields) == {"last_login"}


class Watch:
    def __init__(self):
        self.outside: list[str] = []
        self.inside = 0

    def seen(self, what: str, sender, instance) -> None:
        if sender._meta.app_label in NOT_APP_DATA or sender._meta.label in NOT_APP_MODELS:
            return
        if running() is None:
            self.outside.append(f"{what} {sender._meta.label} pk={instance.pk}")
        else:
            self.inside += 1

    def on_save(self, sender, instance, update_fields=None, **kwargs):
        if not login_stamp(sender, update_fields):
            self.seen("save", sender, instance)

    def on_delete(self, sender, instance, **kwargs):
        self.seen("delete", sender, instance)

    def on_m2m(self, sender, instance, action, pk_set, **kwargs):
        # pre_add with an empty set adds nothing (the manager sends it anyway).
        if action.startswith("pre_") and (pk_set or action == "pre_clear"):
            self.seen(action[4:], sender, instance)


@contextmanager
def watching():
    watch = Watch()
    hooks = ((pre_save, watch.on_save), (pre_delete, watch.on_delete),
             (m2m_changed, watch.on_m2m))
    for signal, receiver in hooks:
        signal.connect(receiver, dispatch_uid=f"write-rule-{signal}")
    try:
        yield watch
    finally:
        for signal, _ in hooks:
            signal.disconnect(dispatch_uid=f"write-rule-{signal}")


def test_the_watch_catches_a_write_outside_the_services():
    group = Group.objects.create(name="Somebody's group")
    user = User.objects.create_user("bystander")
    with watching() as watch:
        HTC.objects.create(name="Around the services", city="Boise", state="ID")
        user.groups.add(group)
        htc_save(HTC(name="Through the services", city="Boise", state="ID"), by=None)
    assert [line.split(" pk=")[0] for line in watch.outside] == [
        "save authorizations.HTC", "add auth.User_groups"]
    assert watch.inside >= 2  # the HTC and its audit row


def admin_post(client: Client, url: str, data: dict) -> None:
    """Post an admin form; it must be accepted (a redirect), else say why."""
    response = client.post(url, data)
    if response.status_code != 302:
        context = response.context
        form = (context.get("adminform").form if context.get("adminform")
                else context.get("form")) if context else None
        pytest.fail(f"{url}: {response.status_code} {form.errors if form else ''}")


def test_a_whole_journey_writes_only_through_the_services(
        client, quick_letters, settings, monkeypatch, tmp_path):
    # Set-up that is Django's own, not the application's: a superuser.
    root = User.objects.create_superuser("root", "root@example.org", "x" * 20)

    with watching() as watch:
        prescriber = PrescriberFactory(user__username="journey-prescriber").user
        reviewer = make_reviewer(username="journey-reviewer")
        owner = login(client, prescriber)

        # The wizard, every step, then submit: approved at once. The letter is
        # not rendered on commit here (the test's transaction never commits),
        # so the download below issues it.
        walker = Walker(owner)
        walker.walk_to("review", approvable_case())
        walker.submit_step(approvable_case())
        approved = walker.request()
        assert approved.status == Status.APPROVED
        assert owner.get(f"/requests/{approved.pk}/letter.pdf").status_code == 200
        assert Letter.objects.filter(determination__request=approved).exists()

        # The infusion is recorded and the first follow-up saved as a draft.
        today = timezone.localdate()
        assert owner.post(f"/requests/{approved.pk}/infusion/", {
            "infused_on": today.isoformat(), "lots": "L1", "weight_kg": "72",
            "dose_gc_per_kg": "2e13", "site_name": "Site", "site_npi": "1234567893",
            "baseline_treated_bleeds": "2", "full_dose": "yes"}).status_code == 302
        assert owner.post(f"/requests/{approved.pk}/follow-ups/1/",
                          {"bleeds_total": "0", "save": "1"}).status_code == 302

        # A QuestionnaireResponse from the EHR becomes a draft.
        response_file = io.BytesIO(fhir.dumps(fhir.build_response(
            approvable_case(member_id="UHC-500"), version=policy.CURRENT,
            status="in-progress")).encode())
        response_file.name = "response.json"
        assert owner.post("/requests/import/", {"file": response_file}).status_code == 302

        # A second request pends; a third is a draft, discarded.
        walker = Walker(owner)
        pended_case = approvable_case(member_id="UHC-200", hbsag="positive")
        walker.walk_to("review", pended_case)
        walker.submit_step(pended_case)
        pended = walker.request()
        assert pended.status == Status.PENDING_REVIEW
        # The prescriber adds a document, asks for an expedited review and
        # for a peer-to-peer discussion.
        assert post_document(owner, pended, "hbsag.pdf", pdf_bytes(),
                             kind="viral_tests").status_code == 302
        assert Document.objects.filter(request=pended).exists()
        assert owner.post(f"/requests/{pended.pk}/expedite/",
                          {"reason": "Bleeding weekly."}).status_code == 302
        when = timezone.localtime(timezone.now() + timedelta(days=2)).replace(
            second=0, microsecond=0)
        assert owner.post(f"/requests/{pended.pk}/peer-to-peer/",
                          {"time_1": when.strftime("%Y-%m-%dT%H:%M")}).status_code == 302
        walker = Walker(owner)
        walker.walk_to("diagnosis", approvable_case(member_id="UHC-300"))
        draft = walker.request()
        assert post_document(owner, draft, "labs.pdf", pdf_bytes()).status_code == 302
        assert owner.post(f"/requests/{draft.pk}/documents/{draft.documents.get().pk}/remove/",
                          {"confirm": "yes"}).status_code == 302
        assert not draft.documents.exists()
        assert owner.post(f"/requests/{walker.pk}/discard/", {"confirm": "yes"}).status_code \
            == 302

        # The reviewer reads and denies it in the admin.
        admin = login(Client(), reviewer)
        change = f"/admin/authorizations/authorizationrequest/{pended.pk}/"
        assert admin.get(f"{change}change/").status_code == 200
        # It schedules the discussion and records it held.
        admin.post(f"{change}peer-to-peer/", {"action": "schedule",
                                              "scheduled_at": when.isoformat()})
        # (Recorded as held an hour ago: a held time may not be later than now.)
        held = timezone.localtime() - timedelta(hours=1)
        admin.post(f"{change}peer-to-peer/", {
            "action": "record", "held_at": held.strftime("%Y-%m-%dT%H:%M"),
            "outcome": "information", "notes": "The viral tests will follow."})
        assert pended.peer_to_peers.get().held_at is not None
        # It asks the prescriber for information; the prescriber responds.
        admin_post(admin, f"{change}information/", {
            "criteria": pended.unmet, "document_kinds": ["viral_tests"],
            "message": "The viral tests report.", "due_at": "2099-01-01T12:00"})
        assert owner.post(f"/requests/{pended.pk}/respond/",
                          {"note": "Attached."}).status_code == 302
        admin_post(admin, f"{change}decide/",
                   {"decision": "deny", "rationale": "HBsAg positive.",
                    "reasons": pended.unmet, "confirm": "yes"})
        pended.refresh_from_db()
        assert pended.status == Status.DENIED
        # The prescriber appeals; a second reviewer upholds the denial.
        assert owner.post(f"/requests/{pended.pk}/appeal/", {
            "statement": "The repeat test is negative.", "representative": "on"}
        ).status_code == 302
        appeal = pended.appeals.get()
        admin_post(login(Client(), make_reviewer(username="journey-reviewer-2")),
                   f"/admin/authorizations/appeal/{appeal.pk}/decide/",
                   {"decision": "uphold", "rationale": "Still positive.",
                    "reasons": pended.unmet, "confirm": "yes"})
        appeal.refresh_from_db()
        assert appeal.outcome == "upheld"

        # The reviewer corrects the approved request's infusion record and
        # waives its second follow-up.
        treated = f"/admin/authorizations/authorizationrequest/{approved.pk}/"
        admin_post(admin, f"{treated}infusion/correct/", {
            "infused_on": today.isoformat(), "lots": "L2", "weight_kg": "72",
            "dose_gc_per_kg": "2e13", "site_name": "Site", "site_npi": "1234567893",
            "baseline_treated_bleeds": "2", "full_dose": "yes", "reason": "Lot typo"})
        assert Infusion.objects.get(authorization=approved.authorization, version=2).lots == ["L2"]
        admin.post(f"{treated}follow-ups/2/waive/", {"reason": "Seen at another center"})
        assert approved.authorization.follow_ups.get(number=2).status == FollowUpStatus.WAIVED

        # A superuser edits an HTC, moves the prescriber to it, and changes
        # the reviewer's groups and password, in the admin.
        superuser = login(Client(), root)
        # An API token for the prescriber's HTC, shown once; the EHR posts a
        # QuestionnaireResponse with it; the token is revoked.
        shown = superuser.post("/admin/authorizations_api/htcapikey/add/", {
            "name": "Journey EHR", "htc": prescriber.prescriber.htc_id}, follow=True)
        token = next(str(m) for m in shown.context["messages"] if " is: " in str(m)
                     ).split(" is: ")[1].split(" ")[0]
        assert Client().post(
            "/api/v1/questionnaire-responses?prescriber=journey-prescriber",
            fhir.dumps(fhir.build_response(approvable_case(member_id="UHC-600"),
                                           version=policy.CURRENT, status="completed")),
            content_type="application/fhir+json", HTTP_AUTHORIZATION=f"Api-Key {token}",
        ).status_code == 201
        key = HTCAPIKey.objects.get()
        superuser.post("/admin/authorizations_api/htcapikey/",
                       {"action": "revoke", "_selected_action": [key.pk]})
        key.refresh_from_db()
        assert key.revoked
        htc = HTC.objects.exclude(pk=prescriber.prescriber.htc_id).first()
        admin_post(superuser, f"/admin/authorizations/htc/{htc.pk}/change/", {
            "name": htc.name, "city": htc.city, "state": htc.state,
            "federally_designated": "on", "region": "Region V", "source_url": htc.source_url})
        profile = prescriber.prescriber
        old_htc = profile.htc_id
        admin_post(superuser, f"/admin/authorizations/prescriberprofile/{profile.pk}/change/", {
            "user": prescriber.pk, "htc": htc.pk, "bleeding_disorder_specialist": "on",
            "credentials": "DO", "npi": "1234567893"})
        admin_post(superuser, f"/admin/auth/user/{reviewer.pk}/change/", {
            "username": reviewer.username, "first_name": "Rita", "last_name": "Reviewer",
            "email": "", "is_active": "on", "is_staff": "on", "groups": [],
            "user_permissions": [], "date_joined_0": iso(0),
            "date_joined_1": "09:00:00", "last_login_0": "", "last_login_1": ""})
        assert not reviewer.groups.exists()
        admin_post(superuser, f"/admin/auth/user/{reviewer.pk}/password/", {
            "password1": "A-new-long-passphrase-42", "password2": "A-new-long-passphrase-42",
            "usable_password": "true"})

        # The commands.
        csv = tmp_path / "htcs.csv"
        csv.write_text("name,city,state,designated\nNew Center,Boise,ID,yes\n")
        call_command("import_htcs", stdout=io.StringIO())
        call_command("import_htcs", str(csv), stdout=io.StringIO())
        settings.DEMO = True
        monkeypatch.setenv("DEMO_PASSWORD", "a-long-demo-password-1")
        call_command("seed_demo", stdout=io.StringIO())
        case = tmp_path / "case.json"
        case.write_text(values.dumps(approvable_case(member_id="UHC-400")))
        call_command("evaluate", str(case), "--as-of", iso(0), stdout=io.StringIO())
        call_command("expire_authorizations", "--as-of", "2030-01-01", stdout=io.StringIO())
        call_command("send_followup_reminders", "--as-of", "2030-01-01", stdout=io.StringIO())
        out = io.StringIO()
        call_command("render_letters", stdout=out)
        assert "0 failed" in out.getvalue()

    assert watch.outside == [], "written outside the services:\n" + "\n".join(watch.outside)
    assert watch.inside > 0

    # What the services audited along the way: ids and field names only.
    def audited(action, obj, by=root):
        return [event.detail for event in AuditEvent.objects.filter(
            action=action, object_type=type(obj).__name__, object_id=str(obj.pk),
            actor_id=getattr(by, "pk", None))]

    assert [set(detail) for detail in audited("issue_letter", approved, by=prescriber)] == [
        {"determination", "letter", "kind", "member_copy"}]
    assert audited("update", htc) == [{"fields": ["region"]}]
    # A prescriber's HTC decides which patients they see: both ids are kept.
    assert audited("update", profile) == [{"fields": ["credentials", "htc", "npi"],
                                           "htc": [old_htc, htc.pk]}]
    assert audited("memberships", reviewer)[0]["groups_removed"]
    assert {"fields": ["password"]} in audited("update", reviewer)
    assert AuthorizationRequest.objects.filter(prescriber__username="demo-prescriber").exists()
    # Each step of the journey went through its service, which audited it.
    journey = {AuditAction.DOCUMENT_ADD, AuditAction.DOCUMENT_REMOVE, AuditAction.EXPEDITE,
               AuditAction.REQUEST_PEER_TO_PEER, AuditAction.SCHEDULE_PEER_TO_PEER,
               AuditAction.RECORD_PEER_TO_PEER, AuditAction.CORRECT_INFUSION,
               AuditAction.WAIVE_FOLLOW_UP, AuditAction.FHIR_IMPORT,
               AuditAction.API_KEY_CREATE, AuditAction.API_KEY_REVOKE}
    assert journey <= set(AuditEvent.objects.values_list("action", flat=True))
    assert AuditEvent.objects.filter(action=AuditAction.FHIR_IMPORT).count() == 2
