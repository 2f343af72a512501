"""factory-boy factories, one per model (all apps share models, so one module)."""

from __future__ import annotations

import time as _time

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import AccessToken, AccessTokenCredential, AppPassword, TokenPermission, User
from accounts.secrets import secret_hash
from activities.models import Activity, StreamEntry
from channels.models import Attachment, Channel, Event, Folder

PASSWORD = "correct-horse-battery-staple"


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"group-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.edu")
    display_name = factory.Faker("name")
    language = "en"
    password = factory.django.Password(PASSWORD)


class AccessTokenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessToken

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"token-{n}")
    kind = AccessToken.Kind.SHARED


class AccessTokenCredentialFactory(factory.django.DjangoModelFactory):
    """Pass ``secret="..."`` to know the credential; it is stored hashed like the real ones."""

    class Meta:
        model = AccessTokenCredential
        exclude = ("secret",)

    token = factory.SubFactory(AccessTokenFactory)
    secret = factory.Sequence(lambda n: f"secret-credential-{n:04d}-" + "x" * 24)
    secret_hash = factory.LazyAttribute(lambda c: secret_hash(c.secret))


class TokenPermissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TokenPermission

    token = factory.SubFactory(AccessTokenFactory)
    channel_ref = "*"
    level = TokenPermission.Level.READ


class AppPasswordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppPassword
        exclude = ("secret",)

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"app-{n}")
    secret = factory.Sequence(lambda n: f"app-password-{n:04d}-" + "y" * 24)
    secret_hash = factory.LazyAttribute(lambda a: secret_hash(a.secret))


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    user = factory.SubFactory(UserFactory)
    ident = factory.Sequence(lambda n: f"channel-{n}")
    name = factory.Sequence(lambda n: f"Channel {n}")


class FolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Folder

    channel = factory.SubFactory(ChannelFactory)
    user = factory.SelfAttribute("channel.user")
    parent = None
    ident = factory.Sequence(lambda n: f"folder-{n}")
    name = factory.Sequence(lambda n: f"Folder {n}")


class EventFactory(factory.django.DjangoModelFactory):
    """A mark event by default; pass ``is_period=True, duration=...`` (None: running) for a period."""

    class Meta:
        model = Event

    channel = factory.SubFactory(ChannelFactory)
    user = factory.SelfAttribute("channel.user")
    folder = None
    ident = factory.Sequence(lambda n: f"event-{n}")
    time = factory.Sequence(lambda n: 1_700_000_000.0 + n * 60)
    duration = None
    is_period = False
    type_class = "note"
    type_format = "txt"
    modified = factory.LazyFunction(_time.time)


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    event = factory.SubFactory(EventFactory)
    key = factory.Sequence(lambda n: f"file{n}")
    file_name = factory.Sequence(lambda n: f"file{n}.txt")
    content_type = "text/plain"
    size = 5
    file = factory.django.FileField(data=b"hello", filename="file.txt")


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity row alone; use ``activities.services.activity_record`` to also fan it out."""

    class Meta:
        model = Activity

    source = "channels"
    type = "event_recorded"
    actor = factory.SubFactory(UserFactory)
    actor_ref = factory.SelfAttribute("actor.username")
    actor_name = factory.SelfAttribute("actor.display_name")
    subject = "{actor} did something"
    subject_params = factory.LazyAttribute(
        lambda a: {"actor": {"type": "user", "id": a.actor.username, "name": a.actor.display_name}}
    )
    created = factory.LazyFunction(timezone.now)


class StreamEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StreamEntry

    activity = factory.SubFactory(ActivityFactory)
    user = factory.SubFactory(UserFactory)
    source = factory.SelfAttribute("activity.source")
    by_self = False
