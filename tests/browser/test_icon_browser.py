"""The service's icon in Chromium: the page's own icon link, on a page of the
site and of the admin, loads from static (200, an image) and draws under the
page's Content-Security-Policy (img-src 'self'). The browser's own
/favicon.ico request stays answered by the fixture's route (tests/browser/
conftest.py), as defence in depth; the file itself is tested in
tests/core/test_favicon.py."""

from __future__ import annotations

import pytest

from tests.factories import make_reviewer

pytestmark = pytest.mark.browser

# Fetch the linked icon, then draw it as an image: the image is what the CSP's
# img-src governs (a refused one fires onerror, and the console says why).
LOAD_ICON = """async () => {
  const links = [...document.querySelectorAll('link[rel="icon"]')];
  const href = links[0].getAttribute('href');
  const response = await fetch(href);
  const image = new Image();
  const width = await new Promise(done => {
    image.onload = () => done(image.naturalWidth);
    image.onerror = () => done(0);
    image.src = href;
  });
  return {links: links.length, href, status: response.status,
          type: response.headers.get('content-type'), width};
}"""


def assert_icon_loads(page) -> None:
    icon = page.evaluate(LOAD_ICON)
    assert icon["links"] == 1
    assert icon["href"].startswith("/static/") and icon["href"].endswith(".svg")
    assert icon["status"] == 200 and icon["type"].startswith("image/svg+xml")
    assert icon["width"] > 0, icon


def test_the_sites_and_the_admins_pages_load_their_icon_from_static(browser_page):
    b, page = browser_page, browser_page.page
    b.goto("/accounts/login/")
    assert_icon_loads(page)
    b.check("icon-login")

    b.sign_in_as(make_reviewer())
    b.goto("/admin/")
    assert_icon_loads(page)
    b.check_admin("icon-admin")
