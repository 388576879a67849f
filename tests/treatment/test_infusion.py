"""The infusion record: once, inside the window, by the request's HTC; it
makes the authorization administered and creates the schedule; a reviewer
corrects it as a new version."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from authorizations.core.deadlines import follow_up_dates
from authorizations.models import (
    AuditEvent,
    AuthorizationStatus,
    Determination,
    FollowUp,
    Infusion,
)
from authorizations.treatment.services import TreatmentError, infusion_correct, infusion_record
from tests.factories import login
from tests.treatment.helpers import infusion_data, today

pytestmark = pytest.mark.django_db


def post_data(day, **changes):
    data = {"infused_on": f"{day:%m/%d/%Y}", "lots": "L123, L124", "weight_kg": "72",
            "dose_gc_per_kg": "2 x 10^13", "site_name": "Lakeside Infusion Center",
            "site_npi": "1234567893", "baseline_treated_bleeds": "4",
            "baseline_factor_ix_product": "rFIX", "full_dose": "yes"}
    data.update(changes)
    return data


def test_recording_administers_and_schedules(approve, prescriber, client):
    req = approve("INF-1")
    url = reverse("infusion", args=[req.pk])
    page = login(client, prescriber).get(url).content.decode()
    assert "Lakeside" not in page or 'value="' in page  # prefilled from the answers
    response = client.post(url, post_data(today(), dose_gc_per_kg="2e13"))
    assert response.status_code == 302, response.content.decode()[:3000]
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.ADMINISTERED
    infusion = Infusion.objects.get(authorization=req.authorization)
    assert infusion.lots == ["L123", "L124"] and infusion.dose_gc_per_kg == 2 * 10**13
    assert [f.due_on for f in FollowUp.objects.filter(authorization=req.authorization)] == \
        follow_up_dates(today())
    assert AuditEvent.objects.filter(action="record_infusion").exists()
    assert AuditEvent.objects.filter(action="administer").exists()
    shown = client.get(url).content.decode()
    assert "1.44 x 10^15" in shown or "1.44" in shown  # 72 kg x 2e13
    assert "144 mL" in shown and ">15<" in shown


def test_the_site_of_care_is_prefilled(approve, prescriber, client):
    req = approve("INF-2")
    page = login(client, prescriber).get(reverse("infusion", args=[req.pk])).content.decode()
    assert req.answers["site_of_care_name"] in page


def test_outside_the_window_is_refused_naming_the_field(approve, prescriber, client):
    req = approve("INF-3", as_of=today() - timedelta(days=20))
    before = req.authorization.start_date - timedelta(days=1)
    response = login(client, prescriber).post(reverse("infusion", args=[req.pk]),
                                              post_data(before, lots="KEEP-ME"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "The infusion date must be within the authorization window" in page
    assert 'href="#infusion-infused_on"' in page and "KEEP-ME" in page
    with pytest.raises(TreatmentError) as exc:
        infusion_record(by=prescriber, auth=req.authorization,
                        data=infusion_data(before))
    assert exc.value.field == "infused_on"
    future = today() + timedelta(days=1)
    with pytest.raises(TreatmentError, match="today or in the past"):
        infusion_record(by=prescriber, auth=req.authorization,
                        data=infusion_data(future))
    assert not Infusion.objects.exists()


def test_a_second_record_is_refused(infused, prescriber, client):
    req = infused("INF-4")
    with pytest.raises(TreatmentError, match="already recorded"):
        infusion_record(by=prescriber, auth=req.authorization,
                        data=infusion_data(today()))
    response = login(client, prescriber).post(reverse("infusion", args=[req.pk]),
                                              post_data(today()), follow=True)
    assert "can be recorded only once" in response.content.decode()
    assert Infusion.objects.count() == 1


def test_another_htc_gets_404(approve, other_prescriber, client):
    req = approve("INF-5")
    login(client, other_prescriber)
    for name in ("infusion", "follow_ups", "authorization_cancel"):
        assert client.get(reverse(name, args=[req.pk])).status_code == 404
        assert client.post(reverse(name, args=[req.pk]), post_data(today())).status_code == 404
    assert not Infusion.objects.exists()


def test_partial_dose_needs_share_and_reason(approve, prescriber, client):
    req = approve("INF-6")
    response = login(client, prescriber).post(reverse("infusion", args=[req.pk]),
                                              post_data(today(), full_dose="no"))
    page = response.content.decode()
    assert "Enter the share of the dose given in percent" in page
    assert "Enter why the full dose was not given" in page
    response = client.post(reverse("infusion", args=[req.pk]),
                           post_data(today(), full_dose="no", percent_given="60",
                                     partial_reason="Infusion reaction"))
    assert response.status_code == 302
    assert Infusion.objects.get().fraction_given == Decimal("0.6")


def test_expired_authorization_takes_no_infusion(approve, prescriber):
    req = approve("INF-7", as_of=today() - timedelta(days=60))
    with pytest.raises(TreatmentError, match="expired"):
        infusion_record(by=prescriber, auth=req.authorization,
                        data=infusion_data(req.authorization.end_date))


def test_a_reviewer_corrects_as_a_new_version(approve, prescriber, reviewer):
    req = approve("INF-8", as_of=today() - timedelta(days=5))
    first = infusion_record(by=prescriber, auth=req.authorization,
                            data=infusion_data(today() - timedelta(days=3)))
    with pytest.raises(TreatmentError, match="clinical reviewer"):
        infusion_correct(by=prescriber, infusion=first, data={"lots": ["X"]},
                         reason="typo")
    new_day = today() - timedelta(days=4)
    second = infusion_correct(by=reviewer, infusion=first,
                              data={"lots": ["L999"], "infused_on": new_day},
                              reason="Lot typo")
    assert second.version == 2 and second.supersedes == first and second.lots == ["L999"]
    first.refresh_from_db()
    assert first.lots == ["L123", "L124"]  # kept
    assert FollowUp.objects.get(authorization=req.authorization, number=1).due_on == \
        follow_up_dates(new_day)[0]
    with pytest.raises(TreatmentError, match="latest"):
        infusion_correct(by=reviewer, infusion=first, data={}, reason="again")
    assert Determination.objects.filter(request=req).count() == 1
