from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fangkong.accounts"
    label = "accounts"
    verbose_name = _("账号与审计")

    def ready(self) -> None:
        from fangkong.accounts import checks, signals, signin  # noqa: F401
        from fangkong.accounts.navigation import NavItem, register_nav
        from fangkong.core.offline import register_offline_page

        register_nav(NavItem(_("首页"), "home", order=0))
        register_offline_page("home")
        register_nav(NavItem(_("审计日志"), "audit_list", perm="audit.view", order=900))
        register_nav(
            NavItem(_("二次验证重置"), "mfa_reset_list", perm="accounts.mfa_reset", order=940)
        )
        register_nav(NavItem(_("后台管理"), "admin:index", perm="admin.site", order=950))
