"""The public notice board: running notices without login, and the objection form."""

from django.urls import path

from . import views

app_name = "public"
urlpatterns = [
    path("notices/", views.board, name="board"),
    path("notices/<int:notice_id>/object/", views.object_to, name="object"),
    path("notices/<int:notice_id>/object/filed/", views.objection_filed, name="objection_filed"),
]
