"""The real URL configuration plus views that fail on purpose, for error-handling tests."""

from django.db import OperationalError
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("unexpected failure")


def database_down(request):
    raise OperationalError("could not connect to server: Connection refused")


urlpatterns = [
    *urlpatterns,
    path("test/boom", boom),
    path("test/database-down", database_down),
]
