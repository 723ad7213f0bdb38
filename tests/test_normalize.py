"""Normalisation of contact details and technology indicators (casework/normalize.py).

The module promises three things, and each is a property tested here: normalising twice changes
nothing; equivalent spellings of one trace give one fingerprint; and input it cannot read is a
``ValidationError``, never another exception.
"""

import re
import string
from urllib.parse import urlencode

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, assume, example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from casework import services
from casework.choices import IndicatorKind
from casework.models import Person, TechnologyIndicator
from casework.normalize import (
    TRACKING_PARAMETERS,
    canonical_url,
    indicator_fingerprint,
    normalize_email,
    normalize_handle,
    normalize_indicator,
    normalize_phone,
)

FAST = hsettings(max_examples=60, deadline=None)
FUZZ = hsettings(max_examples=150, deadline=None)
KINDS = list(IndicatorKind.values)
HEX64 = re.compile(r"[0-9a-f]{64}")
PNF = phonenumbers.PhoneNumberFormat


# --- strategies -------------------------------------------------------------------------------

REGIONS = ["US", "GB", "DE", "FR", "IN", "BR", "JP", "AU", "NG", "MX", "KE", "PH"]
_TEMPLATES = [
    (region, phonenumbers.example_number_for_type(region, number_type))
    for region in REGIONS
    for number_type in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE)
]
_TEMPLATES = [(region, number) for region, number in _TEMPLATES if number is not None]


@st.composite
def valid_numbers(draw, regions=None):
    """(region, PhoneNumber): an example number of the region with its last four digits redrawn,
    kept only if ``phonenumbers`` still calls it valid."""
    templates = [t for t in _TEMPLATES if regions is None or t[0] in regions]
    region, template = draw(st.sampled_from(templates))
    nsn = phonenumbers.national_significant_number(template)
    tail = draw(st.text(string.digits, min_size=4, max_size=4))
    number = phonenumbers.parse(f"+{template.country_code}{nsn[:-4]}{tail}")
    assume(phonenumbers.is_valid_number(number))
    return region, number


_SEPARATORS = st.sampled_from(["", "", " ", "-", ".", "  ", " - "])


@st.composite
def noisy_international(draw, number):
    """The number written by hand: ``+CC``, then its digits with random spaces, dashes and dots,
    the first group perhaps in parentheses."""
    nsn = phonenumbers.national_significant_number(number)
    split = draw(st.integers(1, min(4, len(nsn) - 1)))
    head, rest = nsn[:split], nsn[split:]
    if draw(st.booleans()):
        head = f"({head})"
    body = "".join(draw(_SEPARATORS) + digit for digit in rest)
    return f"+{number.country_code}{draw(_SEPARATORS)}{head}{draw(_SEPARATORS)}{body}"


def _flip_case(draw, text):
    flips = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.upper() if flip else c.lower() for c, flip in zip(text, flips, strict=True))


_LABEL = st.text(string.ascii_lowercase + string.digits, min_size=1, max_size=10)
_TLD = st.sampled_from(["com", "org", "net", "co.uk", "example", "info"])
_PATH_SEGMENT = st.text(string.ascii_letters + string.digits + "-_.~", min_size=1, max_size=12)
_QUERY_KEY = st.text(string.ascii_lowercase + string.digits + "_", min_size=1, max_size=8).filter(
    lambda k: k not in TRACKING_PARAMETERS and not k.startswith("utm_")
)
_QUERY_VALUE = st.text(string.ascii_letters + string.digits + " -_./&=?%é", max_size=10)
_TRACKER_KEY = st.sampled_from(
    [*sorted(TRACKING_PARAMETERS), "utm_source", "utm_medium", "utm_campaign", "UTM_Content", "FBCLID"]
)


