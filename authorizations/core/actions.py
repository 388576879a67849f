"""Every action the audit log records, once.

`AuditEvent.action` stores the value; nothing else in the app spells one
(tests/architecture/test_audit_actions.py holds it to that), so a reader of
the log, a filter or the timeline cannot drift from the writers. The labels
are the words the request's timeline and the audit log's filter show.

A member's value is what rows already hold: never rename one (the log is
append-only and its old rows keep their value).
"""

from __future__ import annotations

from django.db import models


class AuditAction(models.TextChoices):
    # Any record saved or deleted through core.audit.save_audited / delete_audited.
    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    MEMBERSHIPS = "memberships", "Group memberships changed"

    # The request, from draft to decision.
    SAVE_DRAFT = "save_draft", "Draft saved"
    DISCARD = "discard", "Draft discarded"
    SUBMIT = "submit", "Submitted"
    AUTHORIZE = "authorize", "Authorization issued"
    APPROVE = "approve", "Approved by a reviewer"
    DENY = "deny", "Denied by a reviewer"
    APPROVE_REFUSED = "approve_refused", "Approval refused (one treatment per lifetime)"

    # Entry that never loses work (issue 19): a step saved as typed, unfinished.
    KEEP_TYPED = "keep_typed", "Unfinished step saved as typed"

    # Reading: pages, exports and downloads.
    VIEW = "view", "Viewed"
    EXPORT = "export", "Exported"
    DOWNLOAD = "download", "Letter downloaded"
    FHIR_EXPORT = "fhir_export", "Exported as FHIR"
    API_STATUS = "api_status", "Status read through the API"

    # Letters.
    ISSUE_LETTER = "issue_letter", "Letter issued"
    ISSUE_MEMBER_COPY = "issue_member_copy", "Member's copy of a letter issued"

    # The conversation after submission.
    REQUEST_INFORMATION = "request_information", "Information requested"
    RESPOND = "respond", "Prescriber responded"
    CHANGE_ANSWERS = "change_answers", "Answers changed"
    EXPEDITE = "expedite", "Expedited review asked for"
    OFFER_PEER_TO_PEER = "offer_peer_to_peer", "Peer-to-peer times offered by the reviewer"
    REQUEST_PEER_TO_PEER = ("request_peer_to_peer",
                            "Peer-to-peer discussion asked for by the prescriber")
    SCHEDULE_PEER_TO_PEER = "schedule_peer_to_peer", "Peer-to-peer discussion scheduled"
    RECORD_PEER_TO_PEER = "record_peer_to_peer", "Peer-to-peer discussion held"
    DOCUMENT_RECEIVED = "document_received", "Document received outside the system recorded"

    # Appeals.
    APPEAL = "appeal", "Appealed"
    APPEAL_DECIDE = "appeal_decide", "Appeal decided"

    # Notices to the member (issue 21): the roster, appeals the member sends,
    # and the mailing of members' copies.
    APPEAL_RECORD = "appeal_record", "Appeal received from the member recorded"
    MAIL_MEMBER_COPY = "mail_member_copy", "Member's copy of a letter mailed"

    # Delivery that survives failure (issue 21): the letters' and notices' outbox.
    DELIVERY_QUEUE = "delivery_queue", "Letter or email notice queued for delivery"
    NOTICE_SEND = "notice_send", "Email notice sent"
    DELIVERY_RETRY = "delivery_retry", "Delivery failed; to be tried again"

    # Supporting documents.
    DOCUMENT_ADD = "document_add", "Document added"
    DOCUMENT_DOWNLOAD = "document_download", "Document downloaded"
    DOCUMENT_REMOVE = "document_remove", "Document removed"

    # The authorization and the treatment after approval.
    ADMINISTER = "administer", "Authorization administered"
    EXPIRE = "expire", "Authorization expired"
    CANCEL = "cancel", "Authorization cancelled"
    RECORD_INFUSION = "record_infusion", "Infusion recorded"
    CORRECT_INFUSION = "correct_infusion", "Infusion record corrected"
    SAVE_FOLLOW_UP = "save_follow_up", "Follow-up saved as a draft"
    SUBMIT_FOLLOW_UP = "submit_follow_up", "Follow-up submitted"
    WAIVE_FOLLOW_UP = "waive_follow_up", "Follow-up waived"
    REMIND_FOLLOW_UP = "remind_follow_up", "Follow-up reminder sent"

    # FHIR import and the API's tokens.
    FHIR_IMPORT = "fhir_import", "Imported from a FHIR QuestionnaireResponse"
    API_KEY_CREATE = "api_key_create", "API token created"
    API_KEY_REVOKE = "api_key_revoke", "API token revoked"

    # Da Vinci PAS and CRD (issue 22).
    PAS_SUBMIT = "pas_submit", "Submitted through PAS Claim/$submit"
    PAS_INQUIRE = "pas_inquire", "Decision read through PAS Claim/$inquire"
    CDS_HOOK = "cds_hook", "Coverage requirements answered to an EHR (CDS Hooks)"
    CDS_CLIENT_REGISTER = "cds_client_register", "EHR registered for CDS Hooks"
    EHR_LAUNCH_CREATE = "ehr_launch_create", "An EHR order's facts kept for its request form link"
    EHR_LAUNCH_OPEN = "ehr_launch_open", "Draft started from an EHR order's link"
    EHR_LAUNCH_VIEW = "ehr_launch_view", "What an EHR order's link holds shown to confirm"
    SMART_LAUNCH_START = "smart_launch_start", "SMART launch from an EHR: sent to authorize"
    SMART_LAUNCH_COMPLETE = "smart_launch_complete", "SMART launch from an EHR: authorized"
    SMART_LAUNCH_FAIL = "smart_launch_fail", "SMART launch from an EHR: failed"
    # The reviewer's desk (issue 20): owners, documents read in the page, exceptions.
    CLAIM = "claim", "Case claimed"
    REASSIGN = "reassign", "Case reassigned"
    TAKE_OVER = "take_over", "Case taken over"
    DOCUMENT_VIEW = "document_view", "Document opened in the request page"
    EXCEPTION_ASK = "exception_ask", "Exception asked for (first key)"
    EXCEPTION_SIGN = "exception_sign", "Exception signed (second key)"
