import pytest

from registry.countries import COUNTRY_CHOICES, is_country

# The 249 codes of ISO 3166-1 that the portal accepted when it kept its own list: brands, rules and
# described rights may hold any of them, so a library update must not start refusing one.
ACCEPTED_BEFORE = """
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ
BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR
CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ
LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF
PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW
""".split()


def test_every_code_accepted_before_is_still_accepted():
    assert len(ACCEPTED_BEFORE) == 249
    assert [c for c in ACCEPTED_BEFORE if not is_country(c)] == []


def test_the_choices_offer_each_accepted_code_once():
    codes = [code for code, _ in COUNTRY_CHOICES]
    assert len(codes) == len(set(codes))
    assert set(ACCEPTED_BEFORE) <= set(codes)
    assert all(is_country(code) for code in codes)


@pytest.mark.parametrize("code", ["XK", "ZZ", "de", "DEU", "276", "", " DE"])
def test_it_refuses_what_is_not_a_stored_alpha_2_code(code):
    # Kosovo's XK is user-assigned, not ISO 3166-1; stored codes are upper case alpha-2 only.
    assert not is_country(code)


def test_the_choices_read_in_english_sorted_by_name_accents_ignored():
    names = dict(COUNTRY_CHOICES)
    assert names["DE"] == "Germany" and names["JP"] == "Japan"
    assert COUNTRY_CHOICES[:3] == [("AF", "Afghanistan"), ("AX", "Åland Islands"), ("AL", "Albania")]
