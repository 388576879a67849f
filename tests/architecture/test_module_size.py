"""No module over 400 lines: the project's own Python (the app, the settings,
the tests, the benchmarks, the scripts), migrations aside, since Django
writes them."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 400


def test_no_module_is_over_400_lines():
    over = {}
    for folder in ("authorizations", "hemgenix_site", "tests", "bench", "bin"):
        for path in (ROOT / folder).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            lines = len(path.read_text(encoding="utf-8").splitlines())
            if lines > LIMIT:
                over[str(path.relative_to(ROOT))] = lines
    assert over == {}, f"modules over {LIMIT} lines (split them by what they hold): {over}"
