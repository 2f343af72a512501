import pytest

from accounts.models import AccessToken
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_person_logs_in_creates_a_token_sees_it_revokes_it_and_logs_out(browser_page):
    UserFactory(username="ann", display_name="Ann Archer")
    page = browser_page

    page.goto("/?userName=ann")
    assert page.get_by_label("User name").input_value() == "ann"
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account/")
    assert page.get_by_role("heading", name="Administration of Ann Archer").is_visible()

    page.get_by_label("Token name").fill("my phone")
    page.get_by_label("Level").select_option("contribute")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-secret").inner_text().strip()
    assert len(secret) >= 32
    assert page.locator("#tokens .token-name", has_text="my phone").is_visible()
    assert AccessToken.objects.get(name="my phone").permissions.get().level == "contribute"

    page.get_by_role("button", name="Revoke token my phone").click()
    page.wait_for_url("**/account/")
    assert page.get_by_text("Token “my phone” revoked.").is_visible()
    assert page.locator("#tokens .token-name").count() == 0
    assert secret not in page.content()
    assert not AccessToken.objects.exists()

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    assert page.get_by_role("heading", name="Log in to administration").is_visible()
    page.goto("/account/")
    assert page.get_by_role("button", name="Log in").is_visible()


def test_the_administration_page_fits_a_phone(browser_page):
    UserFactory(username="bob")
    page = browser_page
    page.set_viewport_size({"width": 360, "height": 740})

    page.goto("/")
    page.get_by_label("User name").fill("bob")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/account/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 360
