from django.contrib import admin

from channels.models import Attachment, Channel, Event, Folder


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ("name", "ident", "user", "enforce_no_events_overlap", "trashed", "created")
    list_filter = ("trashed", "enforce_no_events_overlap")
    search_fields = ("name", "ident", "user__username")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(Folder)
class FolderAdmin(admin.ModelAdmin[Folder]):
    list_display = ("name", "ident", "channel", "parent", "hidden", "trashed")
    list_filter = ("hidden", "trashed")
    search_fields = ("name", "ident", "channel__name", "user__username")
    list_select_related = ("channel", "parent")
    raw_id_fields = ("user", "channel", "parent")


class AttachmentInline(admin.TabularInline[Attachment, Event]):
    model = Attachment
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    list_display = ("ident", "channel", "folder", "time", "duration", "is_period", "type_class", "trashed")
    list_filter = ("is_period", "trashed", "type_class")
    search_fields = ("ident", "description", "channel__name", "user__username")
    list_select_related = ("channel", "folder")
    raw_id_fields = ("user", "channel", "folder")
    inlines = [AttachmentInline]


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin[Attachment]):
    list_display = ("file_name", "event", "content_type", "size")
    search_fields = ("file_name", "event__ident")
    list_select_related = ("event",)
    raw_id_fields = ("event",)
