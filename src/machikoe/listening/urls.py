from django.urls import path

from machikoe.listening import views

app_name = "listening"

run = "<slug:slug>/<int:number>/"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:slug>/", views.consultation, name="consultation"),
    path("<slug:slug>/start/", views.start, name="start"),
    path(run, views.report, name="report"),
    path(run + "progress/", views.progress, name="progress"),
    path(run + "youth/", views.youth, name="youth"),
    path(run + "download/", views.download, name="download"),
    path(run + "publish/", views.publish, name="publish"),
    path(run + "perspectives/<str:code>/", views.perspective, name="perspective"),
    path(run + "topics/<str:key>/", views.topic, name="topic"),
    path(run + "topics/<str:key>/rename/", views.rename, name="rename"),
    path(run + "topics/<str:key>/merge/", views.merge, name="merge"),
    path(run + "opinions/<int:opinion_id>/move/", views.move, name="move"),
    path(run + "opinions/<int:opinion_id>/perspectives/", views.correct, name="correct"),
]
