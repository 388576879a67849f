"""Supporting documents of a request: their kinds, limits and the stored
bytes. Imported by models.py; written only by documents/services.py."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_noop as _


# Labels marked for the catalogue (plain strings): the member's letter translates them
# where it prints them, in the member's language (letters/language.py).
class DocumentKind(models.TextChoices):
    FACTOR_IX_LAB = "factor_ix_lab", _("Factor IX lab report")
    INHIBITOR_ASSAY = "inhibitor_assay", _("Inhibitor assay")
    AAV5_ANTIBODY = "aav5_antibody", _("AAV5 antibody report")
    LIVER_PANEL = "liver_panel", _("Liver panel")
    LIVER_IMAGING = "liver_imaging", _("Liver imaging report")
    VIRAL_TESTS = "viral_tests", _("Viral tests")
    CLINIC_NOTE = "clinic_note", _("Clinic note")
    OTHER = "other", _("Other")


# The most a document may weigh; services.py checks it before reading a file.
DOCUMENT_MAX_BYTES = 20 * 1024 * 1024
DOCUMENT_CONTENT_TYPES = ("application/pdf", "image/png", "image/jpeg")


class Document(models.Model):
    """A supporting document of a request (see services.py). The bytes live in
    the database, so every app instance reads them. Removable while the request
    is a draft; after submission append-only (a trigger on PostgreSQL)."""

    request = models.ForeignKey("authorizations.AuthorizationRequest", on_delete=models.CASCADE,
                                related_name="documents")
    kind = models.CharField(max_length=20, choices=DocumentKind.choices)
    # One of policy.CRITERION_IDS, or blank: checked by the service, not by
    # choices, so a new policy version needs no migration.
    criterion = models.CharField(max_length=40, blank=True)
    # Sanitised (documents.clean_file_name): shown and offered on download,
    # never used as a path.
    file_name = models.CharField(max_length=120)
    content_type = models.CharField(max_length=30)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gt=0, size__lte=DOCUMENT_MAX_BYTES),
                                   name="document_size_limit"),
            models.CheckConstraint(condition=Q(content_type__in=DOCUMENT_CONTENT_TYPES),
                                   name="document_content_type"),
        ]

    def __str__(self) -> str:
        return f"Document {self.pk} of {self.request.number}"
