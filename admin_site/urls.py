from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="public:board", permanent=False)),
    path("admin/", admin.site.urls),
    path("api/v1/", include("admin_site.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("admin_site.public.urls")),
]
