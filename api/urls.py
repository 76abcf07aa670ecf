from ninja import NinjaAPI

api = NinjaAPI(
    title="Élan API",
    version="1",
    urls_namespace="api",
    description="API de la plateforme Élan : données ouvertes des territoires et outils des animateur·rices.",
)
