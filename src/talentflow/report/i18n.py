"""The views' words and numbers in English and Korean: one small message catalogue.

Every piece of text the report or the dashboard shows comes from ``MESSAGES`` so a
translation is one dictionary entry, and numbers are formatted per language:

>>> fmt_int(21668, "en"), fmt_int(21668, "ko")
('21,668', '21,668')
>>> fmt_compact(21668, "en"), fmt_compact(21668, "ko")
('21.7K', '2.2만')
>>> fmt_pct(0.6238, "en"), fmt_interval(0.58, 0.66, "ko")
('62.4%', '58.0–66.0%')
"""

from __future__ import annotations

import gettext
import math
from functools import cache
from typing import Literal

Lang = Literal["en", "ko"]
LANGS: tuple[Lang, ...] = ("en", "ko")

MESSAGES: dict[str, dict[Lang, str]] = {
    "title": {"en": "AI talent flows", "ko": "AI 인재 흐름"},
    "subtitle": {
        "en": "Where a venue's researchers come from, trained and work, measured from public "
        "paper lists, with sample sizes and 95% intervals.",
        "ko": "공개된 논문 목록으로 측정한 학회 연구자의 출신·교육·근무 국가 (표본 크기와 95% "
        "신뢰구간 포함).",
    },
    "generated": {"en": "Generated", "ko": "생성 시각"},
    "filters": {"en": "Filters", "ko": "필터"},
    "all": {"en": "all", "ko": "전체"},
    "venue": {"en": "Venue", "ko": "학회"},
    "year": {"en": "Year", "ko": "연도"},
    "country": {"en": "Country", "ko": "국가"},
    "organisation": {"en": "Organisation", "ko": "기관"},
    "basis": {"en": "Country basis", "ko": "국가 기준"},
    "basis_location": {"en": "where people work", "ko": "근무 위치"},
    "basis_hq": {"en": "employer headquarters", "ko": "고용주 본사"},
    "headline": {"en": "Headline figures", "ko": "주요 수치"},
    "papers": {"en": "Papers (all records)", "ko": "논문 (전체 기록)"},
    "accepted_papers": {"en": "Accepted papers", "ko": "채택 논문"},
    "authorships": {"en": "Author slots", "ko": "저자 슬롯"},
    "unique_names": {"en": "Distinct author names", "ko": "고유 저자 이름"},
    "people": {"en": "People resolved", "ko": "식별된 연구자"},
    "organisations": {"en": "Organisations resolved", "ko": "식별된 기관"},
    "with_country": {"en": "Author slots with a country", "ko": "국가가 확인된 저자 슬롯"},
    "authors_n": {"en": "Authors in the sample", "ko": "표본 저자 수"},
    "top_work": {"en": "Largest work country", "ko": "최대 근무 국가"},
    "top_census": {"en": "Largest name-origin group", "ko": "최대 이름 기원 집단"},
    "interval": {"en": "95% interval", "ko": "95% 신뢰구간"},
    "venue_years": {"en": "Records per venue and year", "ko": "학회·연도별 기록"},
    "pipeline": {
        "en": "Origin → training → work",
        "ko": "출신 → 교육 → 근무",
    },
    "pipeline_note": {
        "en": "Countries of earliest education (origin), graduate training and current work of "
        "the accepted authors. Link widths count the authors for whom both stages could be "
        "determined.",
        "ko": "채택 논문 저자의 최초 교육 국가(출신), 대학원 교육 국가, 현재 근무 국가. 연결선의 "
        "굵기는 두 단계가 모두 확인된 저자 수입니다.",
    },
    "origin": {"en": "origin", "ko": "출신"},
    "training": {"en": "training", "ko": "교육"},
    "work": {"en": "work", "ko": "근무"},
    "share": {"en": "share", "ko": "비율"},
    "coverage": {"en": "Coverage", "ko": "포괄 범위"},
    "world_map": {"en": "Where authors work", "ko": "저자의 근무 국가"},
    "work_share_by_country": {
        "en": "Share of authors working in each country",
        "ko": "국가별 근무 저자 비율",
    },
    "migration": {
        "en": "Migration: net gain per 10,000 researchers",
        "ko": "이동: 연구자 1만 명당 순유입",
    },
    "migration_note": {
        "en": "Inflow minus outflow of active researchers per 10,000 active in the country and "
        "year; bars show 95% intervals.",
        "ko": "국가·연도별 활동 연구자 1만 명당 유입 − 유출. 막대는 95% 신뢰구간입니다.",
    },
    "net_per_10k": {"en": "net per 10,000", "ko": "1만 명당 순유입"},
    "bilateral": {"en": "Biggest bilateral flows", "ko": "주요 국가 간 이동"},
    "moves": {"en": "moves", "ko": "이동 수"},
    "orgflows": {
        "en": "Organisation flows: who hires from whom",
        "ko": "기관 간 이동: 누가 누구에게서 채용하는가",
    },
    "group_moves": {"en": "Group moves", "ko": "집단 이동"},
    "group_moves_note": {
        "en": "Several people moving from one organisation to the same other one within a short "
        "window.",
        "ko": "짧은 기간 안에 여러 사람이 한 기관에서 같은 다른 기관으로 옮긴 경우.",
    },
    "census": {"en": "Name-origin census", "ko": "이름 기원 통계"},
    "census_statement": {
        "en": "This estimates the share of the authors' names that follow the pattern of each "
        "origin group — not anyone's nationality, ethnicity or identity. It is computed in "
        "aggregate only (probabilities summed over all authors); no estimate for any single "
        "person is shown, stored or exported, and groups of fewer than 10 people are "
        "suppressed.",
        "ko": "저자 이름 중 각 이름 기원 집단의 패턴을 따르는 이름의 비율을 추정한 것이며, 누구의 "
        "국적·민족·정체성도 아닙니다. 모든 저자의 확률을 합산한 집계로만 계산하며, 개인별 "
        "추정치는 표시·저장·내보내기하지 않고 10명 미만 집단은 표시하지 않습니다.",
    },
    "abstained": {"en": "abstained (evidence too weak)", "ko": "판단 보류 (근거 부족)"},
    "estimate": {"en": "estimate", "ko": "추정치"},
    "country_profile": {"en": "Country profile", "ko": "국가 프로필"},
    "methods": {
        "en": "Methods, coverage and data provenance",
        "ko": "방법, 포괄 범위, 데이터 출처",
    },
    "methods_text": {
        "en": "Every figure is an estimate from public paper lists: shares carry 95% intervals "
        "(Wilson or bootstrap, as each indicator's method note says) and the number of authors "
        "they rest on. The views draw the indicator tables as they are; they compute nothing "
        "themselves.",
        "ko": "모든 수치는 공개 논문 목록에서 얻은 추정치입니다. 비율에는 95% 신뢰구간(각 지표의 "
        "방법 설명에 따라 Wilson 또는 부트스트랩)과 근거가 된 저자 수가 함께 표시됩니다. 보고서와 "
        "대시보드는 지표 표를 그대로 그릴 뿐 스스로 계산하지 않습니다.",
    },
    "method_notes": {"en": "Indicator method notes", "ko": "지표별 방법 설명"},
    "software_version": {"en": "Software version", "ko": "소프트웨어 버전"},
    "schema_version": {"en": "Store schema version", "ko": "저장소 스키마 버전"},
    "source_files": {"en": "Source files", "ko": "원본 파일"},
    "file": {"en": "file", "ko": "파일"},
    "sha256": {"en": "SHA-256", "ko": "SHA-256"},
    "records": {"en": "records", "ko": "기록 수"},
    "ingested_at": {"en": "ingested (UTC)", "ko": "수집 시각 (UTC)"},
    "source_dates": {"en": "Build runs", "ko": "구축 실행"},
    "unavailable": {"en": "Not available yet", "ko": "아직 제공되지 않음"},
    "not_implemented": {
        "en": "this indicator is not part of this installation yet",
        "ko": "이 지표는 아직 이 설치본에 포함되어 있지 않습니다",
    },
    "no_data": {"en": "no data for this selection", "ko": "이 선택에 해당하는 데이터가 없습니다"},
    "needs_filter": {
        "en": "choose a {what} to see this",
        "ko": "{what}을(를) 선택하면 볼 수 있습니다",
    },
    "failed": {"en": "could not be computed", "ko": "계산할 수 없습니다"},
    "dashboard": {"en": "Dashboard", "ko": "대시보드"},
    "api_docs": {"en": "JSON API", "ko": "JSON API"},
    "apply": {"en": "Apply", "ko": "적용"},
    "loading": {"en": "Loading…", "ko": "불러오는 중…"},
    "rank": {"en": "rank", "ko": "순위"},
    "from": {"en": "from", "ko": "출발"},
    "to": {"en": "to", "ko": "도착"},
    "people_short": {"en": "people", "ko": "명"},
    "trains": {"en": "trains", "ko": "교육"},
    "employs": {"en": "employs", "ko": "고용"},
    "keeps": {"en": "keeps", "ko": "유지"},
    "loses": {"en": "loses", "ko": "유출"},
    "gains": {"en": "gains", "ko": "유입"},
    "other": {"en": "other", "ko": "기타"},
    "loses_to": {
        "en": "Where the researchers it trained went",
        "ko": "이 나라에서 교육받은 연구자의 유출 국가",
    },
    "gains_from": {
        "en": "Where its incoming researchers came from",
        "ko": "유입 연구자의 출신 국가",
    },
    "moves_out": {"en": "Moves out", "ko": "유출 이동"},
    "moves_in": {"en": "Moves in", "ko": "유입 이동"},
    "top_institutions": {"en": "Top institutions", "ko": "주요 기관"},
    "top_hirers": {
        "en": "Who hires most: hires and departures",
        "ko": "주요 채용 기관: 채용과 이탈",
    },
    "hires": {"en": "hires", "ko": "채용"},
    "departures": {"en": "departures", "ko": "이탈"},
    "trains_people": {"en": "Trained here (PhD or masters)", "ko": "국내 교육 (박사·석사)"},
    "employs_people": {"en": "Employed here", "ko": "국내 근무"},
    "keeps_share": {
        "en": "Kept (share of those trained here)",
        "ko": "국내 유지율 (국내 교육자 중)",
    },
    "unknown": {"en": "unknown", "ko": "미상"},
    "tracker_title": {
        "en": "Beside the Global AI Talent Tracker {edition} (NeurIPS {tracker_year}; {sample})",
        "ko": "글로벌 AI 인재 트래커 {edition}과 비교 (NeurIPS {tracker_year}; {sample})",
    },
    "sample_top-tier": {
        "en": "top-tier sample: authors of randomly drawn accepted papers",
        "ko": "상위권 표본: 무작위로 뽑은 채택 논문의 저자",
    },
    "sample_elite": {
        "en": "elite sample: authors of oral papers",
        "ko": "최상위 표본: 구두 발표 논문의 저자",
    },
    "tracker_note": {
        "en": "Not the same measurement. Sample: every accepted author of {year}{oral} here, "
        "a hand-checked sample there. Basis: work here is {basis}, read off the paper's "
        "affiliation; the Tracker counts the employer's headquarters (origin is the "
        "undergraduate country in both). Year: {year} here, NeurIPS {tracker_year} there, "
        "placed at the employer of the time the Tracker was compiled. Coverage: our shares "
        "are over the authors whose country is known ({known}; n = {n}). Europe excludes "
        "the UK.",
        "ko": "같은 측정이 아닙니다. 표본: 여기서는 {year}년 채택 논문의 모든 저자{oral}, "
        "트래커는 직접 확인한 표본입니다. 기준: 여기서 근무 국가는 {basis}(논문의 소속 "
        "기준)이고, 트래커는 고용주 본사 국가입니다(출신은 둘 다 학부 국가). 연도: 여기서는 "
        "{year}년, 트래커는 NeurIPS {tracker_year}이며 조사 당시의 고용주를 따릅니다. 포괄 "
        "범위: 우리 비율은 국가가 확인된 저자 기준입니다({known}; n = {n}명). 유럽은 "
        "영국을 제외합니다.",
    },
    "stage": {"en": "stage", "ko": "단계"},
    "oral_only": {"en": " (oral papers only)", "ko": " (구두 발표 논문만)"},
    "europe": {"en": "Europe", "ko": "유럽"},
    "ours": {"en": "here (95% interval)", "ko": "본 분석 (95% 신뢰구간)"},
    "tracker": {"en": "Tracker", "ko": "트래커"},
    "difference": {"en": "difference", "ko": "차이"},
    "pipeline_note_estimated": {
        "en": "Countries of first degree (origin), PhD (training) and current work of the "
        "accepted authors with a work country. Where an author's origin or training is not "
        "stated it is estimated (docs/education-estimates.md): dark links carry the authors "
        "whose origin and training are both stated, light links the estimated rest.",
        "ko": "근무 국가가 확인된 채택 논문 저자의 학부(출신)·박사(교육)·현재 근무 국가. "
        "출신이나 교육이 명시되지 않은 저자는 추정한 값입니다: 진한 연결선은 출신과 교육이 모두 "
        "명시된 저자, 옅은 연결선은 나머지 추정 저자입니다.",
    },
    "flow_stated": {"en": "stated", "ko": "명시"},
    "flow_estimated": {"en": "estimated", "ko": "추정"},
    "stage_stated_estimated": {
        "en": "{stage} {stated} stated + {estimated} estimated",
        "ko": "{stage} 명시 {stated}명 + 추정 {estimated}명",
    },
    "stages_rest_on": {
        "en": "{stages} (known: {known} of n = {n} authors)",
        "ko": "{stages} (확인: 저자 n = {n}명 중 {known})",
    },
    # table columns and coverage counts (label(): the name itself when missing here)
    "col_people": {"en": "people", "ko": "인원"},
    "kind": {"en": "kind", "ko": "유형"},
    "trained": {"en": "trained", "ko": "교육 인원"},
    "low": {"en": "low", "ko": "하한"},
    "high": {"en": "high", "ko": "상한"},
    "year_from": {"en": "year from", "ko": "시작 연도"},
    "year_to": {"en": "year to", "ko": "종료 연도"},
    "run_id": {"en": "run id", "ko": "실행 ID"},
    "source": {"en": "source", "ko": "출처"},
    "started_at": {"en": "started at", "ko": "시작 시각"},
    "finished_at": {"en": "finished at", "ko": "종료 시각"},
    "files_seen": {"en": "files seen", "ko": "확인한 파일"},
    "files_ingested": {"en": "files ingested", "ko": "수집한 파일"},
    "source_paperlists": {"en": "Paper Copilot paper lists", "ko": "Paper Copilot 논문 목록"},
    "source_papercopilot_openreview": {
        "en": "Paper Copilot OpenReview archive",
        "ko": "Paper Copilot OpenReview 보관본",
    },
    "source_openreview": {"en": "OpenReview profiles", "ko": "OpenReview 프로필"},
    "source_openalex": {"en": "OpenAlex authors", "ko": "OpenAlex 저자"},
    "kind_academia": {"en": "academia", "ko": "학계"},
    "kind_industry": {"en": "industry", "ko": "기업"},
    "kind_government": {"en": "government", "ko": "정부 기관"},
    "kind_nonprofit": {"en": "nonprofit", "ko": "비영리 기관"},
    "cov_people": {"en": "authors", "ko": "저자"},
    "cov_people_unresolved": {
        "en": "authors without a person decision",
        "ko": "연구자 식별이 안 된 저자",
    },
    "cov_organisation": {"en": "with an organisation", "ko": "기관 확인"},
    "cov_moves": {"en": "moves", "ko": "이동"},
    "cov_moves_with_both_countries": {
        "en": "moves with both countries",
        "ko": "양쪽 국가가 확인된 이동",
    },
    "cov_share_with_both_countries": {
        "en": "share with both countries",
        "ko": "양쪽 국가 확인 비율",
    },
    "cov_org_moves": {"en": "moves between known organisations", "ko": "확인된 기관 간 이동"},
    "cov_share_between_known_orgs": {
        "en": "share between known organisations",
        "ko": "확인된 기관 간 이동 비율",
    },
    "cov_within_family": {"en": "moves within one family", "ko": "같은 기업군 내 이동"},
    "cov_within_family_included": {
        "en": "moves within one family included",
        "ko": "기업군 내 이동 포함 여부",
    },
    "cov_evidence": {"en": "evidence", "ko": "근거"},
    "method_summary": {
        "en": "Each indicator's own note, with its counts, is the 'method' of its JSON output.",
        "ko": "각 지표의 원래 방법 설명(영어, 표본 수 포함)은 해당 명령의 JSON 출력 'method' "
        "항목에 있습니다.",
    },
    "method_pipeline": {
        "en": "{note}",
        "ko": "채택 논문 저자별로 근무 국가(논문에 적힌 소속의 위치 또는 고용주 본사), 교육 국가"
        "(박사, 없으면 석사 과정), 출신 국가(학부 과정)를 정하고, 각 단계가 확인된 저자만으로 "
        "비율을 계산합니다. 95% Wilson 신뢰구간. 교육과 출신은 근거가 있는 저자만 포함하므로 "
        "표본이 작을 수 있습니다.",
    },
    "method_migration": {
        "en": "{note}",
        "ko": "연도별로 국가에 머문 연구자 수, 처음 관측된 해의 국가 간 이동(유입·유출), "
        "연구자 1만 명당 순유입을 계산합니다. 95% 신뢰구간(Newcombe 방법). 양쪽 국가가 모두 확인된 "
        "이동만 셉니다.",
    },
    "method_orgflows": {
        "en": "{note}",
        "ko": "처음 관측된 해의 서로 다른 두 기관 사이의 이동을 셉니다. 같은 기업군 안의 이동은 "
        "기본적으로 제외합니다. 집단 이동은 짧은 기간 안에 한 기관에서 같은 다른 기관으로 옮긴 "
        "여러 사람입니다. 사람마다 가장 좋은 근거 하나만 씁니다.",
    },
    "method_census": {
        "en": "{note}",
        "ko": "이름 철자의 패턴으로 추정한 집단 비율의 합계만 보고하며, 개인별 추정은 보여주지 "
        "않습니다. 95% 부트스트랩 신뢰구간. 10명 미만인 집단은 표시하지 않습니다.",
    },
    "method_country": {
        "en": "{note}",
        "ko": "이 나라에서 교육받은 사람(박사, 없으면 석사), 이 나라에서 일하는 사람, 교육 후에도 "
        "이 나라에서 일하는 비율, 유출·유입 국가를 계산합니다. 95% Wilson 신뢰구간.",
    },
}


