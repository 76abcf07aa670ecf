from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accounts/dashboard.html", {})


def privacy(request: HttpRequest) -> HttpResponse:
    return TemplateResponse(request, "accounts/privacy.html", {})
