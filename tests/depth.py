"""How many examples the costliest property tests draw. `make test` draws a
third of them (each example of the wizard's junk test is a draft, a POST and
a GET: 365 of them were a sixth of the suite's time); `--thorough` draws them
all, and CI's first pass runs with it (.ci/run). The examples are derandomized,
so each depth is the same set every run."""

import os


def examples(thorough: int) -> int:
    return thorough if os.environ.get("HEMGENIX_THOROUGH") == "1" else max(5, thorough // 3)
