from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuarantineConfig(AppConfig):
    name = "fangkong.quarantine"
    label = "quarantine"
    verbose_name = _("居家隔离")

    def ready(self) -> None:
        from fangkong.quarantine.import_nav import register_import_pages

        register_import_pages()