@st.composite
def ad_urls(draw):
    """(core, variant): a canonical web address, and the same address as pasted from a browser
    — host in random case, default port, tracking parameters, fragment, parameters reordered."""
    scheme = draw(st.sampled_from(["http", "https"]))
    host = ".".join([*draw(st.lists(_LABEL, min_size=1, max_size=3)), draw(_TLD)])
    port = draw(st.sampled_from(["", "", ":8080", ":8443"]))
    path = "/" + "/".join(draw(st.lists(_PATH_SEGMENT, max_size=4)))
    if draw(st.booleans()) and path != "/":
        path += "/"
    params = draw(st.lists(st.tuples(_QUERY_KEY, _QUERY_VALUE), max_size=4, unique_by=lambda kv: kv[0]))
    core = f"{scheme}://{host}{port}{path}" + (f"?{urlencode(sorted(params))}" if params else "")

    trackers = draw(st.lists(st.tuples(_TRACKER_KEY, _QUERY_VALUE), max_size=3))
    mixed = draw(st.permutations(params + trackers))
    variant_port = port or draw(st.sampled_from(["", {"http": ":80", "https": ":443"}[scheme]]))
    fragment = draw(st.sampled_from(["", "#", "#top", "#!/ad/7"]))
    variant = (
        f"{_flip_case(draw, scheme)}://{_flip_case(draw, host)}{variant_port}{path}"
        + (f"?{urlencode(mixed)}" if mixed else "")
        + fragment
    )
    return core, variant


_HANDLE = st.from_regex(r"[a-z0-9_.]{1,20}", fullmatch=True)


@st.composite
def handle_spellings(draw):
    handle = draw(_HANDLE)
    spelled = _flip_case(draw, handle)
    prefix = draw(st.sampled_from(["", "@", "@@", " @", "\t"]))
    suffix = draw(st.sampled_from(["", " ", "\n"]))
    return handle, prefix + spelled + suffix


def _emails():
    def accepted(address):
        try:
            normalize_email(address)
        except ValidationError:
            return False
        return True

    return st.emails().filter(accepted)


_WHITESPACE_RUN = st.text(" \t\n\u00a0", max_size=300)


@st.composite
def messaging_values(draw):
    """Values a caseworker types for a messaging account: a phone number in some spelling (with
    stray whitespace, sometimes a lot of it) or a handle."""
    if draw(st.booleans()):
        return draw(handle_spellings())[1]
    _, number = draw(valid_numbers(regions={"US"}))
    national = phonenumbers.format_number(number, PNF.NATIONAL)
    cut = draw(st.integers(0, len(national)))
    return national[:cut] + draw(_WHITESPACE_RUN) + national[cut:]


def _indicator_values(kind):
    strategies = {
        IndicatorKind.PHONE_NUMBER: valid_numbers().map(
            lambda rn: phonenumbers.format_number(rn[1], PNF.INTERNATIONAL)
        ),
        IndicatorKind.ONLINE_AD: ad_urls().map(lambda cv: cv[1]),
        IndicatorKind.SOCIAL_HANDLE: handle_spellings().map(lambda hv: hv[1]),
        IndicatorKind.EMAIL: _emails(),
        IndicatorKind.MESSAGING_APP: messaging_values(),
    }
    return st.one_of(strategies.get(kind, st.nothing()), st.text(min_size=1))


@st.composite
def kind_and_value(draw):
    kind = draw(st.sampled_from(KINDS))
    return kind, draw(_indicator_values(kind))


_ANY_TEXT = st.one_of(st.text(), st.binary().map(lambda b: b.decode("utf-8", errors="ignore")))


def _normalizes(function, value):
    """``function(value)``; ``None`` when it rejects the value with a ValidationError."""
    try:
        result = function(value)
    except ValidationError:
        return None
    assert isinstance(result, str)
    return result


# --- idempotence --------------------------------------------------------------------------------


@FAST
@given(valid_numbers(), st.sampled_from([PNF.NATIONAL, PNF.INTERNATIONAL, PNF.E164, PNF.RFC3966]))
def test_normalize_phone_is_idempotent(region_number, number_format):
    region, number = region_number
    written = phonenumbers.format_number(number, number_format)
    once = normalize_phone(written, region=region)
    assert normalize_phone(once) == once
    assert normalize_phone(once, region=region) == once


@FAST
@given(ad_urls())
def test_canonical_url_is_idempotent(core_variant):
    for url in core_variant:
        once = canonical_url(url)
        assert canonical_url(once) == once


