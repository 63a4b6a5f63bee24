from django.urls import path, re_path

from machikoe.plan import views

app_name = "plan"

CODE = r"(?P<code>[A-Za-z0-9][A-Za-z0-9-]{0,31})"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("glossary/", views.glossary, name="glossary"),
    path("readability/", views.readability_method, name="readability"),
    path("versions/", views.versions, name="versions"),
    path("versions/<int:old>/<int:new>/", views.diff, name="diff"),
    re_path(rf"^{CODE}/edit/$", views.edit_section, name="edit"),
    re_path(rf"^{CODE}/$", views.section, name="section"),
]