def t(key: str, lang: Lang = "en", **fields: object) -> str:
    """The message ``key`` in ``lang`` (English when a translation is missing)."""
    entry = MESSAGES.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["en"]
    return text.format(**fields) if fields else text


def label(key: str, lang: Lang = "en", prefix: str = "") -> str:
    """A data key's display label: the catalogue's ``prefix + key``, else ``key``, else the
    key with spaces for underscores."""
    for name in (prefix + key, key):
        if name in MESSAGES:
            return t(name, lang)
    return key.replace("_", " ")


def check_lang(lang: str) -> Lang:
    """``lang`` as a supported language, or ValueError naming the choices."""
    if lang not in LANGS:
        raise ValueError(f"unsupported language '{lang}' (choose {', '.join(LANGS)})")
    return lang


def _finite(value: float | int | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))


def fmt_int(value: float | int | None, lang: Lang = "en") -> str:
    """A count with thousands separators (both languages group by three with commas)."""
    if not _finite(value):
        return "–"
    assert value is not None
    return f"{round(value):,}"


def fmt_num(value: float | int | None, lang: Lang = "en", digits: int = 1) -> str:
    """A signed-as-needed decimal with ``digits`` places."""
    if not _finite(value):
        return "–"
    assert value is not None
    return f"{value:,.{digits}f}"


