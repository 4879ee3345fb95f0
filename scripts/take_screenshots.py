#!/usr/bin/env python3
"""Save screenshots of a running Linkwell with the demo data into docs/screenshots/ (run by hand, not in CI).

Start a server with the demo data first (`make run`, or `linkwell demo` then `linkwell runserver`), then:

    .venv/bin/python scripts/take_screenshots.py http://127.0.0.1:8000

It signs in through the real form as the demo link worker and scheme manager, using Debian's Chromium.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "linkwell-demo"  # noqa: S105 — the published password of the fictional demo accounts
LINK_WORKER = "linkworker@demo.linkwell.example"
MANAGER = "manager@demo.linkwell.example"
# Common starts of demo surnames and first names; the first that finds someone gives the person page.
SEARCHES = ("Ma", "Jo", "Sa", "Wi", "Br", "Ha", "Th", "Sm")


def sign_in(page: Page, email: str) -> None:
    page.goto("/accounts/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Linkwell")


def open_a_person(page: Page) -> None:
    for words in SEARCHES:
        page.goto(f"/people/?q={words}")
        first = page.locator("#results table a").first
        if first.count():
            first.click()
            expect(page.get_by_role("heading", name="Details")).to_be_visible()
            return
    raise SystemExit("No demo person found: load the demo data with `linkwell demo` first")


def save(page: Page, out: Path, name: str, *, max_height: int = 1300) -> None:
    """The top of the whole page, up to max_height pixels: enough to show what the page is for."""
    path = out / f"{name}.png"
    height = min(int(page.evaluate("document.documentElement.scrollHeight")), max_height)
    page.screenshot(path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": 1024, "height": height})
    print(f"  {path} ({path.stat().st_size // 1024} KB)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("base_url", nargs="?", default="http://127.0.0.1:8000", help="the running server")
    parser.add_argument("--out", type=Path, default=DOCS, help=f"folder for the PNGs (default {DOCS})")
    args = parser.parse_args(argv)
    base_url: str = args.base_url.rstrip("/")
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        context = browser.new_context(base_url=base_url, viewport={"width": 1024, "height": 768})
        # Only the server under test: the NHS web fonts on assets.nhs.uk would otherwise stall offline machines.
        context.route(lambda url: not url.startswith(base_url + "/"), lambda route: route.abort())
        page = context.new_page()

        print(f"Screenshots of {base_url} into {out}:")
        page.goto("/accounts/sign-in/")
        save(page, out, "sign-in")

        sign_in(page, LINK_WORKER)
        save(page, out, "link-worker-home")
        open_a_person(page)
        save(page, out, "person")
        sign_out(page)

        sign_in(page, MANAGER)
        page.goto("/accounts/scheme/audit/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
        save(page, out, "audit-log")

        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
