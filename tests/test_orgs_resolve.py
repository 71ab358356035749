"""Organisation and country resolution: unit tests, bad input first (issue 3).

The resolver here runs on the curated tables only (``ReferenceData.empty()``),
so these tests hold on a clone without ../shared/data; tests with the
registries are in test_orgs_mirror.py.
"""

from __future__ import annotations

import pytest

from talentflow.normalise.countries import country_code
from talentflow.resolve.countries import place_mentions, stated_country
from talentflow.resolve.domains import cctld_country, clean_domain, is_email_provider, suffixes
from talentflow.resolve.orgs import BASES, KINDS, Resolver
from talentflow.resolve.reference import ReferenceData
from talentflow.resolve.text import MAX_AFFILIATION_CHARS, clean_affiliation, name_key


@pytest.fixture(scope="module")
def curated() -> Resolver:
    return Resolver(ReferenceData.empty())


# ---- country names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("USA", "US"),
        ("U.S.A.", "US"),
        ("United States of America", "US"),
        ("UK", "GB"),
        ("England", "GB"),
        ("Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("Korea, Republic of", "KR"),
        ("P.R. China", "CN"),
        ("PRC", "CN"),
        ("Türkiye", "TR"),
        ("Turkey", "TR"),
        ("Russian Federation", "RU"),
        ("Hong Kong", "HK"),
        ("Taiwan", "TW"),
        ("Czechia", "CZ"),
        ("deu", "DE"),
        ("de", "DE"),
        ("Viet Nam", "VN"),
    ],
)
def test_country_code_normalises_names_aliases_and_codes(text: str, code: str) -> None:
    assert country_code(text) == code


@pytest.mark.parametrize("text", ["", "   ", None, "Unknown", "Narnia", "Europe", "Asia", "XX"])
def test_unknown_country_names_give_none(text: str | None) -> None:
    assert country_code(text) is None


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Stanford University, Stanford, CA 94305", "US"),
        ("Dept. of EECS, MIT, Cambridge, MA", "US"),
        ("Seoul National University, Seoul, Korea", "KR"),
        ("Peking University, P.R. China", "CN"),
        ("New York University Abu Dhabi", "AE"),
        ("University of Western Ontario, London, Ontario", "CA"),
        ("Simon Fraser University, Burnaby, BC, CA", "CA"),
        ("Technion, Haifa, IL", "IL"),
        ("IIIT Hyderabad, Gachibowli, Telangana, IN", "IN"),
        ("Microsoft Research, INDIA", "IN"),
        ("Georgia Institute of Technology", "US"),
        ("University of New South Wales, Sydney", "AU"),
        ("Universität Tübingen", "DE"),
        ("Microsoft Research New England", "US"),
    ],
)
def test_stated_country(text: str, code: str) -> None:
    assert stated_country(text) == code


@pytest.mark.parametrize(
    "text",
    ["Naver Labs Europe", "nice work on georgia tech", "Department of Computer Science", ""],
)
def test_no_stated_country(text: str) -> None:
    assert stated_country(text) is None


def test_place_mentions_are_in_text_order() -> None:
    found = place_mentions("Toyota Motor Europe, Brussels, Belgium")
    assert [m.country for m in found] == [None, "BE", "BE"]


# ---- domains -----------------------------------------------------------------------------


def test_clean_domain() -> None:
    assert clean_domain(" Jane@CS.MIT.EDU ") == "cs.mit.edu"
    assert clean_domain("https://www.google.com/about") == "google.com"
    assert clean_domain("n/a") is None
    assert clean_domain("") is None
    assert clean_domain("not a domain") is None


@pytest.mark.parametrize(
    "domain",
    [
        "gmail.com",
        "163.com",
        "126.com",
        "qq.com",
        "foxmail.com",
        "hotmail.com",
        "mail.ru",
        "vip.qq.com",
        "outlook.com",
        "naver.com",
        "yahoo.co.jp",
    ],
)
def test_email_providers_are_recognised(domain: str) -> None:
    assert is_email_provider(domain)


