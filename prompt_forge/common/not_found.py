"""A 404 is the same JSON in DEBUG mode too: Django's debug 404 page lists every URL pattern."""

from django.http import JsonResponse

NOT_FOUND = {"detail": "Not found."}


class JSONNotFoundMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 404 and response.get("Content-Type", "").startswith("text/html"):
            return JsonResponse(NOT_FOUND, status=404)
        return response
