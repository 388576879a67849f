"""Separation of duties: who took part in a request, read from the records
that name who did each thing.

Whoever took part may not judge the request: decide it or its appeal, pend
it for information, or schedule and hold its peer-to-peer discussion. Taking
part is what the prescriber's side does, each on record in its own row:
prescribing (the request's `prescriber`, who also created it), changing its
answers after submission (`AnswerVersion.created_by`), responding to a
request for information (`InformationRequest.responded_by`), uploading a
document (`Document.uploaded_by`) or recording one received by fax or mail
(`DocumentReceipt.recorded_by`: the recorder chose what it supports), filing
the appeal (`Appeal.filed_by`), asking for a peer-to-peer discussion
(`PeerToPeer.offered_by` when `requested_by_prescriber`), and being listed
on the request by NPI.

Before submission any prescriber of the HTC may save the draft's answers or
submit it: the request keeps who did (`drafted_by`, `submitted_by`).

Nor does PeerToPeer record who held or recorded a discussion, nor who
attended for the prescriber: a reviewer's own acts there (offering,
scheduling, holding) are the review itself, not taking part.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db.models import Exists, OuterRef, Subquery

from authorizations.core.compiled import CompiledQuery
from authorizations.models import (
    AnswerVersion,
    Appeal,
    AuthorizationRequest,
    Document,
    DocumentReceipt,
    InformationRequest,
    PeerToPeer,
    PrescriberProfile,
)


def _parts(user_id: int) -> dict[str, tuple[object, str]]:
    """Each part, in the order it is told: a subquery finding it for the
    outer request, and the words, with {n} for the request's number."""
    request = OuterRef("pk")
    this = AuthorizationRequest.objects.filter(pk=request)
    return {
        "submitted": (this.filter(submitted_by_id=user_id), "You submitted {n}"),
        "drafted": (this.filter(drafted_by=user_id), "You answered {n}'s questions"),
        "changed": (AnswerVersion.objects.filter(request=request, created_by_id=user_id),
                    "You changed the answers of {n}"),
        "responded": (InformationRequest.objects.filter(request=request,
                                                        responded_by_id=user_id),
                      "You responded to a request for information on {n}"),
        # Before the uploads: a received document is uploaded by its recorder too.
        "recorded": (DocumentReceipt.objects.filter(document__request=request,
                                                    recorded_by_id=user_id),
                     "You recorded a document received for {n}"),
        "uploaded": (Document.objects.filter(request=request, uploaded_by_id=user_id),
                     "You uploaded a document of {n}"),
        "appealed": (Appeal.objects.filter(request=request, filed_by_id=user_id),
                     "You filed the appeal of {n}"),
        "asked_p2p": (PeerToPeer.objects.filter(request=request, offered_by_id=user_id,
                                                requested_by_prescriber=True),
                      "You asked for a peer-to-peer discussion of {n}"),
    }


def _parts_query(user_id: int, request_id: int):
    parts = _parts(user_id)
    own_npi = PrescriberProfile.objects.filter(user_id=user_id).order_by("pk").values("npi")[:1]
    return (AuthorizationRequest.objects.filter(pk=request_id).order_by()
            .annotate(**{name: Exists(query) for name, (query, _) in parts.items()},
                      own_npi=Subquery(own_npi))
            .values(*parts, "own_npi")[:1])


# Every part, and the user's NPI, in one query, compiled once per process: it
# runs on every request page (core/compiled.py).
PARTS_QUERY = CompiledQuery(_parts_query, "user_id", "request_id")
PART_WORDS = {name: words for name, (_, words) in _parts(0).items()}


def part_taken(user: User, req: AuthorizationRequest) -> str:
    """What `user` did on `req` that bars them from judging it, as the start
    of a sentence ("You prescribed PA-0000012"); "" when they took no part."""
    if user.pk is None:
        return ""
    if user.pk == req.prescriber_id:
        return f"You prescribed {req.number}"
    found = PARTS_QUERY.first(user_id=user.pk, request_id=req.pk) or {}
    for name, words in PART_WORDS.items():
        if found.get(name):
            return words.format(n=req.number)
    npi = found.get("own_npi")
    if npi and npi in {str(v) for v in req.answers.values() if isinstance(v, (str, int))}:
        return f"You are listed on {req.number}"
    return ""
