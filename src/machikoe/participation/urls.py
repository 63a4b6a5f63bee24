from django.urls import path

from machikoe.participation import views, views_staff

app_name = "participation"

urlpatterns = [
    path("", views.consultation_list, name="list"),
    path("staff/", views_staff.index, name="staff_index"),
    path("staff/new/", views_staff.edit, name="staff_create"),
    path("<slug:slug>/", views.detail, name="detail"),
    path("<slug:slug>/submit/", views.submit, name="submit"),
    path("<slug:slug>/youth/", views.youth_submit, name="youth_submit"),
    path("<slug:slug>/receipt/<str:number>/", views.receipt, name="receipt"),
    path("<slug:slug>/opinions/<int:pk>/report/", views.report, name="report"),
    path("<slug:slug>/stats/", views.stats, name="stats"),
    path("<slug:slug>/export.<str:fmt>", views.export, name="export"),
    path("<slug:slug>/staff/edit/", views_staff.edit, name="staff_edit"),
    path("<slug:slug>/staff/moderation/", views_staff.moderation, name="staff_moderation"),
    path("<slug:slug>/staff/opinions/<int:pk>/", views_staff.opinion, name="staff_opinion"),
    path("<slug:slug>/staff/import/", views_staff.upload, name="staff_import"),
    path("<slug:slug>/staff/import/map/", views_staff.mapping, name="staff_import_map"),
    path("<slug:slug>/staff/export.<str:fmt>", views_staff.export, name="staff_export"),
]
