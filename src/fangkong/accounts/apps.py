from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fangkong.accounts"
    label = "accounts"
    verbose_name = _("账号与审计")

    def ready(self) -> None:
        from fangkong.accounts import checks, navigation, signals, signin  # noqa: F401
        from fangkong.core.offline import register_offline_page

        register_offline_page("home")
        navigation.register_navigation(navigation.MENU, navigation.CARDS)
