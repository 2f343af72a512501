import pytest
from django.contrib.sessions.models import Session

from accounts.models import AccessToken, AppPassword
from accounts.selectors import access_token_by_secret
from activities.selectors import feed_url
from activities.services import activity_record
from channels.models import Channel
from tests.factories import PASSWORD, ChannelFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, user):
    client.force_login(user)
    return client


def test_the_login_page_is_served_at_the_root_for_a_phone(client):
    response = client.get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<label for="id_username">User name</label>' in html
    assert "Content-Security-Policy" in response


@pytest.mark.parametrize(
    ("msg", "text"),
    [
        ("CONFIRMED", "Your registration is confirmed. You can now log in."),
        ("CONFIRMED_ALREADY", "Your registration was already confirmed. You can log in."),
    ],
)
def test_the_login_page_shows_the_registration_messages(client, msg, text):
    response = client.get(f"/?msg={msg}")

    assert text in response.content.decode()


def test_an_unknown_msg_shows_nothing(client):
    response = client.get("/?msg=<script>alert(1)</script>")

    assert "<script>" not in response.content.decode()
    assert 'class="note"' not in response.content.decode()


def test_the_user_name_comes_from_the_query_or_the_host(client, settings):
    settings.ALLOWED_HOSTS = [".pryv.localhost", "testserver"]

    by_query = client.get("/?userName=ann").content.decode()
    by_host = client.get("/", HTTP_HOST="carla.pryv.localhost").content.decode()

    assert 'value="ann"' in by_query
    assert 'value="carla"' in by_host


def test_logging_in_through_the_page_opens_the_administration_page(client, user):
    response = client.post("/", {"username": "ann", "password": PASSWORD}, follow=True)

    assert response.redirect_chain == [("/account/", 302)]
    assert "Administration of Ann Archer" in response.content.decode()


def test_a_wrong_password_on_the_page_is_refused(client, user):
    response = client.post("/", {"username": "ann", "password": "nope"})

    assert response.status_code == 401
    assert "The user name or password is wrong." in response.content.decode()
    assert not Session.objects.exists()


