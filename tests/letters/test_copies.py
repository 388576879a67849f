"""The member's copy: stored once beside each letter, append-only, and
downloadable by whoever may read the letter (`?copy=member`)."""

import hashlib

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from authorizations.letters import rendering as letters
from authorizations.models import AuditEvent, Letter, MemberCopy
from authorizations.review.services import information_request
from tests.factories import approvable_case, login

# Only the tests that read a copy's text render it with WeasyPrint.
pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(prescriber, submit):
    return submit(prescriber, approvable_case())


def member_url(req):
    return reverse("request_letter", args=[req.pk]) + "?copy=member"


@pytest.mark.real_letters(copies=["member"])
def test_each_letter_is_issued_with_its_member_copy(approved, read_pdf):
    letter = Letter.objects.get(determination__request=approved)
    copy = MemberCopy.objects.get(letter=letter)
    assert copy.sha256 == hashlib.sha256(bytes(copy.pdf)).hexdigest()
    assert bytes(copy.pdf) != bytes(letter.pdf)
    event = AuditEvent.objects.get(action="issue_letter")
    assert event.detail["member_copy"] == copy.pk
    assert "Member's copy" in read_pdf(copy.pdf)


def test_the_prescriber_downloads_the_member_copy(client, prescriber, approved):
    response = login(client, prescriber).get(member_url(approved))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert f'filename="{approved.number}-approval-member-copy.pdf"' in \
        response["Content-Disposition"]
    copy = MemberCopy.objects.get(letter__determination__request=approved)
    assert response.content == bytes(copy.pdf)
    event = AuditEvent.objects.get(action="download")
    assert event.detail == {"letter": copy.letter_id, "kind": "approval", "copy": "member"}


def test_the_reviewer_downloads_both_copies_from_the_admin(client, reviewer, approved):
    letter = Letter.objects.get(determination__request=approved)
    url = reverse("admin:authorizations_letter_pdf", args=[letter.pk])
    login(client, reviewer)
    assert client.get(url).content == bytes(letter.pdf)
    assert client.get(url + "?copy=member").content == bytes(letter.member_copy.pdf)


def test_the_request_page_links_both_copies(client, prescriber, approved):
    html = login(client, prescriber).get(reverse("request_detail", args=[approved.pk])) \
        .content.decode()
    assert "Download the letter (PDF)" in html
    assert f'href="{member_url(approved)}"' in html
    assert "Download the member's copy of the letter (PDF, for mailing)" in html


def test_strangers_get_404_for_the_member_copy(client, other_prescriber, approved):
    assert login(client, other_prescriber).get(member_url(approved)).status_code == 404
    assert not AuditEvent.objects.filter(action="download").exists()


def test_anonymous_is_sent_to_log_in_for_the_member_copy(client, approved):
    response = client.get(member_url(approved))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_an_unknown_copy_is_404(client, prescriber, approved):
    url = reverse("request_letter", args=[approved.pk]) + "?copy=neighbour"
    assert login(client, prescriber).get(url).status_code == 404


def test_a_letter_issued_before_member_copies_gets_one_on_download(client, prescriber, case,
                                                                   submit, monkeypatch):
    real = letters.render_pdf
    monkeypatch.setattr(letters, "render_pdf", lambda d: (_ for _ in ()).throw(OSError()))
    req = submit(prescriber, case)  # the decision stands; its letter failed to render
    monkeypatch.setattr(letters, "render_pdf", real)
    # The letter as one stood before member copies: a Letter row alone.
    determination = req.determinations.get()
    pdf = letters.render_pdf(determination)
    letter = Letter.objects.create(determination=determination, kind="approval", pdf=pdf,
                                   sha256=hashlib.sha256(pdf).hexdigest())
    response = login(client, prescriber).get(member_url(req))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")
    assert bytes(MemberCopy.objects.get(letter=letter).pdf) == response.content
    assert AuditEvent.objects.filter(action="issue_member_copy").count() == 1
    # Issued once: the second download serves the stored copy.
    assert login(client, prescriber).get(member_url(req)).content == response.content
    assert MemberCopy.objects.count() == 1


@pytest.mark.real_letters(kinds=["info"])
def test_the_information_letter_member_copy_is_stored_once(client, prescriber, reviewer,
                                                           submit, read_pdf):
    req = submit(prescriber, approvable_case(hbsag="positive"))
    ir = information_request(by=reviewer, req=req, criteria=["hepatitis_b"],
                             document_kinds=["viral_tests"], message="HBsAg report.")
    url = reverse("request_information_letter", args=[req.pk, ir.pk])
    login(client, prescriber)
    member = client.get(url + "?copy=member")
    assert member.status_code == 200
    assert f'{req.number}-information-needed-member-copy.pdf' in member["Content-Disposition"]
    assert "Member's copy" in read_pdf(member.content)
    assert client.get(url + "?copy=member").content == member.content
    assert MemberCopy.objects.get(information_request=ir).pdf == member.content
    assert "Prescriber's copy" in read_pdf(client.get(url).content)


def test_member_copies_are_append_only(approved):
    copy = MemberCopy.objects.get(letter__determination__request=approved)
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberCopy.objects.filter(pk=copy.pk).update(sha256="0" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        Letter.objects.filter(pk=copy.letter_id).update(sha256="0" * 64)  # 0004 still holds
    if connection.vendor == "postgresql":  # SQLite keeps DELETE for its test runs (0004)
        with pytest.raises(IntegrityError), transaction.atomic():
            MemberCopy.objects.filter(pk=copy.pk).delete()


def test_a_member_copy_belongs_to_exactly_one_letter(approved):
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberCopy.objects.create(pdf=b"%PDF", sha256="0" * 64)


def test_render_letters_fills_in_missing_member_copies(prescriber, case, submit, monkeypatch):
    import io

    from django.core.management import call_command

    monkeypatch.setattr(letters, "render_pdf", lambda d: (_ for _ in ()).throw(OSError()))
    req = submit(prescriber, case)
    determination = req.determinations.get()
    Letter.objects.create(determination=determination, kind="approval", pdf=b"%PDF-1.7 old",
                          sha256=hashlib.sha256(b"%PDF-1.7 old").hexdigest())
    out = io.StringIO()
    call_command("render_letters", stdout=out)
    assert "0 letter(s) rendered, 0 failed" in out.getvalue()
    assert "1 member's copy rendered" in out.getvalue()
    assert MemberCopy.objects.get().letter.determination == determination
    call_command("render_letters", stdout=out)
    assert MemberCopy.objects.count() == 1