def fmt_pct(share: float | None, lang: Lang = "en", digits: int = 1) -> str:
    """A 0..1 share as a percentage."""
    if not _finite(share):
        return "–"
    assert share is not None
    return f"{share * 100:.{digits}f}%"


def fmt_interval(low: float | None, high: float | None, lang: Lang = "en", pct: bool = True) -> str:
    """A 95% interval, e.g. '58.0–66.0%' (shares) or '-3.1 – 4.2' (other numbers)."""
    if not (_finite(low) and _finite(high)):
        return "–"
    assert low is not None and high is not None
    if pct:
        return f"{low * 100:.1f}–{high * 100:.1f}%"
    return f"{fmt_num(low, lang)} – {fmt_num(high, lang)}"


def fmt_compact(value: float | int | None, lang: Lang = "en") -> str:
    """A large count shortened the way each language reads it (K/M; 만/억)."""
    if not _finite(value):
        return "–"
    assert value is not None
    v = float(value)
    if lang == "ko":
        for unit, size in (("억", 1e8), ("만", 1e4)):
            if abs(v) >= size:
                return f"{v / size:.1f}{unit}"
        return fmt_int(v, lang)
    for unit, size in (("B", 1e9), ("M", 1e6), ("K", 1e3)):
        if abs(v) >= size:
            return f"{v / size:.1f}{unit}"
    return fmt_int(v, lang)


