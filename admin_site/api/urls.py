"""/api/v1/: the API, its OpenAPI schema and its documentation page."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import audit, cases, households, notices
from .errors import not_found

app_name = "api"
urlpatterns = [
    path("queue/", cases.queue_view, name="queue"),
    path("cases/<str:workflow>/", cases.cases_view, name="cases"),
    path("cases/<str:workflow>/bulk/", cases.bulk_view, name="bulk"),
    path("cases/<str:workflow>/<int:pk>/", cases.case_view, name="case"),
    path("cases/<str:workflow>/<int:pk>/perform/", cases.perform_view, name="perform"),
    path("households/", households.households_view, name="households"),
    path("households/<int:pk>/", households.household_view, name="household"),
    path("notices/", notices.notices_view, name="notices"),
    path("audit/", audit.search_view, name="audit"),
    path("audit/verify/", audit.verify_view, name="audit_verify"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/v1/ is a 404 in the API's shape, not the site's HTML page.
    re_path(r"", not_found, name="not_found"),
]
