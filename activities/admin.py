"""Admin of the activity store: tables that grow without bound, so no list reads the distinct values of a column."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.http import HttpRequest

from activities import registry
from activities.models import Activity, StreamEntry


class SourceFilter(admin.SimpleListFilter):
    """The registered sources (from the registry, not a DISTINCT over the table); another value is refused.

    A hand-edited ``?source=`` sends the user back with the admin's "invalid filter" notice, like Django's own
    filters.
    """

    title = "source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(source.id, source.name) for source in registry.sources()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value is None:
            return queryset
        if registry.source_get(str(value)) is None:
            raise IncorrectLookupParameters(f"Unknown source {value!r}.")
        return queryset.filter(source=value)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ("id", "created", "source", "type", "actor_name", "object_type", "object_name", "is_public")
    list_filter = (SourceFilter, "is_public", "created")
    search_fields = ("subject", "message", "object_name", "object_id", "actor_name", "actor_ref")
    raw_id_fields = ("actor",)
    filter_horizontal = ("groups",)
    show_full_result_count = False  # the table is large: no COUNT(*) on every page


@admin.register(StreamEntry)
class StreamEntryAdmin(admin.ModelAdmin[StreamEntry]):
    list_display = ("id", "user", "activity", "source", "by_self")
    list_filter = (SourceFilter, "by_self")
    search_fields = ("user__username",)
    list_select_related = ("user", "activity")
    raw_id_fields = ("user", "activity")
    show_full_result_count = False
