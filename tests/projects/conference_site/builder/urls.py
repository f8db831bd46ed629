from django.contrib import admin
from django.http import HttpResponse
from django.urls import path

urlpatterns = [
    path("admin/", admin.site.urls),
    # Which host the site was asked at: it answers only its own.
    path("host/", lambda request: HttpResponse(request.get_host())),
]
