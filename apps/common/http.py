"""Small HTTP helpers for the plain (non-DRF) API views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

READ_METHODS = ("GET", "HEAD")


def method_not_allowed(request: HttpRequest, allowed: tuple[str, ...]) -> HttpResponse:
    """405 in DRF's words and shape, with ``Allow``."""
    response = JsonResponse({"detail": f'Method "{request.method}" not allowed.'}, status=405)
    response["Allow"] = ", ".join(allowed)
    return response


def read_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """A plain API view that only reads: GET and HEAD, any other method 405 (JSON).

    Exempt from CSRF, because it changes nothing: otherwise CSRF's check ran first and a POST got
    Django's 403 HTML page instead of the 405 that says what is wrong.
    """
    if iscoroutinefunction(view):

        @wraps(view)
        async def async_inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.method not in READ_METHODS:
                return method_not_allowed(request, READ_METHODS)
            return await view(request, *args, **kwargs)

        markcoroutinefunction(async_inner)
        return csrf_exempt(async_inner)

    @wraps(view)
    def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.method not in READ_METHODS:
            return method_not_allowed(request, READ_METHODS)
        return view(request, *args, **kwargs)

    return csrf_exempt(inner)
