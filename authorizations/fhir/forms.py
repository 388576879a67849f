"""The prescriber's upload of a QuestionnaireResponse file."""

from __future__ import annotations

from django import forms

from authorizations.core.forms import AccessibleForm
from authorizations.fhir import importing


class ImportForm(AccessibleForm):
    file = forms.FileField(
        label="QuestionnaireResponse file (JSON)",
        help_text="The FHIR QuestionnaireResponse your EHR's prior authorization app saved "
                  f"for this Questionnaire, at most {importing.MAX_BYTES // 1000} kB.",
        error_messages={"required": "Choose the QuestionnaireResponse file to upload"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > importing.MAX_BYTES:
            raise forms.ValidationError(
                f"The file must be at most {importing.MAX_BYTES // 1000} kB")
        return upload
