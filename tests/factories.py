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


# Aggiefeed
from aggiefeed.models import ApiKey as AggiefeedApiKey
from aggiefeed.models import Approval as AggiefeedApproval
from aggiefeed.models import Post as AggiefeedPost
from aggiefeed.models import Source as AggiefeedSource


class AggiefeedSourceFactory(factory.django.DjangoModelFactory):
    """A department that may send to students, faculty and staff and needs one approval."""

    class Meta:
        model = AggiefeedSource
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Department {n}")
    approvals_needed = 1
    can_send_to = factory.LazyFunction(lambda: ["students", "faculty", "staff"])

    @factory.post_generation
    def approvers(self, create, extracted, **kwargs):
        if create and extracted:
            self.approvers.set(extracted)


class AggiefeedApiKeyFactory(factory.django.DjangoModelFactory):
    """Pass ``secret="..."`` to know the key; it is stored hashed like the real ones."""

    class Meta:
        model = AggiefeedApiKey
        exclude = ("secret",)

    source = factory.SubFactory(AggiefeedSourceFactory)
    secret = factory.Sequence(lambda n: f"aggiefeed-key-{n:04d}-" + "k" * 24)
    prefix = factory.LazyAttribute(lambda k: k.secret[:8])
    secret_hash = factory.LazyAttribute(lambda k: secret_hash(k.secret))


def _aggiefeed_document(post):
    return {
        "icon": "icon-comment-alt",
        "actor": {
            "id": post.source.ident,
            "objectType": "department",
            "displayName": post.source.name,
            "author": {"id": post.author_ref, "displayName": post.author_name},
        },
        "verb": "post",
        "title": post.title,
        "object": {
            "id": post.object_id,
            "ucdSrcId": post.object_id,
            "objectType": "notification",
            "content": post.content,
            "ucdEdusModel": {},
        },
        "to": {"groups": ["students"], "users": []},
        "published": post.published.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "ucdEdusMeta": {"labels": ["~academic"], "authzId": post.author_ref},
        "priority": 0,
    }


class AggiefeedPostFactory(factory.django.DjangoModelFactory):
    """A post row alone (no label/recipient rows, nothing in the shared store): use the services for those."""

    class Meta:
        model = AggiefeedPost

    source = factory.SubFactory(AggiefeedSourceFactory)
    object_id = factory.Sequence(lambda n: f"post-{n:05d}")
    status = AggiefeedPost.Status.APPROVAL
    author_ref = "author1"
    author_name = "Author One"
    title = factory.Sequence(lambda n: f"Post {n}")
    content = "Body"
    object_type = "notification"
    published = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    document = factory.LazyAttribute(_aggiefeed_document)


class AggiefeedApprovalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AggiefeedApproval

    post = factory.SubFactory(AggiefeedPostFactory)
    approver = factory.SubFactory(UserFactory)


# wopi
from wopi.models import WopiFile, WopiShare, WopiUserInfo


class WopiFileFactory(factory.django.DjangoModelFactory):
    """A WOPI file with bytes b"hello" in Django storage; pass ``content__data=b"..."`` for others."""

    class Meta:
        model = WopiFile

    owner = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"document-{n}.wopitest")
    content = factory.django.FileField(data=b"hello", filename="content.bin")
    size = factory.LazyAttribute(lambda f: f.content.size)


class WopiShareFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WopiShare

    file = factory.SubFactory(WopiFileFactory)
    user = factory.SubFactory(UserFactory)
    can_write = False


class WopiUserInfoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WopiUserInfo

    user = factory.SubFactory(UserFactory)
    info = "user info"
