from django.urls import path

from machikoe.ebpm import views

app_name = "ebpm"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("logic-model/", views.logic_model, name="logic_model"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("report.html", views.export_report, name="report"),
    path("manage/", views.manage, name="manage"),
    path("manage/import/", views.import_upload, name="import"),
    path("manage/indicators/new/", views.indicator_edit, name="indicator_new"),
    path("manage/indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("manage/indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path(
        "manage/indicators/<int:pk>/observations/new/",
        views.observation_add,
        name="observation_add",
    ),
    path(
        "manage/observations/<int:pk>/withdraw/",
        views.observation_withdraw,
        name="observation_withdraw",
    ),
    path("manage/measures/new/", views.measure_edit, name="measure_new"),
    path("manage/measures/<int:pk>/edit/", views.measure_edit, name="measure_edit"),
    path("manage/measures/<int:pk>/delete/", views.measure_delete, name="measure_delete"),
]
