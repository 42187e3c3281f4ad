from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "fangkong.checkpoints"
    label = "checkpoints"
    verbose_name = _("联合检查站")

    def ready(self) -> None:
        from fangkong.core.offline import (
            register_offline_asset,
            register_offline_data,
            register_offline_page,
        )

        # The roadside screen opens without a network once it has been opened with one, and
        # checks and flags a registration there by the server's rules.
        # Only the bare page: opened with a traveller's code (?code=) it shows their ID
        # number and phone in full, which never stay on the phone.
        register_offline_page("checkpoint_register", query=False)
        for asset in (
            "checkpoints/checkpoints.css",
            "checkpoints/roadside.js",
            "checkpoints/idcard.js",
            "checkpoints/scan.js",
            "vendor/jsqr/jsQR.js",
            "checkpoints/register.js",
        ):
            register_offline_asset(asset)
        register_offline_data("/api/v1/reference/checkpoint-rules")
        from fangkong.accounts.jurisdiction import (
            register_area_checkpoint_resolver,
            register_checkpoint_resolver,
        )
        from fangkong.checkpoints.selectors import posted_checkpoint_ids, units_checkpoint_ids

        register_checkpoint_resolver(posted_checkpoint_ids)
        register_area_checkpoint_resolver(units_checkpoint_ids)

        from fangkong.accounts.navigation import register_navigation
        from fangkong.checkpoints import navigation

        register_navigation(navigation.MENU, navigation.CARDS)
