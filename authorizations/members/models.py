"""The payer's member roster (manage.py import_members). Imported by models.py.

The roster is the one source of a member's mailing address, preferred
language and plan type: the wizard never asks for them, and the letters read
them here (letters/member.py).
"""

from __future__ import annotations

from django.db import models


class PlanType(models.TextChoices):
    # ERISA 502(a) and EBSA exist only for private employer plans; government
    # and church plans and individual coverage have state external review and
    # their own consumer assistance (29 CFR 2560.503-1; 45 CFR 147.136).
    EMPLOYER_ERISA = "employer_erisa", "Employer plan governed by ERISA"
    EMPLOYER_NON_ERISA = "employer_non_erisa", "Employer plan not governed by ERISA"
    INDIVIDUAL_EXCHANGE = "individual_exchange", "Individual (Exchange) plan"


class Member(models.Model):
    member_id = models.CharField("member ID", max_length=40)
    # policy.member_key(member_id): how requests find the member.
    member_key = models.CharField(max_length=40, unique=True)
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField()
    plan_type = models.CharField(max_length=20, choices=PlanType.choices)
    state = models.CharField(max_length=2)
    # BCP 47 ("en", "es"): the language the member asked to be written to.
    language = models.CharField(max_length=16)
    address_line1 = models.CharField(max_length=200)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=10)

    class Meta:
        ordering = ["member_key"]

    def __str__(self) -> str:
        return f"Member {self.member_id}"

    @property
    def address_lines(self) -> list[str]:
        lines = [self.address_line1, self.address_line2,
                 f"{self.city}, {self.state} {self.postal_code}"]
        return [line for line in lines if line]
