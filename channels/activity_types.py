"""The "channels" source of the activity stream and how its activities read ("You started a period in X")."""

from __future__ import annotations

from activities.registry import ActivitySource, ActivityType, register_source, register_type, you_renderer

SOURCE = "channels"
# type, label, and the subject as the actor reads it (others read the stored template)
TYPES = [
    ("event_recorded", "Event recorded", "You recorded an event in {place}"),
    ("period_started", "Period started", "You started a period in {place}"),
    ("period_stopped", "Period stopped", "You stopped a period in {place}"),
    ("folder_moved", "Folder moved", "You moved a folder to {place}"),
    ("folder_trashed", "Folder trashed", "You moved {place} to the trash"),
    ("folder_deleted", "Folder deleted", "You deleted {place}"),
]


def register() -> None:
    """Register the source (an OCS filter named "Time tracking") and each type with its "You" renderer."""
    register_source(ActivitySource(id=SOURCE, name="Time tracking", icon="icon-clock", priority=30))
    for type_, label, you_template in TYPES:
        register_type(ActivityType(source=SOURCE, type=type_, label=label, subject_renderer=you_renderer(you_template)))
