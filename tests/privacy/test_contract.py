"""Each app erases its own data; nothing that points at a person is forgotten."""

from django.apps import apps
from django.contrib.auth import get_user_model

from privacy.contract import APPS, KEPT


def test_every_model_pointing_at_a_user_is_erased_by_its_app_or_kept_for_a_stated_reason():
    user_model = get_user_model()
    pointing = {
        model
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.is_relation and field.concrete and field.related_model is user_model
    }
    erased = {model for app in APPS for model in app.ERASES}

    assert pointing - erased - KEPT.keys() == set()
    assert erased.isdisjoint(KEPT), "a model is either erased or kept, not both"
    assert all(reason.strip() for reason in KEPT.values())
    assert not (erased | KEPT.keys()) - pointing, "listed but pointing at no user"


def test_each_app_offers_both_halves_of_the_contract():
    for app in APPS:
        assert callable(app.erase_user_data), app
        assert callable(app.export_user_data), app
