#!/usr/bin/env python
"""CPU time of FHIR JSON (authorizations/fhir/jsonio.py), in one process on
PostgreSQL: a pended letter's two files (fhir/bundle.py letter_files), the
request Bundle and the PAS response Bundle, each written by jsonio's walk of
the set elements ("now") and by fhir_core's serializer ("fhir_core", the
path jsonio replaced), interleaved sample by sample. Prints medians of CPU
ms (time.process_time), and the parts of one letter: building the models
(validation, kept), to_data and json.dumps.

    .venv/bin/python bench/profile_fhir_json.py \
        --database-url postgres://postgres@127.0.0.1:5432/hemgenix_fhir_json [--setup]
"""

from __future__ import annotations

import json
import statistics
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.profiling import (  # noqa: E402
    cpu_ms,
    open_database,
    pended_determination,
    profile_arguments,
)


def main() -> None:
    parser = profile_arguments(__doc__, setup=True)
    parser.add_argument("--samples", type=int, default=30)
    args = parser.parse_args()
    open_database(args)
    import weasyprint

    from authorizations.fhir import bundle, jsonio, pas
    from authorizations.letters import rendering
    from authorizations.policy import values

    determination = pended_determination()
    req = determination.request
    req.refresh_from_db()

    fast = jsonio.to_data

    def with_path(to_data: Callable, fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            jsonio.to_data = to_data  # type: ignore[assignment]
            try:
                return fn()
            finally:
                jsonio.to_data = fast  # type: ignore[assignment]
        return run

    cases = {
        "letter_files (the letter's two files)": lambda: bundle.letter_files(determination),
        "request Bundle (API, /fhir.json)": lambda: jsonio.dumps(bundle.request_bundle(req)),
        "PAS response Bundle ($submit)": lambda: jsonio.dumps(pas.response_bundle(req)),
        "pended letter (render_pdf, whole)": lambda: rendering.render_pdf(determination),
    }
    print(f"CPU ms, median of {args.samples} interleaved samples (after 3 warm)")
    print(f"{'':40} {'fhir_core':>10} {'now':>8} {'saved':>8}")
    for label, fn in cases.items():
        old, new = with_path(jsonio._to_data_fhir_core, fn), with_path(fast, fn)
        for _ in range(3):
            old(), new()
        olds, news = [], []
        for _ in range(args.samples):
            olds.append(cpu_ms(old))
            news.append(cpu_ms(new))
        o, n = statistics.median(olds), statistics.median(news)
        print(f"{label:40} {o:10.2f} {n:8.2f} {o - n:8.2f}")

    one_line = lambda: weasyprint.HTML(string="<p>Hemgenix</p>").write_pdf()  # noqa: E731
    one_line()
    print(f"{'WeasyPrint one-line page':40} "
          f"{statistics.median(cpu_ms(one_line) for _ in range(args.samples)):10.2f}")

    # One letter's parts: the models (validation, kept), then the writing.
    models = [bundle.claim_response(req, determination), bundle.questionnaire_response(req)]
    build = statistics.median(cpu_ms(lambda: [bundle.claim_response(req, determination),
                                              bundle.questionnaire_response(req)])
                              for _ in range(args.samples))
    parts = {
        "  build and validate the two models": build,
        "  to_data, fhir_core's serializer": lambda: [jsonio._to_data_fhir_core(m)
                                                       for m in models],
        "  to_data, now": lambda: [jsonio.to_data(m) for m in models],
        "  json.dumps (ExactJSONEncoder)": lambda: [
            json.dumps(d, cls=values.ExactJSONEncoder, indent=2, ensure_ascii=False)
            for d in datas],
    }
    datas = [jsonio.to_data(m) for m in models]
    print("\nThe letter's files, by part")
    for label, part in parts.items():
        ms = part if isinstance(part, float) else statistics.median(
            cpu_ms(part) for _ in range(args.samples))
        print(f"{label:40} {ms:10.2f}")


if __name__ == "__main__":
    main()
