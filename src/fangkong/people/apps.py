from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "fangkong.people"
    label = "people"
    verbose_name = _("人员")

    def ready(self) -> None:
        from fangkong.accounts.navigation import register_navigation
        from fangkong.people import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
