"""manage.py print_batch: one PDF, a cover sheet then every member's copy not
yet mailed and issued up to the date, each marked mailed on that date, in
exactly one batch; the request's timeline shows it, and the member's appeal
deadline counts from that mailing date."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from pypdf import PdfReader

from authorizations.appeals.services import appeal_deadline, denial_of
from authorizations.models import AuditEvent, MailedCopy, MailingBatch, MemberCopy
from authorizations.requests.services import request_decide
from authorizations.review.services import information_request
from authorizations.review.timeline import timeline
from tests.factories import approvable_case

pytestmark = pytest.mark.django_db


@pytest.mark.real_letters(copies=["member"])
def test_every_unmailed_copy_is_printed_once_and_marked_mailed(
        prescriber, reviewer, submit, tmp_path, read_pdf, keep_pdf, time_machine,
        django_capture_on_commit_callbacks):
    today = timezone.localdate()
    approved = submit(prescriber, approvable_case())
    pended = submit(prescriber, approvable_case(member_id="M-2", hbsag="positive"))
    to_deny = submit(prescriber, approvable_case(member_id="M-3", hbsag="positive"))
    # An information letter's member copy is rendered on first download: the
    # batch issues it rather than leave it out.
    information_request(by=reviewer, req=pended, criteria=["hepatitis_b"],
                        document_kinds=["viral_tests"], message="The HBV DNA result.")
    out = tmp_path / "batch.pdf"
    call_command("print_batch", "--date", today.isoformat(), "--out", str(out),
                 stdout=io.StringIO())

    batch = MailingBatch.objects.get()
    assert batch.mailed_on == today
    assert out.read_bytes() == bytes(batch.pdf)
    assert oct(out.stat().st_mode & 0o777) == "0o600"
    keep_pdf("print-batch", batch.pdf)
    copies = list(MemberCopy.objects.order_by("created_at", "id"))
    assert len(copies) == 4  # approval, two pended, information needed
    assert {m.member_copy_id for m in MailedCopy.objects.all()} == {c.pk for c in copies}
    reader = PdfReader(io.BytesIO(bytes(batch.pdf)))
    cover = reader.pages[0].extract_text()
    assert "Print batch: member letters mailed" in cover and "4 letters" in cover
    for req in (approved, pended):
        assert req.number in cover
    # Each copy whole, at the page the cover names.
    lengths = [len(PdfReader(io.BytesIO(bytes(c.pdf))).pages) for c in copies]
    assert len(reader.pages) == 1 + sum(lengths)
    first = [m.first_page for m in MailedCopy.objects.order_by("first_page")]
    assert first == [2 + sum(lengths[:n]) for n in range(4)]
    assert all("Member's copy" in reader.pages[page - 1].extract_text() for page in first)
    assert AuditEvent.objects.filter(action="mail_member_copy").count() == 4
    assert any(row["what"].startswith("Member's copy of a letter mailed (approval) on")
               for row in timeline(approved))

    # Nothing left: a second run mails nothing; a denial issued later goes in a
    # later batch, and the member's deadline counts from that batch's date.
    call_command("print_batch", "--date", today.isoformat(), "--out", str(out),
                 stdout=io.StringIO())
    assert MailingBatch.objects.count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        request_decide(by=reviewer, req=to_deny, approve=False, rationale="HBsAg positive.")
    denial = denial_of(to_deny)
    sent = appeal_deadline(denial)
    time_machine.move_to(timezone.now() + timedelta(days=3))
    later = today + timedelta(days=3)
    call_command("print_batch", "--date", later.isoformat(), "--out", str(out),
                 stdout=io.StringIO())
    second = MailingBatch.objects.latest("id")
    assert second.copies.count() == 1
    assert second.copies.get().member_copy.letter.determination == denial
    assert appeal_deadline(denial) == sent + timedelta(days=3) == later + timedelta(days=185)
    # The mailing is a fact: the database refuses to change it (migration 0015).
    with pytest.raises((IntegrityError, DatabaseError), match="append-only"), \
            transaction.atomic():
        MailedCopy.objects.update(first_page=1)
