"""`seed_demo --history YEARS`: a synthetic history of requests, decisions,
appeals, infusions and follow-ups, so the operations and outcomes pages show
figures instead of "fewer than 11". A leading underscore: Django does not
take this module for a command.

Every write goes through the services, each with its audit row; the clock is
moved with time_machine to the moment each step happened (submission, the
reviewer's decision, the appeal, the infusion, each follow-up), so the
requests' and the audit rows' times are the history's. Seeded random: the
same YEARS and --size give the same history.

Shape (SIZE, default 12, the least count a figure is built from):
- a launch wave, YEARS years and a little more ago: 7 x SIZE patients waiting
  for the therapy, approved at once and infused, followed every six months
  since (so each time point to 12 x YEARS months has results). Their factor
  IX results fall in six groups of SIZE each, so every cell of the outcomes
  table has its figure: one-stage and chromogenic results, one-stage and
  chromogenic results below the limit ("<1"; these patients are back on
  prophylaxis), results taken soon after a factor IX dose (left out) and
  results without an assay (left out); a seventh group's odd follow-ups are
  waived.
- then each year (365 days back from today, YEARS of them): SIZE requests
  approved at once, SIZE approved after review (pended for a result not
  recent), one approved under an exception (two keys), SIZE denied and
  overturned on appeal (under two keys), and SIZE denied (a third of them
  appealed and upheld); every third request expedited. The approved are
  infused and followed.
These counts are chosen to fill every cell, not to model a payer's volume or
the trial's results.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import time_machine
from django.contrib.auth.models import User
from django.core.management.base import OutputWrapper
from django.utils import timezone

from authorizations import policy
from authorizations.accounts.services import user_create_prescriber
from authorizations.appeals.services import appeal_decide, appeal_file
from authorizations.core import deadlines, zones
from authorizations.members.roster_csv import Row
from authorizations.members.services import member_import
from authorizations.models import HTC, AuthorizationRequest, FollowUp
from authorizations.policy.values import LabValue
from authorizations.requests.services import (
    request_create,
    request_decide,
    request_save_draft,
    request_submit,
)
from authorizations.review.desk_services import exception_ask, exception_sign
from authorizations.treatment.services import followup_save, followup_waive, infusion_record

FIRST = ("Aaron", "Bea", "Caleb", "Dmitri", "Elias", "Farid", "Gus", "Hiro", "Ivan", "Jonah",
         "Kofi", "Luis", "Mateo", "Nikhil", "Omar", "Pavel", "Quentin", "Rafael", "Silas",
         "Tariq", "Umar", "Victor", "Wade", "Xavier", "Yusuf", "Zane")
LAST = ("Abbott", "Bergstrom", "Castillo", "Diallo", "Eriksen", "Fontaine", "Gallagher",
        "Haddad", "Ibarra", "Jablonski", "Kowalczyk", "Lindgren", "Moreau", "Nakamura",
        "Okonkwo", "Petrov", "Quintero", "Rasmussen", "Sandoval", "Takahashi", "Uribe",
        "Valdez", "Whitaker", "Yilmaz", "Zielinski")
PLANS = ("employer_erisa", "employer_erisa", "employer_non_erisa", "individual_exchange")
PRESCRIBERS = 6
# The launch wave's groups of factor IX results (see the module).
ONE_STAGE, CHROMOGENIC, ONE_STAGE_BELOW, CHROMOGENIC_BELOW, AFTER_DOSE, NO_ASSAY, WAIVED = (
    "one_stage", "chromogenic", "one_stage_below", "chromogenic_below", "after_dose",
    "no_assay", "waived")
WAVE_GROUPS = (ONE_STAGE, CHROMOGENIC, ONE_STAGE_BELOW, CHROMOGENIC_BELOW, AFTER_DOSE,
               NO_ASSAY, WAIVED)



def travel(moment: datetime):
    """The clock moved to a past `moment` for the steps written then (the
    services stamp their rows with it). Never past today: the history ends
    where the demo's present begins."""
    return time_machine.travel(min(moment, timezone.now() - timedelta(minutes=1)), tick=False)

