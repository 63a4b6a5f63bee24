from django.urls import path

from machikoe.deliberation import views

app_name = "deliberation"

urlpatterns = [
    path("", views.index, name="index"),
    path("import/", views.import_polis, name="import"),
    path("<slug:slug>/", views.conversation, name="conversation"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
    path("<slug:slug>/statements/", views.add_statement, name="add_statement"),
    path("<slug:slug>/attributes/", views.attributes, name="attributes"),
    path("<slug:slug>/results/", views.results, name="results"),
    path("<slug:slug>/results/live/", views.results_live, name="results_live"),
    path("<slug:slug>/manage/", views.manage, name="manage"),
    path("<slug:slug>/export/", views.export_polis, name="export"),
]
