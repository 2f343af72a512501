from django.contrib import admin

from activities.models import Activity, StreamEntry


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin[Activity]):
    list_display = ("id", "created", "source", "type", "actor_name", "object_type", "object_name", "is_public")
    list_filter = ("source", "type", "is_public", "created")
    search_fields = ("subject", "message", "object_name", "object_id", "actor_name", "actor_ref")
    date_hierarchy = "created"
    raw_id_fields = ("actor",)
    filter_horizontal = ("groups",)
    show_full_result_count = False  # the table is large: no COUNT(*) on every page


@admin.register(StreamEntry)
class StreamEntryAdmin(admin.ModelAdmin[StreamEntry]):
    list_display = ("id", "user", "activity", "source", "by_self")
    list_filter = ("source", "by_self")
    search_fields = ("user__username",)
    list_select_related = ("user",)
    raw_id_fields = ("user", "activity")
    show_full_result_count = False