@FAST
@given(handle_spellings())
def test_normalize_handle_is_idempotent(handle_spelling):
    once = normalize_handle(handle_spelling[1])
    assert normalize_handle(once) == once


@FAST
@given(_emails(), st.data())
def test_normalize_email_is_idempotent(address, data):
    spelled = data.draw(st.sampled_from(["", " ", "\t"])) + _flip_case(data.draw, address) + " "
    once = normalize_email(spelled)
    assert once == address.lower()
    assert normalize_email(once) == once


@FUZZ
@given(kind_and_value())
# Over 250 characters phonenumbers refuses to parse, so these fall through to the handle rule,
# whose output (whitespace removed) is a phone number the next time round.
@example((IndicatorKind.MESSAGING_APP, "(202) " + " " * 300 + "555-0143"))
@example((IndicatorKind.MESSAGING_APP, "- " * 130 + "202 555 0143"))
def test_normalize_indicator_is_idempotent_for_every_kind(kind_value):
    kind, value = kind_value
    once = _normalizes(lambda v: normalize_indicator(kind, v), value)
    assume(once is not None)
    assert normalize_indicator(kind, once) == once


@FUZZ
@given(st.sampled_from(["phone", "url", "handle", "email"]), _ANY_TEXT)
# An IPv6 literal loses its brackets, and the result is no longer a URL.
@example("url", "https://[::ffff:192.0.2.1]/ad")
def test_whatever_is_accepted_normalises_to_a_fixed_point(name, value):
    function = {
        "phone": normalize_phone,
        "url": canonical_url,
        "handle": normalize_handle,
        "email": normalize_email,
    }[name]
    once = _normalizes(function, value)
    # Most arbitrary text is rejected, which is fine (and tested elsewhere); a rejection is a
    # pass here rather than a filtered input, so Hypothesis does not give up on the search.
    if once is not None:
        assert function(once) == once


# --- equivalent spellings, one fingerprint --------------------------------------------------------


@FAST
@given(valid_numbers(), st.data())
def test_spellings_of_a_phone_number_share_one_fingerprint(region_number, data):
    region, number = region_number
    e164 = phonenumbers.format_number(number, PNF.E164)
    national = phonenumbers.format_number(number, PNF.NATIONAL)
    spellings = [
        phonenumbers.format_number(number, PNF.INTERNATIONAL),
        e164,
        phonenumbers.format_number(number, PNF.RFC3966),
        data.draw(noisy_international(number)),
        data.draw(noisy_international(number)),
    ]
    if region == "US":  # the deployment's default region (CASEBRIDGE_PHONE_REGION)
        spellings.append(national)
        spellings.append(f"  {national.replace(' ', '  ')} ")
    assert normalize_phone(national, region=region) == e164
    assert {normalize_phone(s) for s in spellings} == {e164}
    assert {normalize_indicator(IndicatorKind.PHONE_NUMBER, s) for s in spellings} == {e164}
    fingerprints = {
        indicator_fingerprint(IndicatorKind.PHONE_NUMBER, normalize_indicator(IndicatorKind.PHONE_NUMBER, s))
        for s in spellings
    }
    assert fingerprints == {indicator_fingerprint(IndicatorKind.PHONE_NUMBER, e164)}


@FAST
@given(valid_numbers(regions={"US"}))
def test_us_national_numbers_are_read_in_the_default_region(region_number):
    _, number = region_number
    e164 = phonenumbers.format_number(number, PNF.E164)
    nsn = phonenumbers.national_significant_number(number)
    for spelling in (
        phonenumbers.format_number(number, PNF.NATIONAL),
        f"({nsn[:3]}) {nsn[3:6]}-{nsn[6:]}",
        f"{nsn[:3]}-{nsn[3:6]}-{nsn[6:]}",
        f"{nsn[:3]}.{nsn[3:6]}.{nsn[6:]}",
        f"1 {nsn[:3]} {nsn[3:6]} {nsn[6:]}",
        nsn,
    ):
        assert normalize_phone(spelling) == e164, spelling


