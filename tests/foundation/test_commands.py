import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from activities.models import Activity
from channels.models import Channel

pytestmark = pytest.mark.django_db


def test_adduser_creates_a_user_with_an_argon2_password_and_groups(capsys):
    call_command("adduser", "zoe", "--password", "a-long-enough-secret", "--email", "z@example.edu", "--group", "staff")

    user = User.objects.get(username="zoe")
    assert user.password.startswith("argon2")
    assert user.check_password("a-long-enough-secret")
    assert list(user.groups.values_list("name", flat=True)) == ["staff"]
    assert "Created user zoe (staff)." in capsys.readouterr().out


def test_adduser_refuses_an_existing_name_whatever_its_case():
    call_command("adduser", "zoe", "--password", "a-long-enough-secret")

    with pytest.raises(CommandError, match="already exists"):
        call_command("adduser", "ZOE", "--password", "another-secret-1")


def test_seed_demo_is_idempotent_and_prints_credentials(capsys):
    call_command("seed_demo")
    counts = (User.objects.count(), Channel.objects.count(), Activity.objects.count())
    first = capsys.readouterr()

    call_command("seed_demo")

    assert (User.objects.count(), Channel.objects.count(), Activity.objects.count()) == counts
    assert "ann    / demo-password-2026" in first.out
    assert "Seeding demo" in first.err
    assert set(Activity.objects.values_list("source", flat=True)) >= {"channels", "wopi", "aggiefeed"}
