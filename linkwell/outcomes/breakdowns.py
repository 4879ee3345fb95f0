"""The groups an evaluation is broken down by: age band, deprivation quintile, sex and ethnic group.

Every function returns a label from a fixed list, in a fixed order, so tables always show every group (a group
with nobody in it shows 0 rather than vanishing) and suppression works on the same table shape each time.
"""

from __future__ import annotations

NOT_KNOWN = "Not known"

# Ten-year bands from 25 (the band most UK health statistics use), with 18-24 first and 75 and over last.
AGE_BANDS: tuple[tuple[int, int | None, str], ...] = (
    (0, 17, "Under 18"),
    (18, 24, "18 to 24"),
    (25, 34, "25 to 34"),
    (35, 44, "35 to 44"),
    (45, 54, "45 to 54"),
    (55, 64, "55 to 64"),
    (65, 74, "65 to 74"),
    (75, None, "75 and over"),
)
AGE_BAND_LABELS: tuple[str, ...] = (*(label for _, _, label in AGE_BANDS), NOT_KNOWN)


def age_band(age: int | None) -> str:
    """The age band for an age in whole years ("Not known" when the age is not known)."""
    if age is None:
        return NOT_KNOWN
    if age < 0:
        raise ValueError(f"An age cannot be negative (it was {age}).")
    for low, high, label in AGE_BANDS:
        if age >= low and (high is None or age <= high):
            return label
    raise AssertionError("AGE_BANDS covers every age from 0")  # pragma: no cover


DEPRIVATION_QUINTILE_LABELS: tuple[str, ...] = (
    "1 (most deprived)",
    "2",
    "3",
    "4",
    "5 (least deprived)",
    NOT_KNOWN,
)


def deprivation_quintile(imd_decile: int | None) -> int | None:
    """The IMD quintile (1 = most deprived 20%) for an IMD decile (1 = most deprived 10%)."""
    if imd_decile is None:
        return None
    if not 1 <= imd_decile <= 10:
        raise ValueError(f"An IMD decile runs from 1 to 10 (it was {imd_decile}).")
    return (imd_decile + 1) // 2


def deprivation_quintile_label(imd_decile: int | None) -> str:
    """The deprivation quintile label for an IMD decile ("Not known" when the decile is not known)."""
    quintile = deprivation_quintile(imd_decile)
    return NOT_KNOWN if quintile is None else DEPRIVATION_QUINTILE_LABELS[quintile - 1]


# NHS Data Dictionary PERSON PHENOTYPIC SEX codes, as stored on Person.sex.
SEX_LABELS: dict[str, str] = {"1": "Male", "2": "Female", "9": "Indeterminate", "X": NOT_KNOWN}
SEX_GROUP_LABELS: tuple[str, ...] = ("Female", "Male", "Indeterminate", NOT_KNOWN)


def sex_group(code: str | None) -> str:
    """The label for a sex code ("Not known" when blank or unrecognised)."""
    return SEX_LABELS.get(code or "", NOT_KNOWN)


# NHS Data Dictionary ETHNIC CATEGORY (2001 census) codes grouped into the five high-level groups, as stored on
# Person.ethnic_category.
ETHNIC_GROUPS: dict[str, str] = {
    **dict.fromkeys("ABC", "White"),
    **dict.fromkeys("DEFG", "Mixed"),
    **dict.fromkeys("HJKL", "Asian or Asian British"),
    **dict.fromkeys("MNP", "Black or Black British"),
    **dict.fromkeys("RS", "Other ethnic groups"),
    "Z": "Not stated",
}
ETHNIC_GROUP_LABELS: tuple[str, ...] = (
    "Asian or Asian British",
    "Black or Black British",
    "Mixed",
    "White",
    "Other ethnic groups",
    "Not stated",
    NOT_KNOWN,
)


def ethnic_group(code: str | None) -> str:
    """The high-level ethnic group for an ethnic category code ("Not known" when blank, 99 or unrecognised)."""
    return ETHNIC_GROUPS.get(code or "", NOT_KNOWN)