# Groups of the name-origin census, as issue 6 names them.
GROUP_NAMES: dict[str, dict[Lang, str]] = {
    "chinese": {"en": "Chinese", "ko": "중국계"},
    "korean": {"en": "Korean", "ko": "한국계"},
    "japanese": {"en": "Japanese", "ko": "일본계"},
    "vietnamese": {"en": "Vietnamese", "ko": "베트남계"},
    "south_asian": {"en": "South Asian", "ko": "남아시아계"},
    "persian": {"en": "Persian", "ko": "페르시아계"},
    "arabic": {"en": "Arabic", "ko": "아랍계"},
    "turkish": {"en": "Turkish", "ko": "튀르키예계"},
    "hebrew": {"en": "Hebrew", "ko": "히브리계"},
    "anglo": {"en": "Anglo", "ko": "영미계"},
    "germanic": {"en": "Germanic", "ko": "게르만계"},
    "romance": {"en": "Romance (French, Italian)", "ko": "로망스계 (프랑스·이탈리아)"},
    "hispanic": {"en": "Hispanic / Lusophone", "ko": "히스패닉·포르투갈어계"},
    "slavic": {"en": "Slavic", "ko": "슬라브계"},
    "greek": {"en": "Greek", "ko": "그리스계"},
    "other": {"en": "Other", "ko": "기타"},
}


def group_name(group: str, lang: Lang = "en") -> str:
    """Display name of a census group."""
    entry = GROUP_NAMES.get(group)
    return (entry.get(lang) or entry["en"]) if entry else group.replace("_", " ")


@cache
def _korean_catalogue() -> gettext.NullTranslations | None:
    try:
        import pycountry
    except ImportError:
        return None
    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["ko"])
    except OSError:
        return None


@cache
def country_alpha3(code: str) -> str | None:
    """ISO 3166-1 alpha-3 of an alpha-2 code (what Plotly's world map needs)."""
    try:
        import pycountry
    except ImportError:
        return None
    found = pycountry.countries.get(alpha_2=code.upper())
    return str(found.alpha_3) if found is not None else None


@cache
def country_name(code: str | None, lang: Lang = "en") -> str:
    """Display name of an ISO alpha-2 country code (the code itself when unknown)."""
    if not code:
        return t("unknown", lang)
    try:
        import pycountry
    except ImportError:
        return code
    found = pycountry.countries.get(alpha_2=code.upper())
    if found is None:
        return code
    name = str(getattr(found, "common_name", None) or found.name)
    if lang == "ko":
        cat = _korean_catalogue()
        if cat is not None:
            return cat.gettext(str(found.name))
    return name
