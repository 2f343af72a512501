import pytest

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_chromium_renders_the_django_admin_login(browser_page):
    browser_page.goto("/admin/login/")

    assert browser_page.locator("input[name=username]").is_visible()
    assert browser_page.title().startswith("Log in")
