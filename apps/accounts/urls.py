from django.urls import path

from . import views

urlpatterns = [
    path("auth/login", views.LoginView.as_view(), name="auth-login"),
    path("auth/logout", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/me", views.MeView.as_view(), name="auth-me"),
    path("auth/tokens", views.TokenListView.as_view(), name="auth-tokens"),
    path("auth/tokens/<int:token_id>", views.TokenView.as_view(), name="auth-token"),
]
