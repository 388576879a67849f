"""A patient whose details must never leak: into logs, audit rows or pages
that should not show them."""

from tests.factories import approvable_case

# A patient whose details appear nowhere else (the forms' help text shows
# approvable_case()'s date of birth as an example).
PATIENT = approvable_case(patient_first_name="Zenobia", patient_last_name="Thistlewood",
                          member_id="UHC-987654321", date_of_birth="1979-08-23")


def phi_forms(case: dict) -> list[str]:
    """The patient's name, member ID and date of birth in every form a page or
    a log line might print them."""
    from datetime import date

    dob = date.fromisoformat(case["date_of_birth"])
    return [case["patient_first_name"], case["patient_last_name"], case["member_id"],
            dob.isoformat(), f"{dob:%m/%d/%Y}", f"{dob.month}/{dob.day}/{dob.year}",
            f"{dob:%B} {dob.day}, {dob.year}", f"{dob:%b} {dob.day}, {dob.year}",
            f"{dob:%d.%m.%Y}", f"{dob:%d/%m/%Y}", f"{dob:%Y%m%d}",
            f"{dob.year}-{dob.month}-{dob.day}", f"{dob.day} {dob:%B} {dob.year}"]


PHI = phi_forms(PATIENT)


def phi_in(text: str) -> list[str]:
    lowered = text.lower()
    return [value for value in PHI if value.lower() in lowered]
