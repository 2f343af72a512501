"""manage.py aggiefeed_apikey SOURCE: mint an API key for a source (by id or name) and print it, once."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from aggiefeed.models import Source
from aggiefeed.services import api_key_create


class Command(BaseCommand):
    help = "Create an API key for an Aggiefeed source (its id or its exact name) and print it; it is stored hashed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="the source id (actor.id) or its name")
        parser.add_argument("--name", default="", help="a label for the key")
        parser.add_argument("--staff", action="store_true", help="staff scope: lists every live post")

    def handle(self, *args: Any, **options: Any) -> None:
        sources = list(Source.objects.filter(Q(ident=options["source"]) | Q(name=options["source"]))[:2])
        if len(sources) != 1:
            problem = "No source" if not sources else "More than one source"
            raise CommandError(f"{problem} with id or name {options['source']!r}.")
        key, secret = api_key_create(source=sources[0], name=options["name"], staff_scope=options["staff"])
        self.stderr.write(f"API key {key.prefix}… for {sources[0].name} ({sources[0].ident}); it is not shown again:")
        self.stdout.write(secret)
