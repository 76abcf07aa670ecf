"""Demo part of the commons: the Saillans organiser curates; the Val de Drôme
organiser and the actor contact revise the compost sheet; the Val de Drôme
tells how it used two sheets; comments (one reported); an adaptation for
Saillans. Everything is found again by a natural key: a second run creates
nothing."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group

from commons import services
from commons.models import CURATORS_GROUP, Comment, Feedback, Resource
from territories.demo import DEMO_DOMAIN

COMPOST = "mettre-en-place-le-compostage-partage"
HEAT = "tenir-un-plan-canicule-et-son-registre"
EDITS = [
    (
        f"animatrice@{DEMO_DOMAIN}",
        "Exemple de la Drôme ajouté",
        {
            "summary": "Installer des composteurs collectifs au pied des immeubles ou au cœur du village, gérés par des habitant·es référents — comme à Crest depuis 2025."
        },
    ),
    (
        f"acteur@{DEMO_DOMAIN}",
        "Astuce broyat",
        {"keywords": "compostage, biodéchets, prévention des déchets, broyat"},
    ),
]
COMMENTS = [
    (
        f"acteur@{DEMO_DOMAIN}",
        "À Aouste, les services techniques livrent le broyat chaque mois : ça change tout.",
    ),
    (
        f"animateur.saillans@{DEMO_DOMAIN}",
        "Pensez à une serrure sur le bac de maturation, sinon il se remplit trop vite.",
    ),
    (f"partenaire@{DEMO_DOMAIN}", "Achetez vos bacs chez moi, promotion cette semaine !"),
]


def seed(ctx: Any) -> None:
    users = ctx.users
    curator = users.get(f"animateur.saillans@{DEMO_DOMAIN}")
    compost = Resource.objects.filter(slug=COMPOST).first()
    if curator is None or compost is None:
        return
    group, _created = Group.objects.get_or_create(name=CURATORS_GROUP)
    curator.groups.add(group)
    ctx.logins.append((curator.email, "curateur du commun de ressources"))
    for email, comment, data in EDITS:
        if users.get(email) and not compost.revisions.filter(comment=comment).exists():
            compost.refresh_from_db()
            services.resource_edit(
                resource=compost,
                user=users[email],
                data=data,
                base_revision_id=compost.current_revision_id,
                comment=comment,
            )
            ctx.count("versions de ressources", True)
    _feedback(ctx)
    _comments(ctx, compost)
    _adaptation(ctx, compost, curator)


def _feedback(ctx: Any) -> None:
    territory = ctx.territories.get("val-de-drome")
    author = ctx.users.get(f"animatrice@{DEMO_DOMAIN}")
    if territory is None or author is None:
        return
    plans = [
        (
            COMPOST,
            5,
            "Six composteurs dans les quartiers de Crest, 140 foyers.",
            "Un référent par site plutôt que trois.",
            "Les pesées mensuelles motivent les voisins.",
            "Le broyat manque en hiver.",
        ),
        (
            HEAT,
            4,
            "Plan canicule de Grane, été 2025.",
            "Appels répartis entre élu·es et voisins relais.",
            "Toutes les personnes inscrites jointes en une matinée.",
            "Le registre n'était pas à jour au printemps.",
        ),
    ]
    for slug, usefulness, context, adapted, worked, did_not in plans:
        found = Resource.objects.filter(slug=slug).first()
        if found is None or Feedback.objects.filter(resource=found, territory=territory).exists():
            continue
        services.feedback_give(
            resource=found,
            user=author,
            territory=territory,
            context=context,
            adapted=adapted,
            worked=worked,
            did_not_work=did_not,
            usefulness=usefulness,
        )
        ctx.count("retours d'expérience", True)


def _comments(ctx: Any, compost: Resource) -> None:
    for email, body in COMMENTS:
        user = ctx.users.get(email)
        if user is None or Comment.objects.filter(resource=compost, body=body).exists():
            continue
        comment = services.comment_add(resource=compost, user=user, body=body)
        ctx.count("commentaires", True)
        if "promotion" in body:  # the advert is reported and waits in the curators' queue
            reporter = ctx.users.get(f"acteur@{DEMO_DOMAIN}")
            if reporter is not None:
                services.comment_report(comment=comment, user=reporter, reason="Publicité")


def _adaptation(ctx: Any, compost: Resource, curator: Any) -> None:
    title = "Compostage partagé à Saillans : un bac par hameau"
    if Resource.objects.filter(title=title).exists():
        return
    services.resource_adapt(source=compost, user=curator, title=title)
    ctx.count("adaptations", True)
