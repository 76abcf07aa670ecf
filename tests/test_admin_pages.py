"""Every model registered in the admin opens, in French, for a platform admin."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

MODELS = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


@pytest.mark.django_db
@pytest.mark.parametrize(("app_label", "model_name"), MODELS, ids=[f"{a}.{m}" for a, m in MODELS])
def test_the_admin_lists_and_adds(
    client, admin_user, territory, member, app_label, model_name
) -> None:  # type: ignore[no-untyped-def]
    client.force_login(admin_user)
    changelist = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert changelist.status_code == 200
    assert 'lang="fr"' in changelist.content.decode()
    add = client.get(reverse(f"admin:{app_label}_{model_name}_add"))
    assert add.status_code in (200, 403)  # 403: models the admin only reads


def test_our_models_are_all_in_the_admin() -> None:
    from django.apps import apps

    ours = {"accounts", "territories", "challenges", "measures", "api"}
    missing = [
        m._meta.label
        for m in apps.get_models()
        if m._meta.app_label in ours and m not in admin.site._registry
    ]
    assert not missing, f"Modèles absents de l'administration : {missing}"