def test_the_page_login_is_throttled(client, user, settings):
    settings.LOGIN_THROTTLE_USER_LIMIT = 1
    client.post("/", {"username": "ann", "password": "nope"})

    response = client.post("/", {"username": "ann", "password": PASSWORD})

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_the_page_login_needs_csrf(user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/", {"username": "ann", "password": PASSWORD})

    assert response.status_code == 403


def test_the_administration_page_needs_a_login(client):
    response = client.get("/account/")

    assert response.status_code == 302
    assert response["Location"] == "/?next=/account/"


def test_the_administration_page_shows_the_users_things_only(browser, user, other_user):
    ChannelFactory(user=user, name="Work")
    ChannelFactory(user=other_user, name="Secret plans")
    AccessToken.objects.create(user=other_user, name="their-token")
    activity_record(source="test", type="did", actor=user, subject="Ann did a thing")

    html = browser.get("/account/").content.decode()

    assert "Work" in html
    assert "Secret plans" not in html
    assert "their-token" not in html
    assert "Ann did a thing" in html


@pytest.mark.parametrize("count", [1, 20])
def test_the_page_costs_a_fixed_number_of_queries(browser, user, count, django_assert_max_num_queries):
    for n in range(count):
        ChannelFactory(user=user)
        AccessToken.objects.create(user=user, name=f"t{n}")
        AppPassword.objects.create(user=user, name=f"a{n}", secret_hash=f"{n:064d}")
        activity_record(source="test", type="did", actor=user, subject=f"thing {n}")

    with django_assert_max_num_queries(12):
        response = browser.get("/account/")

    assert response.status_code == 200


def test_user_info_is_edited_on_the_page(browser, user):
    response = browser.post(
        "/account/user-info", {"email": "a@example.org", "display_name": "Ann", "language": "de"}, follow=True
    )

    user.refresh_from_db()
    assert (user.email, user.display_name, user.language) == ("a@example.org", "Ann", "de")
    assert "Your information is saved." in response.content.decode()


def test_bad_user_info_on_the_page_changes_nothing(browser, user):
    response = browser.post("/account/user-info", {"email": "nope", "language": "zz"}, follow=True)

    user.refresh_from_db()
    assert user.language == "en"
    assert "Enter a valid email address." in response.content.decode()


@pytest.mark.parametrize(
    ("path", "form"),
    [
        ("/account/user-info", {"email": "", "display_name": "two\nlines", "language": "en"}),
        ("/account/tokens", {"name": "new\nline", "kind": "shared", "channel": "*", "level": "read"}),
        ("/account/app-passwords", {"name": "bell\x07"}),
    ],
)
def test_names_with_control_characters_are_refused_on_the_page(browser, user, path, form):
    response = browser.post(path, form, follow=True)

    assert response.status_code == 200
    assert "Control characters are not allowed." in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Ann Archer"
    assert not AccessToken.objects.exists()
    assert not AppPassword.objects.exists()


def test_the_password_is_changed_on_the_page_and_the_browser_stays_in(browser, user):
    response = browser.post(
        "/account/password", {"old_password": PASSWORD, "new_password": "another-long-passphrase"}, follow=True
    )

    user.refresh_from_db()
    assert user.check_password("another-long-passphrase")
    assert response.status_code == 200
    assert "Your password is changed" in response.content.decode()
    assert browser.get("/account/").status_code == 200


def test_a_refused_new_password_on_the_page_tells_why(browser, user):
    response = browser.post("/account/password", {"old_password": PASSWORD, "new_password": "123"}, follow=True)

    html = response.content.decode()
    assert "The new password is not acceptable." in html
    assert "This password is too short." in html
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_a_token_created_on_the_page_shows_its_secret_once(browser, user):
    response = browser.post("/account/tokens", {"name": "phone", "kind": "shared", "channel": "*", "level": "read"})

    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = response.context["new_secret"]["value"]
    assert secret in response.content.decode()
    assert access_token_by_secret(secret=secret).name == "phone"
    assert secret not in browser.get("/account/").content.decode()


def test_a_token_is_revoked_on_the_page(browser, user):
    browser.post("/account/tokens", {"name": "phone", "kind": "personal", "level": "read"})

    response = browser.post("/account/tokens/revoke", {"name": "phone"}, follow=True)

    assert not AccessToken.objects.exists()
    assert "Token “phone” revoked." in response.content.decode()


def test_another_users_token_cannot_be_revoked_on_the_page(browser, other_user):
    AccessToken.objects.create(user=other_user, name="theirs")

    response = browser.post("/account/tokens/revoke", {"name": "theirs"}, follow=True)

    assert AccessToken.objects.filter(name="theirs").exists()
    assert "Unknown token" in response.content.decode()


def test_app_passwords_are_created_once_and_revoked_on_the_page(browser, user, other_user):
    created = browser.post("/account/app-passwords", {"name": "laptop"})
    theirs = AppPassword.objects.create(user=other_user, name="x", secret_hash="0" * 64)
    mine = AppPassword.objects.get(user=user)

    refused = browser.post("/account/app-passwords/revoke", {"app_password_id": theirs.pk}, follow=True)
    revoked = browser.post("/account/app-passwords/revoke", {"app_password_id": mine.pk}, follow=True)

    assert created.status_code == 201
    assert len(created.context["new_secret"]["value"]) >= 32
    assert AppPassword.objects.filter(pk=theirs.pk).exists()
    assert "The app password can&#x27;t be found." in refused.content.decode()
    assert not AppPassword.objects.filter(pk=mine.pk).exists()
    assert "App password revoked." in revoked.content.decode()


def test_channels_are_created_trashed_restored_and_deleted_on_the_page(browser, user):
    browser.post("/account/channels", {"name": "Diary"})
    ident = Channel.objects.get(user=user).ident

    browser.post("/account/channels/remove", {"ident": ident})
    trashed = Channel.objects.get(ident=ident).trashed
    browser.post("/account/channels/restore", {"ident": ident})
    restored = not Channel.objects.get(ident=ident).trashed
    browser.post("/account/channels/remove", {"ident": ident})
    browser.post("/account/channels/remove", {"ident": ident})

    assert trashed
    assert restored
    assert not Channel.objects.exists()


def test_another_users_channel_is_untouched_by_the_page(browser, other_user):
    theirs = ChannelFactory(user=other_user)

    response = browser.post("/account/channels/remove", {"ident": theirs.ident}, follow=True)

    theirs.refresh_from_db()
    assert not theirs.trashed
    assert "Unknown channel" in response.content.decode()


def test_the_feed_url_is_shown_and_reset_on_the_page(browser, user):
    browser.post("/account/feed")
    first = feed_url(user=user)
    browser.post("/account/feed")
    second = feed_url(user=user)

    html = browser.get("/account/").content.decode()

    assert first != second
    assert second in html
    assert first not in html


def test_logout_from_the_page_ends_the_session(browser):
    response = browser.post("/account/logout")

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert browser.get("/account/").status_code == 302


def test_page_actions_refuse_get(browser):
    assert browser.get("/account/tokens").status_code == 405
    assert browser.get("/account/logout").status_code == 405


def test_a_deactivated_user_cannot_use_the_page():
    from django.test import Client

    client = Client()
    someone = UserFactory()
    client.force_login(someone)
    someone.is_active = False
    someone.save()

    assert client.get("/account/").status_code == 302
