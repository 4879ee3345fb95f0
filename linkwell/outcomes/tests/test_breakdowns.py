import pytest

from linkwell.outcomes.breakdowns import (
    AGE_BAND_LABELS,
    DEPRIVATION_QUINTILE_LABELS,
    ETHNIC_GROUP_LABELS,
    SEX_GROUP_LABELS,
    age_band,
    deprivation_quintile,
    deprivation_quintile_label,
    ethnic_group,
    sex_group,
)


@pytest.mark.parametrize(
    ("age", "band"),
    [
        (16, "Under 18"),
        (18, "18 to 24"),
        (24, "18 to 24"),
        (25, "25 to 34"),
        (44, "35 to 44"),
        (64, "55 to 64"),
        (65, "65 to 74"),
        (74, "65 to 74"),
        (75, "75 and over"),
        (103, "75 and over"),
        (None, "Not known"),
    ],
)
def test_it_places_ages_in_bands_at_their_edges(age, band):
    assert age_band(age) == band
    assert band in AGE_BAND_LABELS


def test_it_refuses_a_negative_age():
    with pytest.raises(ValueError, match="cannot be negative"):
        age_band(-1)


@pytest.mark.parametrize(
    ("decile", "quintile"), [(1, 1), (2, 1), (3, 2), (4, 2), (5, 3), (6, 3), (7, 4), (8, 4), (9, 5), (10, 5)]
)
def test_it_pairs_imd_deciles_into_quintiles(decile, quintile):
    assert deprivation_quintile(decile) == quintile


def test_it_labels_quintiles_with_which_end_is_most_deprived():
    assert deprivation_quintile_label(1) == "1 (most deprived)"
    assert deprivation_quintile_label(10) == "5 (least deprived)"
    assert deprivation_quintile_label(None) == "Not known"
    assert deprivation_quintile(None) is None
    assert len(DEPRIVATION_QUINTILE_LABELS) == 6
    with pytest.raises(ValueError, match="1 to 10"):
        deprivation_quintile(11)


def test_it_groups_nhs_ethnic_categories_into_the_five_high_level_groups():
    assert ethnic_group("A") == "White"
    assert ethnic_group("F") == "Mixed"
    assert ethnic_group("K") == "Asian or Asian British"
    assert ethnic_group("N") == "Black or Black British"
    assert ethnic_group("R") == "Other ethnic groups"
    assert ethnic_group("Z") == "Not stated"
    assert ethnic_group("99") == "Not known"
    assert ethnic_group(None) == "Not known"
    assert {ethnic_group(code) for code in "ABCDEFGHJKLMNPRSZ"} | {"Not known"} == set(ETHNIC_GROUP_LABELS)


def test_it_labels_sex_codes():
    assert [sex_group(code) for code in ("2", "1", "9", "X", None)] == [*SEX_GROUP_LABELS, "Not known"]
