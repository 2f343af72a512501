"""The benchmark's scenarios: one request shape each, sent alike to the project, the floor and the peer."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from bench import dataset as ds
from bench import loader
from bench.config import BENCH_DIR

LUA_DIR = BENCH_DIR / "lua"
STREAM_USER = 2  # a typical user (user 1 also owns the WOPI file)
PRYV_USER = 1
EVENTS_CHANNEL = loader.channel_ident(PRYV_USER, 0)


@dataclass(frozen=True)
class Scenario:
    """One request, or a Lua ``request()`` body for requests that must differ (ingest: unique ids).

    ``per_request`` is how many items one request stores (AddActivities batches of 100), so that rates
    can be compared in items per second. ``peer`` is the peer's path when the peer serves this scenario.
    """

    name: str
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    lua_request: str = ""
    expect: tuple[int, ...] = (200,)
    peer: str | None = None
    floor: bool = True
    per_request: int = 1
    list_endpoint: bool = True


def _lua(name: str, **values: str) -> str:
    text = (LUA_DIR / name).read_text()
    for key, value in values.items():
        text = text.replace(f"@@{key}@@", value)
    return text


def _basic(user: int) -> str:
    name = f"user{user:05d}"
    return "Basic " + base64.b64encode(f"{name}:{ds.app_password_plain(user)}".encode()).decode()


OCS_HEADERS = {"OCS-APIRequest": "true", "Accept": "application/json"}


def build(
    *, next_since: int, wopi_token: str, events_window: tuple[float, float], folders_base: float
) -> list[Scenario]:
    """Every scenario, given the values that depend on the loaded data (a cursor, a minted token, times)."""
    stream = "/ocs/v2.php/apps/activity/api/v2/activity"
    ocs_auth = {**OCS_HEADERS, "Authorization": _basic(STREAM_USER)}
    wopi = f"/wopi/files/{loader.WOPI_FILE_ID}/activities?access_token={wopi_token}"
    pryv_auth = {"Authorization": loader.pryv_token(PRYV_USER)}
    start, end = events_window
    channels = [(u, loader.channel_ident(u, k)) for u in range(1, loader.PRYV_USERS + 1) for k in (0, 1)]
    # A leaf folder of each channel (folder number 25 of its tree, see loader._channels).
    slots = ", ".join(
        f'{{"{loader.pryv_token(u)}", "{ch}", "bench-f-{i + 1}-25"}}' for i, (u, ch) in enumerate(channels)
    )
    add_lua = _lua("wopi_add.lua", PATH=wopi)
    aggiefeed_lua = _lua("aggiefeed_post.lua", SOURCE=loader.AGGIEFEED_SOURCE, KEY=loader.AGGIEFEED_KEY)
    start_stop_lua = _lua("start_stop.lua", CHANNELS=slots)
    return [
        Scenario("ocs_stream", "GET", f"{stream}?since=0&limit=50&format=json", ocs_auth, peer="/stream/?limit=50"),
        Scenario(
            "ocs_stream_next",
            "GET",
            f"{stream}?since={next_since}&limit=50&format=json",
            ocs_auth,
            peer=f"/stream/?limit=50&since={next_since}",
        ),
        Scenario(
            "pryv_events",
            "GET",
            f"/{EVENTS_CHANNEL}/events?fromTime={start:.0f}&toTime={end:.0f}&onlyFolders[]=bench-f-1-0",
            pryv_auth,
        ),
        Scenario(
            "pryv_folders_time_counts", "GET", f"/{EVENTS_CHANNEL}/folders?timeCountBase={folders_base:.0f}", pryv_auth
        ),
        Scenario(
            "wopi_get_activities",
            "POST",
            wopi,
            {"X-WOPI-Override": "GET_ACTIVITIES", "Content-Type": "application/json"},
            body='{"Top": 50}',
        ),
        Scenario(
            "aggiefeed_get",
            "GET",
            "/api/v1/activity?s=0&l=25",
            {"Authorization": f"ApiKey {loader.AGGIEFEED_KEY}"},
        ),
        Scenario("ingest_wopi_add_activities", "POST", wopi, lua_request=add_lua, per_request=100, list_endpoint=False),
        Scenario(
            "ingest_aggiefeed_post",
            "POST",
            "/api/v1/activity",
            lua_request=aggiefeed_lua,
            expect=(201,),
            floor=False,
            list_endpoint=False,
        ),
        Scenario(
            "ingest_events_start_stop",
            "POST",
            "/",
            lua_request=start_stop_lua,
            expect=(200, 201),
            floor=False,
            list_endpoint=False,
        ),
    ]
