"""Pages where organisers manage their personal API tokens."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from api.forms import TokenForm
from api.models import ApiToken
from api.services import token_create, token_revoke
from territories.permissions import permission_required

NEW_TOKEN_KEY = "elan_new_api_token"  # noqa: S105 (a session key name)


@permission_required("api.use_tokens")
def token_list(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, raw = token_create(user=request.user, name=form.cleaned_data["name"])
        # Shown once, on the next page only; never stored in clear.
        request.session[NEW_TOKEN_KEY] = raw
        return redirect("api_tokens:list")
    context = {
        "form": form,
        "tokens": cast(User, request.user).api_tokens.all(),
        "new_token": request.session.pop(NEW_TOKEN_KEY, None),
    }
    return TemplateResponse(request, "api/token_list.html", context)


@require_POST
@permission_required("api.use_tokens")
def token_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token)
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("api_tokens:list")
