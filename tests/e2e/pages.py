"""What every journey does on a page: sign in through the real form, and check accessibility with axe-core."""

from __future__ import annotations

from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from linkwell.accounts.models import Membership

PASSWORD = "correct-horse-battery"  # every user in the test cast (linkwell/testing/factories.py)
BLOCKING_IMPACTS = ("serious", "critical")

_axe = Axe()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """The serious and critical axe-core violations on the page as it stands."""
    results = _axe.run(page)
    return [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]


def describe_violations(violations: list[dict[str, Any]]) -> str:
    """One readable block per violated rule: what, where (selector and markup), and how to fix it."""
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']}\n  {v['helpUrl']}")
        for node in v["nodes"][:10]:
            lines.append(f"    at {', '.join(str(t) for t in node['target'])}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", "\n       ")
            if summary:
                lines.append(f"       {summary}")
    return "\n".join(lines)


def axe_check(page: Page) -> None:
    """Fail the test if axe-core finds a serious or critical accessibility problem on the page."""
    # After a click the new page's heading can be in the DOM before its styles and scripts have run.
    page.wait_for_load_state("load")
    violations = axe_violations(page)
    assert not violations, f"Accessibility problems on {page.url}:\n{describe_violations(violations)}"


def sign_in(page: Page, membership: Membership, password: str = PASSWORD) -> None:
    """Sign in through the real form, as the membership's user, and land on the home page."""
    page.goto("/accounts/sign-in/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Linkwell")
    page.get_by_label("Email address").fill(membership.user.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def choose_from_menu(page: Page, name: str) -> None:
    """Follow a header menu link the way a person would: through "More" when the header has folded it away."""
    page.wait_for_load_state("load")  # the header folds its links into "More" once its script has run
    menu = page.get_by_role("navigation", name="Menu")
    more = menu.get_by_role("button", name="More")
    if more.is_visible():
        more.click()
        axe_check(page)
    menu.get_by_role("link", name=name, exact=True).click()


def fill_date(page: Page, legend: str, day: str, month: str, year: str) -> None:
    """Type a date into the NHS date input whose fieldset is called `legend`."""
    fields = page.get_by_role("group", name=legend)
    fields.get_by_label("Day").fill(day)
    fields.get_by_label("Month").fill(month)
    fields.get_by_label("Year").fill(year)


def expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    page.wait_for_load_state("load")
    return int(page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth"))
