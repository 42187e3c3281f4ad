from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MedicalConfig(AppConfig):
    name = "fangkong.medical"
    label = "medical"
    verbose_name = _("移交医疗与密切接触者")

    def ready(self) -> None:
        from fangkong.accounts.navigation import register_navigation
        from fangkong.medical import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
