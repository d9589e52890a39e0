"""/admin/login/ under the same per-IP limit as the token endpoint: password guessing is throttled
wherever a password is accepted."""

import math

from django.contrib import admin
from django.http import JsonResponse

from prompt_forge.common.metrics import THROTTLED_REQUESTS

from .views import AuthRateThrottle

VIEW_NAME = "AdminLoginView"


def admin_login(request, extra_context=None):
    if request.method == "POST":
        throttle = AuthRateThrottle()
        if not throttle.allow_request(request, None):
            THROTTLED_REQUESTS.labels(view=VIEW_NAME).inc()
            wait = throttle.wait()
            response = JsonResponse(
                {"detail": f"Request was throttled. Expected available in {math.ceil(wait)} seconds."}, status=429
            )
            response["Retry-After"] = str(max(1, math.ceil(wait)))
            return response
    return admin.site.login(request, extra_context=extra_context)


admin_login.throttled_view_name = VIEW_NAME  # its series starts at 0 on /metrics like the DRF views'
