"""``manage.py runicorn_user USERNAME [--admin] [--password-env VAR] [--token NAME]``

Create (or update) a user of the team profile without the admin site, e.g. in a deployment script:
the role (admin = ``is_staff``, otherwise member), a password read from an environment variable
(never from the command line, where ``ps`` shows it), and optionally a new API token, printed once.
"""

from __future__ import annotations

import os
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from apps.accounts import tokens


class Command(BaseCommand):
    help = "Create or update a Runicorn user (member or admin), optionally with a new API token."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--admin", action="store_true", help="admin role (is_staff, admin site)")
        parser.add_argument("--member", action="store_true", help="member role (takes admin rights away)")
        parser.add_argument("--email", default=None)
        parser.add_argument("--password-env", metavar="VAR",
                            help="set the password from this environment variable (token-only user without it)")
        parser.add_argument("--token", metavar="NAME", help="create an API token with this name and print it")
        parser.add_argument("--token-days", type=int, default=None, help="the token expires after this many days")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["admin"] and options["member"]:
            raise CommandError("--admin and --member exclude each other")
        password = None
        if options["password_env"]:
            password = os.environ.get(options["password_env"])
            if not password:
                raise CommandError(f"environment variable {options['password_env']} is empty or unset")
        model = get_user_model()
        with transaction.atomic():
            user, created = model.objects.get_or_create(username=options["username"])
            if options["admin"] or options["member"]:
                user.is_staff = bool(options["admin"])
                user.is_superuser = bool(options["admin"])
            if options["email"] is not None:
                user.email = options["email"]
            if password:
                user.set_password(password)
            elif created:
                user.set_unusable_password()  # signs in with API tokens only
            user.save()
            issued = None
            if options["token"]:
                try:
                    issued = tokens.issue(user, options["token"], options["token_days"])
                except tokens.InvalidRequest as exc:
                    raise CommandError(str(exc)) from None
        role = "admin" if user.is_staff or user.is_superuser else "member"
        self.stderr.write(f"{'created' if created else 'updated'} {user.get_username()} ({role})")
        if issued is not None:
            self.stdout.write(issued.token)  # stdout holds the token alone, for scripts: TOKEN=$(...)