@pytest.mark.parametrize(
    "domain", ["google.com", "mit.edu", "qq.com.example.org", "tsinghua.edu.cn"]
)
def test_organisation_domains_are_not_providers(domain: str) -> None:
    assert not is_email_provider(domain)


@pytest.mark.parametrize(
    ("domain", "code"),
    [
        ("kaist.ac.kr", "KR"),
        ("tsinghua.edu.cn", "CN"),
        ("cs.ox.ac.uk", "GB"),
        ("mit.edu", "US"),
        ("tum.de", "DE"),
        ("urv.cat", "ES"),
        ("openai.com", None),
        ("sakana.ai", None),
        ("huggingface.co", None),
        ("x.io", None),
    ],
)
def test_cctld_country(domain: str, code: str | None) -> None:
    assert cctld_country(domain) == code


def test_suffixes_stop_at_the_registrable_domain() -> None:
    assert suffixes("nlp.cs.ox.ac.uk") == ["nlp.cs.ox.ac.uk", "cs.ox.ac.uk", "ox.ac.uk"]
    assert suffixes("cs.stanford.edu") == ["cs.stanford.edu", "stanford.edu"]


# ---- cleaning ----------------------------------------------------------------------------


def test_mojibake_is_repaired_and_reported() -> None:
    garbled = "Université de Montréal".encode().decode("latin-1")
    assert garbled != "Université de Montréal"
    clean = clean_affiliation(garbled)
    assert clean.text == "Université de Montréal"
    assert "mojibake" in clean.problems


def test_html_escapes_are_undone_even_when_doubled() -> None:
    clean = clean_affiliation("Texas A&amp;amp;M University")
    assert clean.text == "Texas A&M University"
    assert "html-escaped" in clean.problems
    assert clean_affiliation("Lab &lt;b&gt;X&lt;/b&gt;").text == "Lab X"


def test_absurdly_long_affiliation_is_cut_and_flagged() -> None:
    clean = clean_affiliation("Stanford University " * 5000)
    assert len(clean.text) <= MAX_AFFILIATION_CHARS
    assert "too-long" in clean.problems


@pytest.mark.parametrize("raw", [None, "", "   ", "-", "N/A", "none", "Unknown", "\x00\x01"])
def test_empty_and_placeholder_affiliations(raw: str | None) -> None:
    assert clean_affiliation(raw).empty


def test_name_key_folds_case_accents_and_abbreviations() -> None:
    assert name_key("The Univ. of Texas at Austin") == "university of texas at austin"
    assert name_key("Technische Universität München") == "technische universitat munchen"
    assert name_key("AT&T Labs") == name_key("AT and T Laboratories")


# ---- the resolver ------------------------------------------------------------------------


@pytest.mark.parametrize("aff", [None, "", "   ", "N/A", "-"])
def test_empty_affiliation_is_unresolved_not_guessed(curated: Resolver, aff: str | None) -> None:
    res = curated.resolve(aff)
    assert res.org_id is None and res.country is None and res.confidence == 0.0


@pytest.mark.parametrize("provider", ["gmail.com", "163.com", "qq.com", "mails.qq.com"])
def test_email_provider_is_never_an_organisation(curated: Resolver, provider: str) -> None:
    res = curated.resolve(None, provider)
    assert res.org_id is None and res.country is None
    assert "email-provider" in res.notes
    # beside a real affiliation, the provider is ignored and the text decides
    res = curated.resolve("Moonshot AI", provider)
    assert res.org == "Moonshot AI" and res.country == "CN"


def test_unknown_country_name_is_not_guessed(curated: Resolver) -> None:
    res = curated.resolve("Institute of Magic, Republic of Narnia")
    assert res.country is None
    assert res.org_id is None or res.org_basis == "text"


