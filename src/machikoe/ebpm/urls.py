from django.urls import path

from machikoe.ebpm import views

app_name = "ebpm"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