@FAST
@given(ad_urls())
def test_spellings_of_an_ad_url_share_one_fingerprint(core_variant):
    core, variant = core_variant
    canonical = canonical_url(core)
    assert canonical_url(variant) == canonical
    assert "#" not in canonical
    assert "utm_" not in canonical.lower()
    assert indicator_fingerprint(
        IndicatorKind.ONLINE_AD, normalize_indicator(IndicatorKind.ONLINE_AD, variant)
    ) == indicator_fingerprint(IndicatorKind.ONLINE_AD, normalize_indicator(IndicatorKind.ONLINE_AD, core))


@FAST
@given(handle_spellings())
def test_spellings_of_a_handle_share_one_fingerprint(handle_spelling):
    handle, spelled = handle_spelling
    assert normalize_handle(spelled) == handle
    assert normalize_indicator(IndicatorKind.SOCIAL_HANDLE, spelled) == handle
    assert indicator_fingerprint(
        IndicatorKind.SOCIAL_HANDLE, normalize_indicator(IndicatorKind.SOCIAL_HANDLE, spelled)
    ) == indicator_fingerprint(IndicatorKind.SOCIAL_HANDLE, handle)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("(202) 555-0143", "+12025550143"),
        ("202.555.0143", "+12025550143"),
        ("+1 202-555-0143", "+12025550143"),
        ("tel:+1-202-555-0143", "+12025550143"),
        ("+44 20 7946 0958", "+442079460958"),
    ],
)
def test_phone_examples(value, expected):
    assert normalize_phone(value) == expected


def test_phone_national_number_read_in_given_region():
    assert normalize_phone("020 7946 0958", region="GB") == "+442079460958"
    # the same digits read in the default region (US) are not a number there
    with pytest.raises(ValidationError):
        normalize_phone("020 7946 0958")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("HTTPS://Example.COM:443/ad?id=7&utm_source=fb#top", "https://example.com/ad?id=7"),
        ("http://example.com:80/?b=2&fbclid=x&a=1", "http://example.com/?a=1&b=2"),
        ("example.com/ad", "https://example.com/ad"),
        ("https://example.com:8080", "https://example.com:8080/"),
        ("https://Bücher.example/", "https://xn--bcher-kva.example/"),
    ],
)
def test_canonical_url_examples(value, expected):
    assert canonical_url(value) == expected


@pytest.mark.parametrize(
    "value", ["", "   ", "ftp://example.com/", "https://", "https://localhos", "https://example.com:99999/"]
)
def test_canonical_url_rejects(value):
    with pytest.raises(ValidationError):
        canonical_url(value)


def test_handle_and_email_examples():
    assert normalize_handle("  @Some.One ") == "some.one"
    assert normalize_handle("@@ Some One") == "someone"
    assert normalize_email("  Ama@Example.ORG ") == "ama@example.org"
    assert normalize_indicator(IndicatorKind.MESSAGING_APP, "+1 (202) 555-0143") == "+12025550143"
    assert normalize_indicator(IndicatorKind.MESSAGING_APP, "@Trader_Joe") == "trader_joe"
    assert normalize_indicator(IndicatorKind.PAYMENT_ACCOUNT, "  acct \n 123  ") == "acct 123"
    for function in (normalize_handle, normalize_email):
        with pytest.raises(ValidationError):
            function(" @ ")


# --- invalid input is a ValidationError, nothing else ---------------------------------------------


@FUZZ
@given(_ANY_TEXT)
def test_contact_normalisers_raise_only_validation_error(value):
    for function in (normalize_phone, canonical_url, normalize_handle, normalize_email):
        _normalizes(function, value)


@FUZZ
@given(st.sampled_from(KINDS), _ANY_TEXT)
def test_normalize_indicator_raises_only_validation_error(kind, value):
    _normalizes(lambda v: normalize_indicator(kind, v), value)


@FAST
@given(st.text(string.ascii_lowercase + "_", min_size=1).filter(lambda k: k not in KINDS))
def test_unknown_kind_is_a_validation_error(kind):
    with pytest.raises(ValidationError):
        normalize_indicator(kind, "anything")


