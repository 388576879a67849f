"""drf-spectacular hooks: FHIR operation names keep their "$" (the path
parser reads it as a regular expression's end and drops it)."""

from __future__ import annotations

from drf_spectacular.hooks import postprocess_schema_enums

OPERATIONS = ("/fhir/Claim/submit", "/fhir/Claim/inquire")


def fhir_operation_paths(result, generator, request, public):
    result = postprocess_schema_enums(result, generator, request=request, public=public)
    paths = result.get("paths", {})
    for path in OPERATIONS:
        if path in paths:
            head, name = path.rsplit("/", 1)
            paths[f"{head}/${name}"] = paths.pop(path)
    return result