def test_mojibake_and_html_inputs_resolve(curated: Resolver) -> None:
    res = curated.resolve("Universit\u00c3\u00a9 de Montr\u00c3\u00a9al, Montr\u00c3\u00a9al")
    assert res.country == "CA" and "mojibake" in res.notes
    res = curated.resolve("AT&amp;T Labs Research, Florham Park, NJ")
    assert res.org == "AT&T" and res.country == "US" and "html-escaped" in res.notes


def test_absurdly_long_input_is_resolved_quickly_and_flagged(curated: Resolver) -> None:
    res = curated.resolve("Google DeepMind, London, UK; " + "x" * 1_000_000)
    assert res.org == "Google DeepMind" and res.country == "GB"
    assert "too-long" in res.notes


@pytest.mark.parametrize(
    ("aff", "domain", "org", "country", "hq"),
    [
        ("OpenAI", "openai.com", "OpenAI", "US", "US"),
        ("Meta AI (FAIR)", None, "Meta", "US", "US"),
        ("FAIR, Meta", None, "FAIR (Meta AI Research)", "US", "US"),
        ("Google DeepMind", None, "Google DeepMind", "GB", "US"),
        ("Google Research", None, "Google Research", "US", "US"),
        ("Microsoft Research Asia", "microsoft.com", "Microsoft Research Asia", "CN", "US"),
        ("NVIDIA", None, "NVIDIA", "US", "US"),
        ("Apple", None, "Apple", "US", "US"),
        ("Amazon Web Services", None, "Amazon", "US", "US"),
        ("Anthropic", None, "Anthropic", "US", "US"),
        ("xAI", None, "xAI", "US", "US"),
        ("Qwen Team, Alibaba Group", None, "Qwen Team (Alibaba)", "CN", "CN"),
        ("DAMO Academy, Alibaba Group", None, "Alibaba DAMO Academy", "CN", "CN"),
        ("ByteDance Seed", None, "ByteDance Seed", "CN", "CN"),
        ("TikTok", None, "TikTok", "SG", "SG"),
        ("Tencent AI Lab", None, "Tencent", "CN", "CN"),
        ("Baidu Research", None, "Baidu", "CN", "CN"),
        ("Meituan", None, "Meituan", "CN", "CN"),
        ("Huawei Noah's Ark Lab", None, "Huawei Noah's Ark Lab", "CN", "CN"),
        ("Moonshot AI", None, "Moonshot AI", "CN", "CN"),
        ("Zhipu AI", None, "Zhipu AI", "CN", "CN"),
        ("MiniMax", None, "MiniMax", "CN", "CN"),
        ("Baichuan Inc.", None, "Baichuan AI", "CN", "CN"),
        ("01.AI", None, "01.AI", "CN", "CN"),
        ("DeepSeek-AI", None, "DeepSeek", "CN", "CN"),
        ("SenseTime Research", None, "SenseTime", "CN", "CN"),
        ("Samsung AI Center Cambridge", None, "Samsung AI Center Cambridge", "GB", "KR"),
        ("LG AI Research", None, "LG AI Research", "KR", "KR"),
        ("NAVER Cloud", None, "NAVER", "KR", "KR"),
        ("Sakana AI", None, "Sakana AI", "JP", "JP"),
        ("Mistral AI", None, "Mistral AI", "FR", "FR"),
        ("Cohere", None, "Cohere", "CA", "CA"),
        ("Upstage AI", None, "Upstage", "KR", "KR"),
        ("Kakao Brain", None, "Kakao", "KR", "KR"),
    ],
)
def test_organisations_the_issue_names(
    curated: Resolver, aff: str, domain: str | None, org: str, country: str, hq: str
) -> None:
    res = curated.resolve(aff, domain)
    assert (res.org, res.country, res.hq_country) == (org, country, hq)
    assert res.org_kind == "industry"


