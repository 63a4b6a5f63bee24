"""Top-level URLs: each app owns its own urls module and prefix."""

from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "まちの声 管理"
admin.site.site_title = "まちの声 管理"
admin.site.index_title = "職員用管理画面"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("machikoe.core.urls")),
    path("plan/", include("machikoe.plan.urls")),
    path("consultations/", include("machikoe.participation.urls")),
    path("listening/", include("machikoe.listening.urls")),
    path("deliberation/", include("machikoe.deliberation.urls")),
    path("ebpm/", include("machikoe.ebpm.urls")),
    path("api/", include("machikoe.project.api_urls")),
]

handler404 = "machikoe.core.views.not_found"
handler500 = "machikoe.core.views.server_error"
