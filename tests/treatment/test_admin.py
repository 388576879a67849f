"""The reviewer's side: the request page shows the treatment; cancel, correct
and waive post to their admin URLs and write through the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from authorizations.models import AuthorizationStatus, FollowUp, FollowUpStatus, Infusion
from authorizations.treatment.services import followup_save, infusion_record
from tests.cases import days, iso, long_date
from tests.factories import login
from tests.treatment.helpers import infusion_data, today

pytestmark = pytest.mark.django_db


def correction(**changes):
    """The correction form as a reviewer posts it: the current values
    (infusion_data's) with `changes`."""
    data = {"infused_on": f"{today():%m/%d/%Y}", "lots": "L123, L124", "weight_kg": "72",
            "dose_gc_per_kg": "2 x 10^13", "site_name": "Lakeside Infusion Center",
            "site_npi": "1234567893", "baseline_treated_bleeds": "4",
            "baseline_factor_ix_product": "rFIX", "full_dose": "yes", "percent_given": "",
            "partial_reason": "", "reason": "Transcription error"}
    data.update(changes)
    return data


def admin_url(name, *args):
    return reverse(f"admin:authorizations_authorizationrequest_{name}", args=args)


def test_reviewer_cancels_from_the_request_page(approve, reviewer, client):
    req = approve("ADM-1")
    login(client, reviewer)
    page = client.get(admin_url("change", req.pk)).content.decode()
    assert "Cancel this authorization" in page
    client.post(admin_url("cancel", req.pk), {"reason": ""})
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.ACTIVE
    client.post(admin_url("cancel", req.pk), {"reason": "Duplicate member record"})
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.CANCELLED


def test_reviewer_sees_infusion_and_waives_and_corrects(infused, reviewer, client):
    req = infused("ADM-2")
    login(client, reviewer)
    page = client.get(admin_url("change", req.pk)).content.decode()
    assert "L123, L124" in page and "Upcoming" in page
    client.post(admin_url("waive", req.pk, 2), {"reason": "Moved abroad"})
    assert FollowUp.objects.get(number=2).status == FollowUpStatus.WAIVED
    client.post(admin_url("correct", req.pk), correction(lots="L777", reason="Lot typo"))
    assert Infusion.objects.count() == 2
    assert Infusion.objects.get(version=2).lots == ["L777"]
    listing = client.get(reverse("admin:authorizations_followup_changelist") +
                         "?state=waived").content.decode()
    assert "Follow-up 2 of" in listing and "Follow-up 1 of" not in listing


def test_follow_up_list_puts_overdue_first(infused, reviewer, client, monkeypatch):
    from authorizations.treatment import selectors as treatment_selectors

    infused("ADM-3")
    last = FollowUp.objects.order_by("-number").first()
    monkeypatch.setattr(treatment_selectors, "today",
                        lambda: FollowUp.objects.get(number=3).due_on + timedelta(days=61))
    page = login(client, reviewer).get(
        reverse("admin:authorizations_followup_changelist")).content.decode()
    assert page.index("Follow-up 1 of") < page.index("Follow-up 4 of") < \
        page.index(f"Follow-up {last.number} of")
    assert "Overdue" in page and today()


def test_prescribers_cannot_post_to_the_admin(approve, prescriber, client):
    req = approve("ADM-4")
    login(client, prescriber).post(admin_url("cancel", req.pk), {"reason": "x"})
    req.authorization.refresh_from_db()
    assert req.authorization.status == AuthorizationStatus.ACTIVE


def test_correction_covers_every_field_as_a_new_version(approve, prescriber, reviewer, client):
    req = approve("ADM-5", as_of=today() - timedelta(days=5))
    infusion_record(by=prescriber, auth=req.authorization,
                    data=infusion_data(today() - timedelta(days=3)))
    login(client, reviewer)
    form = client.get(admin_url("correct", req.pk)).content.decode()
    day = today() - timedelta(days=3)
    # The form starts from the current version.
    for shown in (f"{day:%m/%d/%Y}", "L123, L124", "Lakeside Infusion Center", "1234567893",
                  "rFIX", "2 × 10¹³"):
        assert shown in form
    new_day = today() - timedelta(days=4)
    response = client.post(admin_url("correct", req.pk), correction(
        infused_on=f"{new_day:%m/%d/%Y}", lots="L9, L10", weight_kg="80.5",
        dose_gc_per_kg="1.8e13", site_name="Riverside Clinic", site_npi="1245319599",
        baseline_treated_bleeds="6", baseline_factor_ix_product="pdFIX", full_dose="no",
        percent_given="60", partial_reason="Infusion reaction", reason="Wrong chart"))
    assert response.status_code == 302
    old, new = Infusion.objects.filter(authorization=req.authorization).order_by("version")
    assert (new.version, new.supersedes, new.correction_reason) == (2, old, "Wrong chart")
    assert (new.infused_on, new.lots, new.weight_kg, new.dose_gc_per_kg) == (
        new_day, ["L9", "L10"], Decimal("80.5"), Decimal("1.8e13"))
    assert (new.site_name, new.site_npi, new.baseline_treated_bleeds,
            new.baseline_factor_ix_product) == ("Riverside Clinic", "1245319599", 6, "pdFIX")
    assert (new.full_dose, new.fraction_given, new.partial_reason) == (
        False, Decimal("0.6"), "Infusion reaction")
    # The old version stays as it was.
    assert (old.infused_on, old.lots, old.full_dose) == (day, ["L123", "L124"], True)
    page = client.get(admin_url("change", req.pk)).content.decode()
    assert "Versions of the infusion record" in page and "Wrong chart" in page
    assert "L9, L10" in page and "L123, L124" in page


@pytest.mark.parametrize("changes,message", [
    ({"full_dose": "no"}, "Enter the share of the dose given in percent"),
    ({"lots": " , "}, "Enter the lot number"),
    ({"weight_kg": "heavy"}, "weight on the day of infusion"),
    ({"site_npi": "123"}, "NPI"),
    ({"infused_on": "01/01/2020"}, "within the authorization window"),
    ({"reason": ""}, "Enter the reason for the correction"),
])
def test_correction_is_checked_like_the_prescribers_form(infused, reviewer, client, changes,
                                                         message):
    req = infused("ADM-6")
    response = login(client, reviewer).post(admin_url("correct", req.pk),
                                            correction(**{"lots": "L555, L556", **changes}))
    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    if "lots" not in changes:
        assert 'value="L555, L556"' in page  # nothing typed is lost
    assert Infusion.objects.filter(authorization=req.authorization).count() == 1


def test_prescribers_cannot_open_the_correction(infused, prescriber, client):
    req = infused("ADM-7")
    response = login(client, prescriber).get(admin_url("correct", req.pk))
    assert response.status_code in (302, 403)
    assert Infusion.objects.count() == 1


def test_follow_up_change_page_shows_the_assessment_labelled(infused, prescriber, reviewer,
                                                             client):
    fu = infused("ADM-8").authorization.follow_ups.get(number=1)
    followup_save(by=prescriber, follow_up=fu, submit=True, answers={
        "fix_activity": "<1", "fix_test_date": iso(155), "bleeds_total": 2,
        "bleeds_treated": 1, "factor_ix_iu": 3000, "inhibitor_tested": False,
        "prophylaxis": False, "alt_corticosteroids": True})
    page = login(client, reviewer).get(reverse("admin:authorizations_followup_change",
                                               args=[fu.pk])).content.decode()
    assert "<dt>Factor IX activity (% of normal)</dt><dd>&lt;1</dd>" in page
    assert f"<dt>Date of the factor IX activity test</dt><dd>{long_date(days(155))}</dd>" in page
    assert "<dt>ALT elevation needing corticosteroids?</dt><dd>Yes</dd>" in page


def test_correction_without_an_infusion_says_so(approve, reviewer, client):
    req = approve("ADM-9")
    response = login(client, reviewer).get(admin_url("correct", req.pk), follow=True)
    assert "Nothing can be corrected: no infusion is recorded." in response.content.decode()
    assert response.redirect_chain[-1][0] == admin_url("change", req.pk)