@dataclass
class Plan:
    """One request of the history and what happens to it."""

    number: int
    submitted_at: datetime
    path: str  # at_once, review, exception, overturn, upheld, denied
    expedited: bool
    group: str  # the factor IX group of its follow-ups


class History:
    def __init__(self, *, years: int, size: int, reviewers: list[User],
                 cases: Callable[[date], dict], attach: Callable[[User, AuthorizationRequest],
                                                                  None],
                 stdout: OutputWrapper) -> None:
        """`cases`: seed_demo's demo cases for a day; `attach`: its reports."""
        self.years, self.size, self.stdout = years, size, stdout
        self.demo_case = lambda day: cases(day)["approved"]
        self.attach = attach
        self.rng = random.Random(f"hemgenix-history-{years}-{size}")
        self.first, self.second, self.third = reviewers
        self.today = zones.today()
        self.tz = zones.service_zone()

    # -- the clock ----------------------------------------------------------

    def at(self, day: date, hour: int | None = None) -> datetime:
        """A working-hours moment of `day` in the service's zone."""
        hour = self.rng.randint(8, 16) if hour is None else hour
        return timezone.make_aware(datetime.combine(day, time(hour, self.rng.randint(0, 59))),
                                   self.tz)

    def travel(self, moment: datetime):
        return travel(moment)

    # -- the plans ----------------------------------------------------------

    def plans(self) -> list[Plan]:
        s, rng, plans = self.size, self.rng, []
        wave_start = self.today - timedelta(days=365 * self.years + 100)
        for i, group in enumerate(g for g in WAVE_GROUPS for _ in range(s)):
            day = wave_start + timedelta(days=rng.randint(0, 45))
            plans.append(Plan(i, self.at(day), "at_once", i % 3 == 0, group))
        paths = (["at_once"] * s + ["review"] * s + ["exception"] + ["overturn"] * s
                 + ["upheld"] * (s // 3) + ["denied"] * (s - s // 3))
        for year in range(self.years):
            start = self.today - timedelta(days=365 * (self.years - year))
            for k, path in enumerate(paths):
                # The last year's requests leave time for their appeals.
                day = start + timedelta(days=rng.randint(0, 290))
                group = rng.choices((ONE_STAGE, CHROMOGENIC, AFTER_DOSE, NO_ASSAY, WAIVED),
                                    (45, 35, 8, 6, 6))[0]
                plans.append(Plan(len(plans), self.at(day), path, k % 3 == 0, group))
        return plans

    # -- accounts and the roster ----------------------------------------------

    def prescribers(self) -> list[User]:
        htcs = list(HTC.objects.filter(federally_designated=True)
                    .order_by("state", "city", "name")[2:2 + PRESCRIBERS]) or \
            list(HTC.objects.filter(federally_designated=True)[:1])
        return [user_create_prescriber(
            by=None, username=f"history-prescriber-{i + 1}", password=None, htc=htc,
            first_name=FIRST[i], last_name=LAST[-1 - i], credentials="MD",
            bleeding_disorder_specialist=True) for i, htc in enumerate(htcs)]

    def member(self, plan: Plan) -> dict:
        rng = random.Random(f"member-{plan.number}")
        born = date(1950, 1, 1) + timedelta(days=rng.randint(0, 365 * 50))
        born = min(born, plan.submitted_at.date() - timedelta(days=365 * 19))
        return {"member_id": f"HIST-{plan.number + 1:07d}", "first": rng.choice(FIRST),
                "last": rng.choice(LAST), "born": born, "plan": rng.choice(PLANS)}

    def roster(self, plans: list[Plan]) -> None:
        rows = []
        for plan in plans:
            m = self.member(plan)
            rows.append(Row(member_id=m["member_id"], member_key=policy.member_key(
                m["member_id"]), first_name=m["first"], last_name=m["last"],
                date_of_birth=m["born"], plan_type=m["plan"], state="MN", language="en",
                address_line1=f"{100 + plan.number} Demo Street", address_line2="",
                city="Minneapolis", postal_code="55401"))
        member_import(rows, by=None)

    # -- one request's life -------------------------------------------------

    def case(self, plan: Plan, day: date) -> dict:
        from_demo = self.demo_case(day)
        m = self.member(plan)
        case = {**from_demo, "member_id": m["member_id"], "patient_first_name": m["first"],
                "patient_last_name": m["last"], "date_of_birth": m["born"].isoformat(),
                "weight_kg": self.rng.randint(58, 104)}
        if plan.path == "review":
            # Every criterion met; pended for an inhibitor screen 45 days old.
            case["inhibitor_screen_date"] = (day - timedelta(days=45)).isoformat()
        elif plan.path == "exception":
            case["hbsag"] = "positive"  # an "unproven" exclusion, excepted under two keys
        elif plan.path in ("overturn", "upheld", "denied"):
            case["attest_alcohol_counseling"] = False
        return case

    def request(self, plan: Plan, prescriber: User) -> AuthorizationRequest | None:
        """Submitted and decided as the plan says; the request if approved."""
        day = zones.service_date(plan.submitted_at)
        with self.travel(plan.submitted_at - timedelta(hours=self.rng.randint(1, 30))):
            req = request_create(by=prescriber, htc=prescriber.prescriber.htc)
            request_save_draft(by=prescriber, req=req, answers=self.case(plan, day),
                               step="review", expedited=plan.expedited,
                               expedited_reason="Surgery planned" if plan.expedited else "")
            self.attach(prescriber, req)
        with self.travel(plan.submitted_at):
            req = request_submit(by=prescriber, req=req).request
        if plan.path == "at_once":
            return req
        hours = self.rng.randint(2, 60) if plan.expedited else self.rng.randint(6, 300)
        if self.rng.random() < 0.06:  # now and then, past the clock
            hours = int(deadlines.turnaround(expedited=plan.expedited).total_seconds()
                        // 3600) + self.rng.randint(2, 30)
        decided = plan.submitted_at + timedelta(hours=hours)
        with self.travel(decided):
            if plan.path == "review":
                request_decide(by=self.first, req=req, approve=True,
                               rationale="The repeat inhibitor screen is negative; history "
                                         "reviewed.")
            elif plan.path == "exception":
                exc = exception_ask(by=self.first, req=req, reason="records_show_met",
                                    rationale="The repeat HBsAg is negative; the first was a "
                                              "lab error.")
        if plan.path == "exception":
            with self.travel(decided + timedelta(hours=self.rng.randint(2, 20))):
                exception_sign(by=self.second, exception=exc)
        if plan.path in ("review", "exception"):
            return req
        with self.travel(decided):
            request_decide(by=self.first, req=req, approve=False, rationale="Counseling on "
                           "alcohol is not documented.")
        if plan.path == "denied":
            return None
        filed = decided + timedelta(days=self.rng.randint(5, 40))
        with self.travel(filed):
            req.refresh_from_db()
            appeal = appeal_file(by=prescriber, req=req, expedited=False, representative=True,
                                 statement="The clinic note records the counseling.")
        answered = filed + timedelta(days=self.rng.randint(2, 20))
        if plan.path == "upheld":
            with self.travel(answered):
                appeal_decide(by=self.second, appeal=appeal, overturn=False,
                              rationale="The clinic note does not document counseling.")
            return None
        with self.travel(answered):
            exc = exception_ask(by=self.second, req=req, appeal=appeal,
                                reason="records_show_met",
                                rationale="The clinic note of the visit records the counseling.")
        with self.travel(answered + timedelta(hours=self.rng.randint(2, 30))):
            exception_sign(by=self.third, exception=exc)
        return req

    # -- treatment and follow-up ----------------------------------------------

    def infuse(self, req: AuthorizationRequest, prescriber: User) -> date | None:
        req.refresh_from_db()
        auth = req.authorization
        infused_on = auth.start_date + timedelta(days=self.rng.randint(10, 40))
        if infused_on >= self.today:
            return None
        with self.travel(self.at(infused_on)):
            infusion_record(by=prescriber, auth=auth, as_of=infused_on, data={
                "infused_on": infused_on, "lots": [f"HGX-H{req.pk:05d}"],
                "weight_kg": Decimal(str(req.answers.get("weight_kg", 75))),
                "dose_gc_per_kg": Decimal("2e13"), "site_name": "Demo Infusion Center",
                "site_npi": "1245319599", "baseline_treated_bleeds": self.rng.randint(0, 9),
                "baseline_factor_ix_product": "Recombinant factor IX", "full_dose": True})
        return infused_on

    def follow_ups(self, plan: Plan, req: AuthorizationRequest, infused_on: date,
                   prescriber: User) -> int:
        """Each follow-up due by today, submitted near its date (a few waived);
        the number submitted."""
        done = 0
        rows = FollowUp.objects.filter(authorization__request=req).order_by("number")
        for fu in rows:
            if fu.due_on > self.today - timedelta(days=7):
                break  # not due yet, or just due: left for the demo's present
            day = min(fu.due_on + timedelta(days=self.rng.randint(-20, 25)),
                      self.today - timedelta(days=1))
            waive = plan.group == WAIVED and (fu.number % 2 == 1 or self.rng.random() < 0.3)
            with self.travel(self.at(day)):
                if waive:
                    followup_waive(by=self.first, follow_up=fu,
                                   reason="Assessed at another center; results not sent")
                    continue
                followup_save(by=prescriber, follow_up=fu, submit=True,
                              answers=self.assessment(plan, fu.number, infused_on, day))
                done += 1
        return done

    def assessment(self, plan: Plan, number: int, infused_on: date, day: date) -> dict:
        rng, group = self.rng, plan.group
        tested = max(day - timedelta(days=rng.randint(0, 3)), infused_on + timedelta(days=1))
        below = group in (ONE_STAGE_BELOW, CHROMOGENIC_BELOW)
        if below:
            lab = LabValue(Decimal(1), below=True)
        elif group == CHROMOGENIC:
            lab = LabValue(Decimal(rng.randint(8, 30)))
        else:
            lab = LabValue(Decimal(rng.randint(15, 55)))
        bleeds = rng.choices((0, 1, 2, 3), (70, 18, 8, 4))[0] + (rng.randint(0, 3) if below
                                                                 else 0)
        answers = {
            "fix_activity": lab.to_json(), "fix_test_date": tested.isoformat(),
            "bleeds_total": bleeds, "bleeds_treated": min(bleeds, rng.randint(0, bleeds)),
            "factor_ix_iu": 0, "inhibitor_tested": False, "prophylaxis": below,
            "alt_corticosteroids": rng.random() < 0.03,
        }
        if group in (ONE_STAGE, ONE_STAGE_BELOW, AFTER_DOSE, WAIVED):
            answers["fix_assay"] = "one_stage"
        elif group in (CHROMOGENIC, CHROMOGENIC_BELOW):
            answers["fix_assay"] = "chromogenic"
        if group == AFTER_DOSE:
            # A factor IX dose for a bleed two days before the test: left out.
            answers["last_factor_ix_date"] = (tested - timedelta(days=2)).isoformat()
            answers["factor_ix_iu"] = 4000
        if below:
            answers["prophylaxis_start"] = (infused_on + timedelta(
                days=90 + plan.number % 60)).isoformat()
            answers["prophylaxis_agent"] = "Recombinant factor IX, weekly"
        return answers

    # -- the whole history ---------------------------------------------------

    def run(self) -> dict[str, int]:
        plans = self.plans()
        prescribers = self.prescribers()
        self.roster(plans)
        counts = {"requests": 0, "approved": 0, "infused": 0, "follow_ups": 0}
        for plan in plans:
            prescriber = prescribers[plan.number % len(prescribers)]
            req = self.request(plan, prescriber)
            counts["requests"] += 1
            if req is None:
                continue
            counts["approved"] += 1
            infused_on = self.infuse(req, prescriber)
            if infused_on is None:
                continue
            counts["infused"] += 1
            counts["follow_ups"] += self.follow_ups(plan, req, infused_on, prescriber)
        return counts
