from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic.base import RedirectView

from fangkong.accounts import mfa_views
from fangkong.accounts import views as account_views
from fangkong.api import api, api_docs
from fangkong.checkpoints.urls import public_urlpatterns as checkpoint_public_urls
from fangkong.core import health, metrics, offline
from fangkong.outreach.urls import notice_urlpatterns

admin.site.site_header = _("疫情防控指挥平台 · 后台管理")
admin.site.site_title = _("疫情防控指挥平台")
admin.site.index_title = _("基础数据与账号")
# Its sign-in page keeps the lock on failed sign-ins (accounts/throttle.py), like ours.
admin.site.login_form = account_views.AdminLoginForm

urlpatterns = [
    path("", account_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("logout/", account_views.auth_views.LogoutView.as_view(), name="logout"),
    path("password/", account_views.PasswordChangeView.as_view(), name="password_change"),
    # Two-factor sign-in (accounts/mfa.py): the step, enrolment, own settings, admin reset.
    path("login/verify/", mfa_views.login_verify, name="login_verify"),
    path("account/2fa/", mfa_views.mfa_settings, name="mfa_settings"),
    path("account/2fa/enrol/", mfa_views.mfa_enrol, name="mfa_enrol"),
    path("account/2fa/codes/", mfa_views.mfa_codes, name="mfa_codes"),
    path("account/2fa/disable/", mfa_views.mfa_disable, name="mfa_disable"),
    path("account/2fa/reset/", mfa_views.mfa_reset_list, name="mfa_reset_list"),
    path("account/2fa/reset/<id:pk>/", mfa_views.mfa_reset, name="mfa_reset"),
    path("audit/", account_views.audit_list, name="audit_list"),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before people/ and cases/: /people/<id>/contacts/, /cases/<id>/home-*.docx, /medical/.
    path("", include("fangkong.medical.urls")),
    path("people/", include("fangkong.people.urls")),
    path("org/", include("fangkong.org.urls")),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("favicon.ico", RedirectView.as_view(url=static("fangkong/favicon.svg")), name="favicon"),
    path("logistics/", include("fangkong.logistics.urls")),
    path("honors/", include("fangkong.honors.urls")),
    path("outreach/", include("fangkong.outreach.urls")),
    path("notices/", include(notice_urlpatterns)),
    path("command/", include("fangkong.command.urls")),
    path("imports/", include("fangkong.quarantine.imports.urls")),
    path("cases/", include("fangkong.quarantine.urls")),
    path("checkpoints/", include("fangkong.checkpoints.urls")),
    *checkpoint_public_urls,
    # The admin site's own page to change one's password: ours, with its lock and audit, and
    # closed to the administrators, whose passwords are set on the server (PasswordChangeView).
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
    # For the load balancer and the monitoring server (docs/deployment.md).
    path("healthz", health.healthz, name="healthz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    path("api/v1/docs", api_docs, name="api_docs"),
    path("api/v1/", api.urls),
]

handler400 = "fangkong.core.views.bad_request"
handler403 = "fangkong.core.views.forbidden"
handler404 = "fangkong.core.views.not_found"
handler500 = "fangkong.core.views.server_error"
