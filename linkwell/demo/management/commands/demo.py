"""`linkwell demo`: build the fictional Wellbrook schemes and their network, and print a sign-in for each role."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from linkwell.demo.builder import DEMO_PASSWORD, build_demo, demo_exists, demo_logins


class Command(BaseCommand):
    help = (
        "Create the demo: the Wellbrook scheme (slug 'demo'), a young people's scheme (slug 'young-people') and"
        " a network of the two, with fictional organisations, users and residents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the demo scheme already exists.")
        parser.add_argument(
            "--people",
            type=int,
            default=1000,
            help="Residents of the main scheme (default 1000); the young people's gets a quarter.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            if not options["if_empty"]:
                self.stderr.write("The demo scheme already exists. Use a fresh database to build it again.")
                raise SystemExit(1)
            self.stdout.write("Demo data already loaded.")
        else:
            if options["people"] < 1:
                self.stderr.write("--people must be at least 1")
                raise SystemExit(2)
            self.stdout.write("Building the demo schemes…")
            build_demo(people=options["people"])
            self.stdout.write(self.style.SUCCESS("Demo schemes created."))
        self.stdout.write("\nDemo sign-ins (all fictional), password: " + DEMO_PASSWORD)
        for login in demo_logins():
            self.stdout.write(f"  {login.role:<30} {login.email:<37} {login.organisation}")
        self.stdout.write("")
