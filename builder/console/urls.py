from django.contrib.auth.views import LogoutView
from django.urls import path, re_path
from django.views.generic.base import RedirectView

from builder.console import access, api, opening, views

handler400 = "builder.console.guard.bad_request"
handler404 = "builder.console.guard.not_found"
handler500 = "builder.console.guard.server_error"

urlpatterns = [
    path("login/", access.Login.as_view(), name="login"),
    path("logout/", LogoutView.as_view(), name="logout"),
    path("", views.page, name="page"),
    path("favicon.ico", RedirectView.as_view(url="/static/console/favicon.svg", permanent=True)),
    path("fresh", views.fresh),
    path("log", views.full_log, name="log"),
    path("demos/new", views.new),
    path("demos/<str:name>/reset", views.reset),
    path("demos/<str:name>/extend", views.extend),
    path("demos/<str:name>/protect", views.protect),
    path("demos/<str:name>/drop", views.drop),
    path("demos/<str:name>/url", views.demo_url),
    path("jobs/<str:key>", views.job),
    path("open/<str:name>", opening.enter),
    re_path(r"^open/(?P<name>[^/]+)/(?P<rest>.*)$", opening.open_demo),
    path("api/demos", api.demos),
    path("api/demos/<str:name>", api.demo),
    path("api/demos/<str:name>/reset", api.reset),
    path("api/demos/<str:name>/extend", api.extend),
    path("api/demos/<str:name>/protect", api.protect),
    path("api/log", api.log),
]
