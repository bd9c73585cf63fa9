"""The public notice board: running notices without login, their pages, the objection form
and the lookup of an objection by its receipt number."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("notices/", views.board, name="board"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("notices/<int:notice_id>/object/", views.object_to, name="object"),
    path("notices/objections/", views.objection_status, name="objection_status"),
    path("notices/objections/<str:receipt>/filed/", views.objection_filed, name="objection_filed"),
]
