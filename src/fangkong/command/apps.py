from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommandConfig(AppConfig):
    name = "fangkong.command"
    label = "command"
    verbose_name = _("指挥调度")

    def ready(self) -> None:
        from fangkong.accounts.navigation import register_navigation
        from fangkong.command import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