def test_location_and_headquarters_conventions_differ(curated: Resolver) -> None:
    res = curated.resolve("Google DeepMind, London, UK", "deepmind.com")
    assert (res.country, res.country_basis, res.hq_country) == ("GB", "stated", "US")
    res = curated.resolve("Toyota Motor Europe, Belgium (on leave from Toyota CRDL, Japan)")
    assert (res.org, res.country, res.hq_country) == ("Toyota", "BE", "JP")


def test_hq_is_the_last_resort_and_says_so(curated: Resolver) -> None:
    res = curated.resolve("Google")
    assert (res.country, res.country_basis) == ("US", "hq")
    assert res.confidence < curated.resolve("Google, Zurich").confidence


def test_domain_alone_gives_country_by_cctld(curated: Resolver) -> None:
    res = curated.resolve(None, "cs.kaist.ac.kr")
    assert (res.country, res.country_basis) == ("KR", "domain")


def test_curated_domain_identifies_the_organisation(curated: Resolver) -> None:
    res = curated.resolve("Research Scientist", "deepmind.com")
    assert res.org == "Google DeepMind" and res.org_basis == "domain"


def test_source_country_label_is_used_only_when_nothing_else_speaks(curated: Resolver) -> None:
    res = curated.resolve("Foo Bar Group", None, ["Foo Bar"], ["Germany"])
    assert (res.country, res.country_basis) == ("DE", "source")
    res = curated.resolve("Foo Bar Group, Paris", None, ["Foo Bar"], ["Germany"])
    assert (res.country, res.country_basis) == ("FR", "stated")


def test_multi_affiliation_slot_takes_the_first_resolvable_part(curated: Resolver) -> None:
    res = curated.resolve("Naver Labs Europe+University of Nowhere", "naverlabs.com+x.org")
    assert res.org == "NAVER LABS Europe" and res.country == "FR"


def test_results_use_declared_vocabularies(curated: Resolver) -> None:
    for aff in ("OpenAI", "Stanford, CA", "Some Lab Inc", None, "Institut Foo, France"):
        res = curated.resolve(aff, "x.de")
        assert res.org_kind in (*KINDS, None)
        assert res.country_basis in (*BASES, None)
        assert 0.0 <= res.confidence <= 1.0


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Air Force Research Laboratory, Rome, NY", "US"),
        ("Purdue University, West Lafayette, IN", "US"),
        ("Lawson Health Research Institute, London, ON, CA", "CA"),
        ("Pune, IN", "IN"),
    ],
)
def test_state_codes_against_country_codes(text: str, code: str) -> None:
    assert stated_country(text) == code


def test_footnote_marks_are_dropped() -> None:
    assert clean_affiliation("Google DeepMind♠").text == "Google DeepMind"
    assert clean_affiliation("School of Computing1").text == "School of Computing"
    assert clean_affiliation("Univ¹ of Y†").text == "Univ of Y"
    assert clean_affiliation("IAS-8").text == "IAS-8"
    assert stated_country(clean_affiliation("Microsoft Research Montr ´eal").text) == "CA"
    assert clean_affiliation("Bo˘ gazi¸ ci University").text == "Bogazici University"


def test_company_regional_subdomain_locates_the_person(curated: Resolver) -> None:
    from talentflow.resolve.domains import subdomain_country

    assert subdomain_country("us.bosch.com") == "US"
    assert subdomain_country("ai.meta.com") is None
    assert subdomain_country("bosch.com") is None
    assert subdomain_country("cw.jp.nec.com") == "JP"
    res = curated.resolve("Bosch Research North America", "us.bosch.com")
    assert (res.org, res.country, res.country_basis, res.hq_country) == (
        "Bosch",
        "US",
        "domain",
        "DE",
    )
    # a university's departmental subdomain is not a country
    assert curated.resolve("Dept. of CS", "cs.mit.edu").country == "US"
