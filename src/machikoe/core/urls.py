from django.contrib.auth import views as auth_views
from django.urls import path

from machikoe.core import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("mode/kodomo/", views.set_kodomo_mode, name="kodomo"),
    path("vendor/plotly.min.js", views.plotly_js, name="plotly_js"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("signup/", views.signup, name="signup"),
]
