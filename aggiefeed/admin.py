"""Aggiefeed in the Django admin: sources and keys (superusers), and moderation (each source's approvers).

The approval queue and the live stream are two lists over proxy models. Who sees them comes from the
approver rows themselves, not from Django permissions (contract §8): an approver sees and acts on their
sources' posts only, a superuser on every source's. Every action goes through ``aggiefeed.services``, as
the API does, so approvals are counted per approver and the audit trail is written.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join

from accounts.models import User
from aggiefeed import selectors, services
from aggiefeed.models import AUDIENCES, SYSTEM_LABELS, ApiKey, LivePost, ModerationRecord, PendingPost, Post, Source
from config.errors import DomainError


def _moderator(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) and user.is_active and user.is_staff else None


def _moderates(request: HttpRequest) -> bool:
    """Whether the signed-in staff user moderates some source; remembered on the request (asked several times)."""
    cached = getattr(request, "_aggiefeed_moderates", None)
    if cached is None:
        user = _moderator(request)
        cached = user is not None and selectors.moderates_any(user=user)
        request._aggiefeed_moderates = cached  # type: ignore[attr-defined]
    return bool(cached)


class SourceForm(forms.ModelForm[Source]):
    can_send_to = forms.MultipleChoiceField(
        choices=[(name, name) for name in AUDIENCES], widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Source
        fields = ("ident", "name", "kind", "approvers", "approvals_needed", "can_send_to", "notify_approvers")


class ApiKeyInline(admin.TabularInline[ApiKey, Source]):
    model = ApiKey
    extra = 0
    fields = ("prefix", "name", "staff_scope", "is_active", "created")
    readonly_fields = ("prefix", "created")

    def has_add_permission(self, request: HttpRequest, obj: Source | None = None) -> bool:
        return False  # a key is minted by the service and its secret shown once (ApiKey admin or the command)


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin[Source]):
    form = SourceForm
    list_display = ("name", "ident", "kind", "approvals_needed", "audiences", "approver_count")
    search_fields = ("name", "ident")
    list_filter = ("kind",)
    filter_horizontal = ("approvers",)
    inlines = [ApiKeyInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Source]:
        return super().get_queryset(request).annotate(approver_total=Count("approvers", distinct=True))

    @admin.display(description="may send to")
    def audiences(self, obj: Source) -> str:
        return ", ".join(obj.can_send_to)

    @admin.display(description="approvers", ordering="approver_total")
    def approver_count(self, obj: Source) -> int:
        return int(getattr(obj, "approver_total", 0))


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    """Adding a key mints its secret through ``api_key_create`` and shows it once, in the confirmation message."""

    list_display = ("source", "prefix", "name", "staff_scope", "is_active", "created")
    list_filter = ("staff_scope", "is_active", "source")
    search_fields = ("name", "prefix", "source__name", "source__ident")
    list_select_related = ("source",)
    fields = ("source", "name", "staff_scope", "is_active", "prefix", "created")
    readonly_fields = ("prefix", "created")

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        key, secret = services.api_key_create(source=obj.source, name=obj.name, staff_scope=obj.staff_scope)
        obj.pk, obj.prefix, obj.secret_hash, obj.created = key.pk, key.prefix, key.secret_hash, key.created
        obj._state.adding = False
        messages.warning(
            request, f"The new API key is {secret} — copy it now: it is stored hashed and not shown again."
        )


class ChoiceListFilter(admin.SimpleListFilter):
    """A list filter that takes only one of its own choices.

    A hand-edited value (``?source=abc``, a NUL, another source's id) sends the user back to the list with
    the admin's "invalid filter" notice (``?e=1``), like Django's own filters, instead of reaching the query.
    """

    def chosen(self) -> str | None:
        value = self.value()
        if value is None:
            return None
        if value not in {str(key) for key, _ in self.lookup_choices}:
            raise IncorrectLookupParameters(f"Unknown {self.parameter_name} {value!r}.")
        return str(value)


class LabelFilter(ChoiceListFilter):
    title = "label"
    parameter_name = "label"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(label, label) for label in SYSTEM_LABELS]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        label = self.chosen()
        return queryset.filter(label_rows__label=label) if label else queryset


class AudienceFilter(ChoiceListFilter):
    title = "group"
    parameter_name = "group"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(name, name) for name in AUDIENCES]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        group = self.chosen()
        return queryset.filter(recipients__kind="g", recipients__name=group) if group else queryset


class ModeratedSourceFilter(ChoiceListFilter):
    """The sources the signed-in user moderates (all for a superuser)."""

    title = "source"
    parameter_name = "source"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        user = _moderator(request)
        if user is None:
            return []
        sources = Source.objects.all() if user.is_superuser else Source.objects.filter(approvers=user)
        return [(str(pk), name) for pk, name in sources.values_list("pk", "name")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        source_id = self.chosen()
        return queryset.filter(source_id=int(source_id)) if source_id else queryset


class RejectForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=2000, required=False)


class ModeratorsReadOnly:
    """Admin lists that approvers may see (their sources' rows, see ``_moderates``) and never edit in place:
    changes go through the moderation actions, which call the same services as the API."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _moderates(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _moderates(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ModerationAdmin(ModeratorsReadOnly, admin.ModelAdmin[Post]):
    """Shared shape of the two moderation lists: read-only rows, filters, search, a preview, service actions."""

    status: str = Post.Status.APPROVAL
    list_display: tuple[str, ...] = ("title", "source", "author_ref", "labels", "audience", "published", "start_date")
    list_filter = (
        ModeratedSourceFilter,
        LabelFilter,
        AudienceFilter,
        ("published", admin.DateFieldListFilter),
        ("start_date", admin.DateFieldListFilter),
    )
    search_fields = ("title", "content", "author_ref", "object_id")
    date_hierarchy = "published"
    list_select_related = ("source",)
    fields = ("preview", "object_id", "source", "author_ref", "author_name", "published", "history")
    readonly_fields = fields
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        user = _moderator(request)
        if user is None:
            return Post.objects.none()
        return selectors.posts_moderated(user=user).filter(status=self.status).prefetch_related("approvals")

    @admin.display(description="labels")
    def labels(self, obj: Post) -> str:
        return ", ".join(obj.document["ucdEdusMeta"]["labels"])

    @admin.display(description="to")
    def audience(self, obj: Post) -> str:
        to = obj.document["to"]
        return ", ".join([*to["groups"], *to["users"][:5]]) + (" …" if len(to["users"]) > 5 else "")

    @admin.display(description="preview")
    def preview(self, obj: Post) -> str:
        to, meta = obj.document["to"], obj.document["ucdEdusMeta"]
        model = obj.document["object"]["ucdEdusModel"]
        link = (
            format_html(
                '<p><a href="{}" rel="noopener noreferrer">{}</a></p>', obj.url, model.get("urlDisplayName") or obj.url
            )
            if obj.url.startswith(("http://", "https://"))
            else ""
        )
        return format_html(
            '<div class="aggiefeed-preview"><h2>{}</h2><p style="white-space: pre-wrap">{}</p>{}'
            "<p><strong>From</strong> {} ({}) · <strong>to</strong> {} · <strong>labels</strong> {}</p>"
            "<p><strong>Shown</strong> from {} until {}</p></div>",
            obj.title,
            obj.content,
            link,
            obj.document["actor"]["displayName"],
            obj.author_name,
            ", ".join([*to["groups"], *to["users"]]) or "nobody",
            ", ".join(meta["labels"]),
            meta.get("startDate", "now"),
            meta.get("endDate", "no end"),
        )

    @admin.display(description="audit trail")
    def history(self, obj: Post) -> str:
        records = ModerationRecord.objects.filter(object_id=obj.object_id).select_related("user", "api_key")
        rows = [
            (
                record.created.strftime("%Y-%m-%d %H:%M"),
                record.action,
                record.user or record.api_key or "-",
                record.reason,
            )
            for record in records
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} {} by {} {}</li>", rows))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _run(self, request: HttpRequest, queryset: QuerySet[Post], action: Any) -> int:
        """Apply ``action(user, object_id)`` to each selected post; a post that moved meanwhile is reported."""
        user = _moderator(request)
        done = 0
        if user is None:
            return done
        for object_id in queryset.values_list("object_id", flat=True):
            try:
                action(user, object_id)
                done += 1
            except DomainError as exc:
                messages.warning(request, f"{object_id}: {exc.message}")
        return done


@admin.register(PendingPost)
class PendingPostAdmin(ModerationAdmin):
    status = Post.Status.APPROVAL
    list_display = (*ModerationAdmin.list_display, "approvals_shown")
    actions = ["approve_selected", "reject_selected"]

    @admin.display(description="approvals")
    def approvals_shown(self, obj: Post) -> str:
        return f"{len(obj.approvals.all())}/{max(obj.source.approvals_needed, 1)}"

    @admin.action(description="Approve selected posts")
    def approve_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        live: list[str] = []

        def approve(user: User, object_id: str) -> None:
            post, _ = services.post_approve(user=user, object_id=object_id)
            if post.status == Post.Status.LIVE:
                live.append(object_id)

        done = self._run(request, queryset, approve)
        messages.success(request, f"Approved {done} post(s); {len(live)} went live.")

    @admin.action(description="Reject selected posts…")
    def reject_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> HttpResponse | None:
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if "confirm" in request.POST and form.is_valid():
            reason = form.cleaned_data["reason"]
            done = self._run(
                request,
                queryset,
                lambda user, object_id: services.post_reject(user=user, object_id=object_id, reason=reason),
            )
            messages.success(request, f"Rejected {done} post(s).")
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Reject posts",
            "opts": self.model._meta,
            "posts": queryset,
            "form": form,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "selected": [str(pk) for pk in queryset.values_list("pk", flat=True)],
        }
        return TemplateResponse(request, "admin/aggiefeed/reject.html", context)


@admin.register(LivePost)
class LivePostAdmin(ModerationAdmin):
    status = Post.Status.LIVE
    list_display = (*ModerationAdmin.list_display, "went_live")
    actions = ["unpublish_selected"]

    @admin.action(description="Unpublish selected posts (back to the approval queue)")
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Post]) -> None:
        done = self._run(
            request, queryset, lambda user, object_id: services.post_unpublish(user=user, object_id=object_id)
        )
        messages.success(request, f"Unpublished {done} post(s).")


@admin.register(ModerationRecord)
class ModerationRecordAdmin(ModeratorsReadOnly, admin.ModelAdmin[ModerationRecord]):
    """The audit trail, read-only; an approver sees their sources' records."""

    list_display = ("created", "action", "title", "object_id", "source", "user", "api_key", "reason")
    list_filter = ("action", ModeratedSourceFilter, ("created", admin.DateFieldListFilter))
    search_fields = ("title", "object_id", "reason", "user__username")
    list_select_related = ("source", "user", "api_key__source")
    date_hierarchy = "created"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ModerationRecord]:
        user = _moderator(request)
        records = super().get_queryset(request)
        if user is None:
            return records.none()
        return records if user.is_superuser else records.filter(source__approvers=user)
