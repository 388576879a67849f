"""The Da Vinci profiles each resource declares in `meta.profile`, and where
their rules come from. The guides are read from their sources (FHIR
Shorthand), at the commits below; tests/fhir/profiles/ keeps the rules the
tests check, copied from the same commits."""

from __future__ import annotations

PAS_SOURCE = ("HL7/davinci-pas", "46be73e48e6cccac1c72375f584259dc0b744c9d")  # PAS 2.x
DTR_SOURCE = ("HL7/davinci-dtr", "ef91b18f51bd90ecdf5c66c8ee1c36de1962bbb0")  # DTR 2.x
CRD_SOURCE = ("HL7/davinci-crd", "2bfabc15e9552fcbf30fe2b83a679ac839d7b6ed")  # CRD 2.x

PAS = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/"
DTR = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/"
CRD = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/"

PAS_REQUEST_BUNDLE = PAS + "profile-pas-request-bundle"
PAS_RESPONSE_BUNDLE = PAS + "profile-pas-response-bundle"
PAS_INQUIRY_REQUEST_BUNDLE = PAS + "profile-pas-inquiry-request-bundle"
PAS_INQUIRY_RESPONSE_BUNDLE = PAS + "profile-pas-inquiry-response-bundle"
PAS_CLAIM = PAS + "profile-claim"
PAS_CLAIM_RESPONSE = PAS + "profile-claimresponse"
PAS_CLAIM_INQUIRY_RESPONSE = PAS + "profile-claiminquiryresponse"
PAS_COMMUNICATION_REQUEST = PAS + "profile-communicationrequest"
PAS_BENEFICIARY = PAS + "profile-beneficiary"
PAS_COVERAGE = PAS + "profile-coverage"
PAS_INSURER = PAS + "profile-insurer"
PAS_REQUESTOR = PAS + "profile-requestor"
PAS_PRACTITIONER = PAS + "profile-practitioner"
PAS_PRACTITIONER_ROLE = PAS + "profile-practitionerrole"
PAS_LOCATION = PAS + "profile-location"
PAS_DOCUMENT_REFERENCE = PAS + "profile-documentreference"

DTR_QUESTIONNAIRE = DTR + "dtr-std-questionnaire"
DTR_QUESTIONNAIRE_RESPONSE = DTR + "dtr-questionnaireresponse"

# PAS extensions the Claim and ClaimResponse use.
EXT_CARE_TEAM_SCOPE = PAS + "extension-careTeamClaimScope"
EXT_REQUEST_TYPE = PAS + "extension-serviceItemRequestType"
EXT_CERTIFICATION_TYPE = PAS + "extension-certificationType"
EXT_AUTHORIZED_PROVIDER = PAS + "extension-itemAuthorizedProvider"
EXT_PRE_AUTH_PERIOD = PAS + "extension-itemPreAuthPeriod"
EXT_PRE_AUTH_ISSUE_DATE = PAS + "extension-itemPreAuthIssueDate"
EXT_AUTHORIZATION_NUMBER = PAS + "extension-authorizationNumber"
EXT_SERVICE_LINE_NUMBER = PAS + "extension-serviceLineNumber"


def meta(profile: str) -> dict[str, list[str]]:
    return {"profile": [profile]}
