"""OCS routes, each under both script prefixes (``/ocs/v1.php`` and ``/ocs/v2.php``, contract §1).

The version is passed to the views as ``ocs_version``; ``…/activity/filters`` is matched before
``…/activity/{filter}`` as upstream does.
"""

from django.urls import URLPattern, URLResolver, path

from activities.api.views import ActivityFilterListApi, ActivityStreamApi, CapabilitiesApi, CurrentUserApi

app_name = "activities-api"


def _routes(version: int) -> list[URLPattern | URLResolver]:
    prefix, kwargs = f"v{version}.php/", {"ocs_version": version}
    return [
        path(f"{prefix}apps/activity/api/v2/activity", ActivityStreamApi.as_view(), kwargs, name=f"v{version}-stream"),
        path(
            f"{prefix}apps/activity/api/v2/activity/filters",
            ActivityFilterListApi.as_view(),
            kwargs,
            name=f"v{version}-filter-list",
        ),
        path(
            f"{prefix}apps/activity/api/v2/activity/<str:filter_id>",
            ActivityStreamApi.as_view(),
            kwargs,
            name=f"v{version}-stream-filter",
        ),
        path(f"{prefix}cloud/capabilities", CapabilitiesApi.as_view(), kwargs, name=f"v{version}-capabilities"),
        path(f"{prefix}cloud/user", CurrentUserApi.as_view(), kwargs, name=f"v{version}-user"),
    ]


urlpatterns: list[URLPattern | URLResolver] = [*_routes(1), *_routes(2)]
