"""Every write of the service. Each public function here runs in one
transaction, takes the actor (`by=`; None for the system), writes its audit
row in that same transaction, and is marked `@service` (see base.py): the
services are the only writers, and tests/security/test_write_rule.py proves it.

    from authorizations import services
    services.request_submit(by=user, req=req)

Migrations are the one exception: they write their historical models directly.
"""

from .accounts import (
    group_delete,
    group_permissions_set,
    group_save,
    user_create_prescriber,
    user_create_reviewer,
    user_delete,
    user_memberships_set,
    user_save,
)
from .appeals import (
    AppealRefused,
    appeal_conflict,
    appeal_deadline,
    appeal_decide,
    appeal_due,
    appeal_file,
    appeal_refusal,
    denial_of,
    open_appeal,
)
from .authorizations import (
    AuthorizationStateError,
    authorization_transition,
    may_cancel,
    record_lapses,
)
from .base import audit, running, service
from .conversation import answers_change, document_received, first_version, request_expedite
from .directory import (
    ImportResult,
    htc_delete,
    htc_import,
    htc_save,
    prescriber_profile_delete,
    prescriber_profile_save,
    reviewer_profile_delete,
    reviewer_profile_save,
)
from .letters import information_member_copy, letter_issue, letter_latest, letter_member_copy
from .operations import operations_group, user_create_operations
from .requests import (
    EXPEDITED_TURNAROUND,
    STANDARD_TURNAROUND,
    LifetimeLimitReached,
    NotADraft,
    SubmitResult,
    request_create,
    request_decide,
    request_discard,
    request_save_draft,
    request_submit,
)
from .review import (
    INFORMATION_DAYS_STANDARD,
    INFORMATION_HOURS_EXPEDITED,
    ConflictOfInterest,
    conflict_of_interest,
    information_due,
    information_letter,
    information_request,
    information_respond,
    open_information_request,
    peer_to_peer_offer,
    peer_to_peer_record,
    peer_to_peer_request,
    peer_to_peer_schedule,
)
from .treatment import (
    ReminderResult,
    TreatmentError,
    followup_save,
    followup_send_reminders,
    followup_waive,
    infusion_correct,
    infusion_record,
    latest_infusion,
)

__all__ = [
    "AppealRefused", "appeal_conflict", "appeal_deadline", "appeal_decide", "appeal_due",
    "appeal_file", "appeal_refusal", "denial_of", "open_appeal",
    "AuthorizationStateError", "ReminderResult", "TreatmentError", "authorization_transition",
    "followup_save", "followup_send_reminders", "followup_waive", "infusion_correct",
    "infusion_record", "latest_infusion", "may_cancel",
    "INFORMATION_DAYS_STANDARD", "INFORMATION_HOURS_EXPEDITED", "ConflictOfInterest",
    "conflict_of_interest", "information_due", "information_letter", "information_request",
    "information_respond", "open_information_request", "peer_to_peer_offer",
    "peer_to_peer_record", "peer_to_peer_request", "peer_to_peer_schedule",
    "answers_change", "document_received", "first_version", "request_expedite",
    "EXPEDITED_TURNAROUND", "STANDARD_TURNAROUND", "ImportResult", "LifetimeLimitReached",
    "NotADraft", "SubmitResult", "audit", "group_delete", "group_permissions_set",
    "group_save", "htc_delete", "htc_import", "htc_save", "letter_issue", "letter_latest",
    "letter_member_copy", "information_member_copy",
    "operations_group", "user_create_operations",
    "prescriber_profile_delete", "record_lapses", "prescriber_profile_save", "request_create",
    "request_decide", "request_discard", "request_save_draft", "request_submit",
    "reviewer_profile_delete", "reviewer_profile_save", "running", "service",
    "user_create_prescriber", "user_create_reviewer", "user_delete", "user_memberships_set",
    "user_save",
]
