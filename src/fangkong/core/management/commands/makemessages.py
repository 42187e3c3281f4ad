"""makemessages that also extracts `_lazy(...)`: the alias used where `_` is already gettext."""

from __future__ import annotations

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
