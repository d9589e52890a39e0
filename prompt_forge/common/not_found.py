"""A 404 is the same JSON in DEBUG mode too: Django's debug 404 page lists every URL pattern.

A view whose own 404 is a page meant for people sets `response.html_page = True` to keep it."""

from django.http import JsonResponse

NOT_FOUND = {"detail": "Not found."}


class JSONNotFoundMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        is_html = response.get("Content-Type", "").startswith("text/html")
        if response.status_code == 404 and is_html and not getattr(response, "html_page", False):
            return JsonResponse(NOT_FOUND, status=404)
        return response
