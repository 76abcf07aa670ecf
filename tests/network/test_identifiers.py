"""SIRET (Luhn, and La Poste's own rule), RNA, the register of Alsace-Moselle's
local-law associations, INSEE codes and the names that deduplication
compares."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from network.identifiers import (
    luhn_valid,
    normalise_actor_name,
    normalise_insee,
    normalise_siret,
    siret_valid,
    validate_insee,
    validate_local_register,
    validate_postal_code,
    validate_rna,
    validate_siret,
)


@pytest.mark.parametrize("siret", ["73282932000074", "44306184100047", "732 829 320 00074"])
def test_a_siret_with_both_luhn_keys_right_is_valid(siret: str) -> None:
    validate_siret(siret)
    assert siret_valid(normalise_siret(siret))


def test_one_wrong_digit_breaks_the_key() -> None:
    with pytest.raises(ValidationError, match="clé de contrôle"):
        validate_siret("73282932000075")


def test_the_siren_part_is_checked_too() -> None:
    # Luhn-valid on 14 digits, but its SIREN (the first 9) is not.
    candidates = [f"1234567890{n:04d}" for n in range(10000)]
    wrong_siren = next(s for s in candidates if luhn_valid(s))
    assert not luhn_valid(wrong_siren[:9])
    assert not siret_valid(wrong_siren)


def test_la_poste_sirets_follow_the_digit_sum_rule_not_luhn() -> None:
    assert not luhn_valid("35600000049837")
    assert siret_valid("35600000049837")  # 3+5+6+4+9+8+3+7 = 45
    # Luhn-valid but its digits add up to 26: not a La Poste SIRET.
    assert luhn_valid("35600000000048")
    assert not siret_valid("35600000000048")


@pytest.mark.parametrize(
    "siret", ["", "1234", "7328293200007", "732829320000745", "7328293200007A"]
)
def test_a_siret_has_fourteen_digits(siret: str) -> None:
    with pytest.raises(ValidationError, match="14 chiffres"):
        validate_siret(siret)


@given(st.text(max_size=30))
def test_any_text_is_a_valid_siret_or_a_french_message(text: str) -> None:
    if siret_valid(normalise_siret(text)):
        validate_siret(text)
    else:
        with pytest.raises(ValidationError, match="SIRET"):
            validate_siret(text)


@pytest.mark.parametrize("rna", ["W261000123", "w26 100 0123", "W2A1000123"])
def test_rna_numbers(rna: str) -> None:
    validate_rna(rna)


@pytest.mark.parametrize(
    "rna", ["261000123", "W26100012", "W2610001234", "X261000123", "W26100012A"]
)
def test_bad_rna_numbers(rna: str) -> None:
    with pytest.raises(ValidationError, match="W suivi de 9 chiffres"):
        validate_rna(rna)


def test_an_association_without_rna_nor_register_is_normal() -> None:
    assert validate_local_register(court="", volume="", folio="", department="67") == {}


def test_a_local_register_reference_of_alsace_moselle() -> None:
    ok = validate_local_register(court="colmar", volume="45", folio="112", department="68")
    assert ok == {}


def test_a_local_register_reference_needs_its_three_parts() -> None:
    errors = validate_local_register(court="strasbourg", volume="", folio="x?", department="67")
    assert set(errors) == {"local_register_volume", "local_register_folio"}
    assert "volume" in errors["local_register_volume"]


def test_the_local_register_is_only_for_alsace_moselle() -> None:
    errors = validate_local_register(court="metz", volume="3", folio="7", department="26")
    assert "Bas-Rhin, le Haut-Rhin et la Moselle" in errors["local_register_court"]


@pytest.mark.parametrize(
    ("code", "city"),
    [
        ("75101", "75056"),
        ("75120", "75056"),
        ("69381", "69123"),
        ("69389", "69123"),
        ("13201", "13055"),
        ("13216", "13055"),
        ("13217", "13217"),  # not an arrondissement
        ("75021", "75021"),
        ("01001", "01001"),  # leading zero kept: text, not a number
        ("2a004", "2A004"),
        ("2B033", "2B033"),
    ],
)
def test_insee_codes_are_text_with_arrondissements_as_their_city(code: str, city: str) -> None:
    assert normalise_insee(code) == city


@pytest.mark.parametrize("code", ["1001", "2C004", "750561", "ABCDE"])
def test_bad_insee_codes(code: str) -> None:
    with pytest.raises(ValidationError, match="5 caractères"):
        validate_insee(code)


def test_postal_codes() -> None:
    validate_postal_code("26400")
    with pytest.raises(ValidationError, match="5 chiffres"):
        validate_postal_code("2640")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Association Les Colibris du Crestois", "colibris du crestois"),
        ("L'Atelier St-Jean SARL", "atelier saint-jean"),
        ("Épicerie « La Cagette »", "EPICERIE LA CAGETTE"),
    ],
)
def test_two_spellings_of_one_organisation_share_their_key(one: str, other: str) -> None:
    assert normalise_actor_name(one) == normalise_actor_name(other)


def test_a_name_made_only_of_an_article_keeps_it() -> None:
    assert normalise_actor_name("Les") == "les"
