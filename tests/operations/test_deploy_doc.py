"""docs/deploy.md is what bin/deploy-smoke runs: its "By the book" blocks
are found the way the script finds them, name files that exist, and fill in
every placeholder of the nginx site (CI runs the blocks themselves)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "deploy.md").read_text()
# The same pattern as bin/deploy-smoke's.
BLOCKS = re.findall(r"^```sh (step|service \w+|check|backup|drill)\n(.*?)^```$", DOC,
                    re.M | re.S)


def test_the_smoke_script_finds_the_same_blocks():
    script = (ROOT / "bin" / "deploy-smoke").read_text()
    assert r'"^```sh (step|service \w+|check|backup|drill)\n(.*?)^```$"' in script
    kinds = [kind for kind, _ in BLOCKS]
    assert kinds.count("step") >= 8
    assert {"service gunicorn", "service worker", "service nginx", "check", "backup",
            "drill"} <= set(kinds)


def test_the_steps_migrate_as_the_owner_collect_static_and_make_a_certificate():
    steps = "".join(body for kind, body in BLOCKS if kind == "step")
    for needed in ("bin/install-system-packages --deploy", "bin/create-db-roles",
                   "MIGRATE_DATABASE_URL=", "manage.py migrate", "collectstatic --no-input",
                   "check --deploy", "openssl req -x509", "nginx -t"):
        assert needed in steps, needed
    assert steps.index("manage.py migrate") < steps.index("collectstatic")


def test_every_file_the_steps_name_exists_and_every_placeholder_is_filled():
    steps = "".join(body for kind, body in BLOCKS if kind == "step")
    for path in re.findall(r"(?<![\w./])(?:deploy|bin|requirements)/[\w./-]+", steps):
        if "$" not in path:
            assert (ROOT / path).exists(), path
    for unit in ("hemgenix", "hemgenix-worker"):
        assert (ROOT / "deploy" / "systemd" / f"{unit}.service").exists()
    template = (ROOT / "deploy" / "nginx" / "hemgenix.conf").read_text()
    filled = set(re.findall(r's\|@(\w+)@\|', steps))
    assert set(re.findall(r"@(\w+)@", template)) == filled


def test_the_nginx_site_logs_no_query_string_and_overwrites_the_proxy_headers():
    site = (ROOT / "deploy" / "nginx" / "hemgenix.conf").read_text()
    log_format = re.search(r"log_format hemgenix (.*?);", site, re.S).group(1)
    assert "$request " not in log_format and "$args" not in log_format
    assert "$http_referer" not in log_format and "$request_uri" not in log_format
    assert "proxy_set_header X-Forwarded-For   $remote_addr;" in site
    assert "$proxy_add_x_forwarded_for" not in site.split("#")[0]
