"""The peer's stream: django-activity-stream's user stream, listed by a plain DRF ListAPIView."""

from collections.abc import Callable
from typing import Any

from actstream.models import Action
from django.db import connection
from django.http import HttpRequest, HttpResponse
from rest_framework import generics, serializers


class QueryCountMiddleware:
    """Says how many SQL statements the request ran (``X-Bench-Queries``), as the floor does."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        queries = 0

        def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = self.get_response(request)
        response["X-Bench-Queries"] = str(queries)
        return response


class ActionSerializer(serializers.ModelSerializer[Action]):
    actor = serializers.StringRelatedField()
    action_object = serializers.StringRelatedField()
    target = serializers.StringRelatedField()

    class Meta:
        model = Action
        fields = ["id", "actor", "verb", "action_object", "target", "description", "timestamp"]


class StreamView(generics.ListAPIView[Action]):
    """The caller's stream, newest first; ``since`` (an action id) pages on, ``limit`` sizes the page."""

    serializer_class = ActionSerializer

    def get_queryset(self) -> Any:
        stream = Action.objects.user(self.request.user, with_user_activity=True)
        since = int(self.request.query_params.get("since", "0") or 0)
        if since:
            stream = stream.filter(id__lt=since)
        limit = min(int(self.request.query_params.get("limit", "50") or 50), 200)
        return stream.order_by("-timestamp", "-id").prefetch_related("actor", "action_object", "target")[:limit]
