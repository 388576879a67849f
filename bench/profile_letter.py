#!/usr/bin/env python
"""CPU profile of a determination letter's render (issue 21), in one process
on PostgreSQL: bench/benchmark.py's pended letter (2 unmet criteria, HBsAg
positive, dose 3e13) against WeasyPrint's one-line page, interleaved sample
by sample. Prints medians of CPU ms (time.process_time) and their ratio, the
render's parts, and with --profile cProfile's top functions.

    .venv/bin/python bench/profile_letter.py \
        --database-url postgres://postgres@127.0.0.1:5432/hemgenix_letter_prof [--setup]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

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
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print cProfile's table")
    parser.add_argument("--top", type=int, default=50)
    parser.add_argument("--sort", default="tottime")
    args = parser.parse_args()
    open_database(args)
    import weasyprint

    from authorizations.letters import rendering
    determination = pended_determination()

    def one_line() -> bytes:
        return weasyprint.HTML(string="<p>Hemgenix</p>").write_pdf()

    def letter() -> bytes:
        return rendering.render_pdf(determination)

    for _ in range(3):
        one_line(), letter()
    trivial, letters = [], []
    for _ in range(args.samples):
        trivial.append(cpu_ms(one_line))
        letters.append(cpu_ms(letter))
    t, le = statistics.median(trivial), statistics.median(letters)
    print(f"CPU ms, median of {args.samples} interleaved samples (after 3 warm)")
    print(f"WeasyPrint one-line page          {t:8.2f}")
    print(f"pended letter (2 unmet criteria)  {le:8.2f}   ratio {le / t:.1f}")
    if args.profile:
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.samples):
            letter()
        profile.disable()
        pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)


if __name__ == "__main__":
    main()
