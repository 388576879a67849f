"""The X12 and CMS codes of the PAS resources, each table with its source
and version. X12's code lists are X12's (copyrighted, viewable at
x12.org/codes); the codes here are the ones the PAS guide's own examples use
(profiles.PAS_SOURCE, input/fsh/Examples.fsh) unless a comment says otherwise.

Engineer F's letters keep a denial-code table of their own; until the two
are merged, the review decision reasons live here (REVIEW_DECISION_REASON).
"""

from __future__ import annotations

from dataclasses import dataclass

X12_VERSION = "005010"


@dataclass(frozen=True)
class CodeTable:
    system: str
    source: str
    version: str
    codes: dict[str, str]

    def coding(self, code: str) -> dict[str, str]:
        return {"system": self.system, "code": code, "display": self.codes[code]}

    def concept(self, code: str) -> dict[str, list[dict[str, str]]]:
        return {"coding": [self.coding(code)]}


def _x12(number: str, name: str, codes: dict[str, str]) -> CodeTable:
    return CodeTable(f"https://codesystem.x12.org/{X12_VERSION}/{number}",
                     f"X12 {X12_VERSION} code source {number} ({name})", X12_VERSION, codes)


# HCR01: the review action (PAS extension-reviewAction code). Checked (issue
# 22) at profiles.PAS_SOURCE, input/fsh/Examples.fsh: A1 "Certified in total"
# (line 257) and A3 "Not Certified" (line 223) as there; the example writes A4
# as "Pending" (line 328). "Pended" is kept: X12's own list was not read.
REVIEW_ACTION = _x12("306", "Action Code", {
    "A1": "Certified in total", "A3": "Not Certified", "A4": "Pended"})
# UM03 / Claim.item.category: the service type. A drug infused in a clinic is
# "Medical Care", as the guide's MedicalServicesAuthorizationExample codes a
# HCPCS-coded item.
SERVICE_TYPE = _x12("1365", "Service Type Code", {"1": "Medical Care"})
# UM01 / extension-serviceItemRequestType.
REQUEST_TYPE = _x12("1525", "Request Category Code", {"HS": "Health Services Review"})
# UM02 / extension-certificationType.
CERTIFICATION_TYPE = _x12("1322", "Certification Type Code", {"I": "Initial"})
# NM101 / careTeam.role and the authorized provider's type: the prescriber
# orders the drug. Of these only X3 is in the guide's examples (Examples.fsh
# line 608); DK and FA were not checked against X12's list.
ENTITY_IDENTIFIER = _x12("98", "Entity Identifier Code", {
    "DK": "Ordering Physician", "FA": "Facility", "X3": "Utilization Management Organization"})
# PWK01 / CommunicationRequest.category: what a document is. Only PY
# "Physician's Report" is in the guide's examples (Examples.fsh line 83); LA, DG
# and OZ were not checked against X12's list.
REPORT_TYPE = _x12("755", "Report Type Code", {
    "LA": "Laboratory Results", "DG": "Diagnostic Report", "PY": "Physician's Report",
    "OZ": "Support Data for Claim"})
# PWK02 / CommunicationRequest.medium.
TRANSMISSION = _x12("756", "Report Transmission Code", {"EL": "Electronically Only"})

# Claim.item.locationCodeableConcept: an HTC infuses Hemgenix in its
# hospital's outpatient clinic (the label's one-time infusion; an inpatient
# admission is itself a criterion not met, no_inpatient_admission). The
# guide's examples use 11 only; 22's name was not checked against CMS's list.
PLACE_OF_SERVICE = CodeTable(
    "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
    "CMS Place of Service Code Set", "2016 and later (code 22's present name)",
    {"22": "On Campus-Outpatient Hospital"})

# The descriptor as the policy's Applicable Codes table gives it
# (codes.HCPCS_SOURCE); CMS's HCPCS release file itself was not read.
HCPCS = CodeTable("http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets",
                  "CMS HCPCS Level II", "J1411 effective 2023-07-01", {
                      "J1411": "Injection, etranacogene dezaparvovec-drlb, per therapeutic "
                               "dose"})

# HCR03 / reviewAction.reasonCode: X12 External Code Source 886 (Health Care
# Services Review Decision Reason Code). The list is X12's and licensed: it is
# not in this project, and no code is written here that was not read from it.
# Until the payer confirms each code against its licensed copy, every reason
# is sent as this service's criterion (or review flag) coding with its text,
# and the X12 coding is added only for a reason whose code is filled in below.
REVIEW_DECISION_REASON = CodeTable("https://codesystem.x12.org/external/886",
                                   "X12 External Code Source 886", "unconfirmed", {})
# Which 886 code each of our reasons maps to, once confirmed: a criterion not
# met, documentation missing, a review flag, information requested.
REASON_FOR: dict[str, str | None] = {
    "criterion_not_met": None,
    "documentation_missing": None,
    "review_flag": None,
    "information_requested": None,
}


def reason_coding(kind: str) -> dict[str, str] | None:
    code = REASON_FOR.get(kind)
    return REVIEW_DECISION_REASON.coding(code) if code else None
