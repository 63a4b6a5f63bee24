from django.urls import path

from machikoe.participation import views

app_name = "participation"

urlpatterns = [
    path("", views.list, name="list"),
]
