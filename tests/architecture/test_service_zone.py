"""Issue 20: pages run in the viewer's time zone (core/zones.TimeZoneMiddleware),
so the service's "today" is read through core/zones.py (the service's zone),
never through timezone.localdate(), which reads whatever zone is active.
Management commands run with no viewer."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "authorizations"


def test_no_service_today_in_the_viewers_zone():
    offenders = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
                 if "management" not in p.parts and p.name != "zones.py"
                 and "timezone.localdate()" in p.read_text(encoding="utf-8")]
    assert offenders == [], "use core.zones.today()"
