"""The personal Atom feed (Django's syndication framework) of a user's stream, at a secret URL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.syndication.views import Feed
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import BaseParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User
from activities.api.ocs import xml_safe
from activities.rendering import RenderedItem, absolute_url, item_render
from activities.selectors import StreamFilter, StreamItem, feed_user_by_secret, stream_page

FEED_SIZE = 50


@dataclass(frozen=True)
class FeedOwner:
    """The user a feed URL belongs to, and the URL it was read at (the Feed instance is shared by threads).

    ``base_url`` is ``scheme://host`` of the request.
    """

    user: User
    path: str
    host: str
    base_url: str


@dataclass(frozen=True)
class FeedEntry:
    owner: FeedOwner
    item: StreamItem
    rendered: RenderedItem


class StreamFeed(Feed):  # type: ignore[type-arg]
    """Atom feed of the latest 50 activities of the user the secret URL belongs to; unknown secrets are 404.

    Text that XML 1.0 cannot carry (a control character in a name or message) is dropped, as in the OCS XML:
    Django's feed writer would otherwise fail the whole feed.

    Three queries: the user by the hash of the secret, then a stream page (the keyset selector of the OCS API).
    """

    feed_type = Atom1Feed
    item_guid_is_permalink = False

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().__call__(request, *args, **kwargs)
        # The URL is a credential: keep it out of shared caches, referrers and search engines.
        response["Cache-Control"] = "private, no-store"
        response["Referrer-Policy"] = "no-referrer"
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    def get_object(self, request: HttpRequest, secret: str) -> FeedOwner:
        user = feed_user_by_secret(secret=secret)
        if user is None:
            raise Http404("Unknown feed")
        host = request.get_host()
        return FeedOwner(user=user, path=request.path, host=host, base_url=f"{request.scheme}://{host}")

    def title(self, obj: FeedOwner) -> str:
        return xml_safe(f"Activity of {obj.user.shown_name}")

    def subtitle(self, obj: FeedOwner) -> str:
        return "What happened in the Activity Hub that concerns you."

    def link(self, obj: FeedOwner) -> str:
        return obj.path

    def items(self, obj: FeedOwner) -> list[FeedEntry]:
        page = stream_page(user_id=obj.user.pk, stream_filter=StreamFilter(), limit=FEED_SIZE)
        return [FeedEntry(obj, item, item_render(item, viewer_id=obj.user.pk)) for item in page.items]

    def item_title(self, item: FeedEntry) -> str:
        return xml_safe(item.rendered.subject.text)

    def item_description(self, item: FeedEntry) -> str:
        # Atom1Feed writes the description as ``<summary type="html">``: the plain message is escaped so that
        # a reader shows the text someone wrote instead of running it as HTML.
        return escape(xml_safe(item.rendered.message.text))

    def item_link(self, item: FeedEntry) -> str:
        """The activity's own http(s) or site link, else the site: never the feed's secret URL (entries get shared)."""
        return absolute_url(item.item.link, item.owner.base_url) or f"{item.owner.base_url}/"

    def item_guid(self, item: FeedEntry) -> str:
        return f"tag:{item.owner.host},2026:activity:{item.item.id}"

    def item_author_name(self, item: FeedEntry) -> str:
        return xml_safe(item.item.actor_name or item.item.actor_ref)

    def item_pubdate(self, item: FeedEntry) -> datetime:
        return item.item.created

    def item_updateddate(self, item: FeedEntry) -> datetime:
        return item.item.created

    def item_categories(self, item: FeedEntry) -> list[str]:
        return [xml_safe(item.item.source)]


class _FirstRendererNegotiation(BaseContentNegotiation):
    """Feed readers send all kinds of Accept headers: the feed is Atom and its errors JSON whatever they say."""

    def select_parser(self, request: Request, parsers: Any) -> BaseParser | None:
        return None

    def select_renderer(self, request: Request, renderers: Any, format_suffix: str | None = None) -> Any:
        renderer: BaseRenderer = renderers[0]
        return renderer, renderer.media_type


class StreamFeedApi(APIView):
    """``GET /feeds/{secret}``: the personal Atom feed (StreamFeed); the secret in the URL is the credential."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    throttle_classes: list[Any] = []
    renderer_classes = [JSONRenderer]
    content_negotiation_class = _FirstRendererNegotiation
    http_method_names = ["get", "head"]
    feed = StreamFeed()

    @extend_schema(
        summary="Personal Atom feed of the caller's stream (the URL shown on the administration page)",
        auth=[{}],  # type: ignore[list-item]
        responses={
            (200, "application/atom+xml"): OpenApiResponse(OpenApiTypes.STR, description="the latest 50 activities"),
            404: OpenApiResponse(
                inline_serializer(name="FeedNotFound", fields={"detail": serializers.CharField()}),
                description="unknown, reset or revoked feed URL, or an inactive user",
            ),
        },
    )
    def get(self, request: Request, secret: str) -> HttpResponse:
        return self.feed(request._request, secret=secret)
