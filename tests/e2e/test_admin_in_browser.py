"""An admin's first minutes, in a real browser against `almpo run`."""

import pytest

pytestmark = pytest.mark.browser


def sign_in(page, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/auth/sign-in")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_admin_signs_in_creates_a_facilitator_and_signs_out(page, platform):
    password = platform.admin_password()
    assert platform.output().count(password) == 1  # printed once

    sign_in(page, platform.url, "admin", password)
    page.get_by_role("heading", name="Dashboard").wait_for()
    assert page.locator("[data-figure=practices]").inner_text() != "0"  # demo content is there

    page.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Create a user").click()
    page.get_by_label("User name").fill("fatima")
    page.get_by_label("Full name (optional)").fill("Fatima Facilitator")
    page.get_by_label("Role").select_option("facilitator")
    page.get_by_role("button", name="Create").click()
    page.get_by_role("heading", name="User created").wait_for()
    facilitator_password = page.locator("[data-password]").inner_text()
    assert len(facilitator_password) >= 16

    page.get_by_role("link", name="Back to users").click()
    row = page.locator("tr[data-username=fatima]")
    assert "Facilitator" in row.locator("select option:checked").inner_text()

    page.get_by_role("button", name="Sign out (admin)").click()
    page.get_by_text("You are signed out.").wait_for()

    sign_in(page, platform.url, "fatima", facilitator_password)
    page.get_by_text("Signed in as").wait_for()
    assert "Fatima Facilitator" in page.locator("main").inner_text()
    assert page.get_by_role("link", name="Users").count() == 0
    response = page.goto(f"{platform.url}/admin/users")
    assert response.status == 403


def test_a_wrong_password_is_explained_in_the_form(page, platform):
    sign_in(page, platform.url, "admin", "certainly-not-it")
    error = page.locator(".field-error")
    error.wait_for()
    assert error.inner_text() == "Wrong user name or password."
    assert page.get_by_label("Password").get_attribute("aria-invalid") == "true"
