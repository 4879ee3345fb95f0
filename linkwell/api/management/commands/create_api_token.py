"""`linkwell create_api_token --organisation-id N --name NAME`: issue a token and print it once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linkwell.accounts.models import Organisation
from linkwell.api.tokens import api_token_issue


class Command(BaseCommand):
    help = "Issue an API token for an organisation. The token is shown once and stored only as a hash."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--organisation-id", type=int, required=True)
        parser.add_argument("--name", required=True, help="What will use the token, e.g. 'EMIS integration'")

    def handle(self, *args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(pk=options["organisation_id"], is_active=True).first()
        if organisation is None:
            raise CommandError(f"No active organisation with id {options['organisation_id']}")
        try:
            token, secret = api_token_issue(organisation=organisation, name=options["name"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"API token {token.name!r} for {organisation.name} ({organisation.scheme.name}):")
        self.stdout.write(secret)
        self.stdout.write("Store it now: it cannot be shown again. Send it as 'Authorization: Bearer <token>'.")
