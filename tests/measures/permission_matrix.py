from measures.models import Meter
from tests.factories import MeterFactory
from tests.matrix import Spec, statuses


def member_meter(w):  # type: ignore[no-untyped-def]
    meter = Meter.objects.filter(household=w.users["member"].household).first()
    meter = meter or MeterFactory(household=w.users["member"].household)
    return {"pk": meter.pk}


def member_meter_id(w):  # type: ignore[no-untyped-def]
    return {"meter_id": member_meter(w)["pk"]}


# Only the household's members see its meters; people without a household are
# sent to create one. Another household's meter is a 404, admins included.
MATRIX = {
    "measures:meters": Spec(statuses(302, member=200, captain=200)),
    "measures:meter_edit": Spec(statuses(404, anonymous=302, member=200), member_meter),
    "measures:meter_delete": Spec(
        statuses(404, anonymous=302, member=302), member_meter, method="POST"
    ),
    # The API lists my household's meters (none without a household); a meter
    # is changed with PATCH only.
    "api:meter_list": Spec(statuses(200, anonymous=401), anonymous_to_login=False),
    # The same path (GET lists, POST creates).
    "api:meter_create": Spec(statuses(200, anonymous=401), anonymous_to_login=False),
    "api:meter_update": Spec(statuses(405), member_meter_id, anonymous_to_login=False),
}