@pytest.mark.parametrize("value", ["", "   ", "12", "not a phone", "+1 202 555 01439999", "+999 1234"])
def test_invalid_phones_are_validation_errors(value):
    with pytest.raises(ValidationError):
        normalize_phone(value)


# --- fingerprints -------------------------------------------------------------------------------


@FAST
@given(st.text())
def test_fingerprints_are_64_lowercase_hex_and_differ_across_kinds(value):
    fingerprints = [indicator_fingerprint(kind, value) for kind in KINDS]
    assert all(HEX64.fullmatch(f) for f in fingerprints)
    assert len(set(fingerprints)) == len(KINDS)
    assert indicator_fingerprint(KINDS[0], value) == fingerprints[0]  # deterministic


def test_fingerprints_differ_across_signing_keys(settings):
    value = "+12025550143"
    settings.CASEBRIDGE_SIGNING_KEY = "key-one"
    first = indicator_fingerprint(IndicatorKind.PHONE_NUMBER, value)
    assert indicator_fingerprint(IndicatorKind.PHONE_NUMBER, value) == first
    settings.CASEBRIDGE_SIGNING_KEY = "key-two"
    second = indicator_fingerprint(IndicatorKind.PHONE_NUMBER, value)
    assert HEX64.fullmatch(first)
    assert HEX64.fullmatch(second)
    assert first != second


# --- through the services -----------------------------------------------------------------------


@pytest.fixture
def case(caseworker, make_case):
    return make_case(caseworker)


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["12", "not a phone", "", "+1 202 555 01439999"])
def test_indicator_add_rejects_an_invalid_phone_on_value(caseworker, case, value):
    with pytest.raises(ValidationError) as caught:
        services.indicator_add(actor=caseworker, case=case, kind=IndicatorKind.PHONE_NUMBER, value=value)
    assert "value" in caught.value.message_dict
    assert not TechnologyIndicator.objects.filter(case=case).exists()


@pytest.mark.django_db
def test_indicator_add_stores_e164_and_matches_spellings(caseworker, case):
    first = services.indicator_add(actor=caseworker, case=case, kind=IndicatorKind.PHONE_NUMBER, value="(202) 555-0143")
    second = services.indicator_add(
        actor=caseworker, case=case, kind=IndicatorKind.PHONE_NUMBER, value="+1 202-555-0143"
    )
    first.refresh_from_db()
    assert first.value == second.value == "+12025550143"
    assert first.fingerprint == second.fingerprint
    assert HEX64.fullmatch(first.fingerprint)


@pytest.mark.django_db
def test_person_add_rejects_an_invalid_phone_on_phone(caseworker, case):
    before = Person.objects.filter(case=case).count()
    with pytest.raises(ValidationError) as caught:
        services.person_add(actor=caseworker, case=case, role="survivor", given_name="Ama", phone="12")
    assert "phone" in caught.value.message_dict
    assert Person.objects.filter(case=case).count() == before


@pytest.mark.django_db
def test_person_add_stores_a_us_national_number_in_e164(caseworker, case):
    person = services.person_add(actor=caseworker, case=case, role="survivor", given_name="Ama", phone="(202) 555-0143")
    person.refresh_from_db()
    assert person.phone == "+12025550143"


# Hypothesis with a function-scoped fixture: the fixture is set up once for all examples, which
# is what we want here (one case, many values; rows are checked per example, not in total).
@pytest.mark.django_db
@hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=_ANY_TEXT)
def test_indicator_add_phone_is_stored_normalised_or_rejected(caseworker, case, value):
    before = TechnologyIndicator.objects.filter(case=case).count()
    expected = _normalizes(normalize_phone, value)
    if expected is None:
        with pytest.raises(ValidationError) as caught:
            services.indicator_add(actor=caseworker, case=case, kind=IndicatorKind.PHONE_NUMBER, value=value)
        assert "value" in caught.value.message_dict
        assert TechnologyIndicator.objects.filter(case=case).count() == before
    else:
        indicator = services.indicator_add(actor=caseworker, case=case, kind=IndicatorKind.PHONE_NUMBER, value=value)
        assert indicator.value == expected
