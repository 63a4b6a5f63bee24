from django.urls import path

from machikoe.plan import views

app_name = "plan"

urlpatterns = [
    path("", views.overview, name="overview"),
]
urlpatterns.append(path("glossary/", views.overview, name="glossary"))
