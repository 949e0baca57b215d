"""The indicator system: load and validate the human-edited YAML configuration.

A bad file must stop the app at start with the file and the key at fault named, in
Chinese, because the people who edit it are office staff, not programmers.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import yaml

from revitalization.paths import DATA_DIR
from revitalization.wording import format_value

DEFAULT_CONFIG_PATH = DATA_DIR / "indicators.yaml"

GROUP_CODES = ("industry", "talent", "culture", "ecology", "organization")
DIRECTIONS = {"higher": "越高越好", "lower": "越低越好"}


class ConfigError(ValueError):
    """A configuration problem, with the file and key named in the message."""


@dataclass(frozen=True)
class Group:
    code: str
    name: str
    short: str
    name_en: str
    weight: float


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    name_en: str
    group: str
    unit: str
    direction: str
    weight: float
    lower: float
    upper: float
    valid_min: float
    valid_max: float
    gate: bool
    gate_threshold: float | None
    decimals: int
    definition: str
    source: str
    error: float | None = None  # relative data error for robustness (None: the method's)
    responsibilities: tuple[str, ...] = ()  # codes of the 15 responsibilities it evidences

    @property
    def higher_is_better(self) -> bool:
        return self.direction == "higher"

    def passes_gate(self, value: float) -> bool:
        """Whether a value meets the gate threshold (only meaningful for gates)."""
        if self.gate_threshold is None:
            return True
        if self.higher_is_better:
            return value >= self.gate_threshold
        return value <= self.gate_threshold

    def format_value(self, value: float | None) -> str:
        """Value with its unit, at the configured number of decimals."""
        return format_value(value, self.unit, self.decimals)


@dataclass(frozen=True)
class Responsibility:
    """One of the 15 responsibilities of city, county and township governments (各级责任)."""

    code: str
    short: str
    name: str
    text: str


@dataclass(frozen=True)
class Department:
    """A provincial department whose responsibilities (部门责任) the office records."""

    code: str
    name: str


WEIGHTINGS = {"simple": "等权", "population": "按常住人口加权", "rural_population": "按乡村常住人口加权"}
DIRECT_UNITS = {"rank": "参加市州排名", "county_only": "只参加县级考核"}


@dataclass(frozen=True)
class CityTier:
    """The 市州 tier: how a city's result is made from its counties and its own indicators."""

    weighting: str = "simple"
    own_share: float = 0.3
    direct_units: str = "rank"
    indicators: tuple[Indicator, ...] = ()


GRADES = ("优秀", "良好", "一般", "较差")
NORMALISATIONS = {"goalposts": "固定阈值", "minmax": "年度极差", "zscore": "年度标准分"}


@dataclass(frozen=True)
class Method:
    """Assessment rules and thresholds (the ``method`` section of the file).

    The default is one coherent rule set (see ``docs`` in the app's 方法说明): grades are
    quota *caps* on the class rank, 优秀 also needs a place in the province's upper half,
    排名落后 needs both a place in the class's bottom share and in the province's lower
    half; a flagged unit is never praised; 较差 is used only when ``grade_quotas`` names it.
    """

    normalisation: str = "goalposts"
    weighting: str = "policy"
    entropy_base_years: tuple[int, ...] = (2019, 2020, 2021)
    max_imputed_share: float = 0.2
    gate_cap_grade: bool = True
    gate_deduction: float = 2.0
    grade_mode: str = "quota"
    grade_quotas: tuple[tuple[str, float], ...] = (("优秀", 0.15), ("良好", 0.35), ("一般", 0.50))
    grade_thresholds: tuple[tuple[str, float], ...] = (("优秀", 85), ("良好", 75), ("一般", 60))
    excellent_province_top_share: float = 0.5
    progress_top_share: float = 0.10
    progress_min_score_gain: float = 2.0
    progress_min_rank_gain: int = 1
    flag_bottom_share: float = 0.10
    flag_province_bottom_share: float = 0.5
    flag_composite_below: float = 60.0
    flag_group_below: float = 50.0
    flag_declines_running: int = 2
    flag_decline_min: float = 1.0
    flag_on_gate_failure: bool = True
    robust_draws: int = 1000
    robust_weight_spread: float = 0.2
    robust_data_error: float = 0.03
    robust_cutoff_spread: float = 1.0
    robust_share: float = 0.8
    robust_seed: int = 20250101

    @property
    def within_class_only(self) -> bool:
        """Grades and 排名落后 decided on the class rank alone (no province guard)."""
        return (self.grade_mode == "quota" and self.excellent_province_top_share >= 1
                and self.flag_province_bottom_share >= 1)

    @property
    def grades(self) -> tuple[str, ...]:
        """The grades in use, best first (较差 only when configured)."""
        if self.grade_mode == "quota":
            return tuple(g for g, _ in self.grade_quotas)
        return tuple(g for g, _ in self.grade_thresholds) + (GRADES[len(self.grade_thresholds)],)


@dataclass(frozen=True)
class IndicatorSystem:
    title: str
    version: int
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    source_path: str
    method: Method = Method()
    responsibilities: tuple[Responsibility, ...] = ()
    city: CityTier = CityTier()
    department_duties: tuple[Responsibility, ...] = ()
    departments: tuple[Department, ...] = ()

    def group(self, code: str) -> Group:
        for g in self.groups:
            if g.code == code:
                return g
        raise KeyError(code)

    def indicator(self, code: str) -> Indicator:
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise KeyError(code)

    def any_indicator(self, code: str) -> Indicator:
        """A county or a city-level indicator by its code."""
        for ind in (*self.indicators, *self.city.indicators):
            if ind.code == code:
                return ind
        raise KeyError(code)

    def responsibility(self, code: str) -> Responsibility:
        for r in self.responsibilities:
            if r.code == code:
                return r
        raise KeyError(code)

    def in_group(self, group_code: str) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.group == group_code)

    @property
    def scored(self) -> tuple[Indicator, ...]:
        """Indicators that carry weight in their group score."""
        return tuple(i for i in self.indicators if i.weight > 0)

    @property
    def gates(self) -> tuple[Indicator, ...]:
        return tuple(i for i in self.indicators if i.gate)

    def fingerprint(self) -> str:
        """A short stable hash of the whole configuration (not of its file path); computed
        once per (immutable) configuration: every page asks for it several times a run."""
        known = self.__dict__.get("_fingerprint")
        if known is not None:
            return known
        payload = {
            "method": asdict(self.method),
            "title": self.title,
            "version": self.version,
            "groups": [asdict(g) for g in self.groups],
            "indicators": [asdict(i) for i in self.indicators],
            "responsibilities": [asdict(r) for r in self.responsibilities],
            "city": asdict(self.city),
            "department_duties": [asdict(d) for d in self.department_duties],
            "departments": [asdict(d) for d in self.departments],
        }
        blob = json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()
        known = hashlib.sha256(blob).hexdigest()[:12]
        object.__setattr__(self, "_fingerprint", known)  # frozen: a cache, not a field
        return known


_GROUP_FIELDS = ("code", "name", "short", "name_en", "weight")
_IND_REQUIRED = (
    "code", "name", "name_en", "group", "unit", "direction", "weight",
    "lower", "upper", "valid_min", "valid_max", "definition", "source",
)


def _num(where: str, key: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where}.{key}: 应为数字，实际为 {value!r}")
    return float(value)


def parse_config(raw: Any, source: str = "<内存>") -> IndicatorSystem:
    """Validate a parsed YAML document and build the indicator system.

    Raises ConfigError naming ``source`` and the offending key, e.g.
    ``data/indicators.yaml: indicators[3].group``.
    """
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: 顶层应为映射（键: 值），实际为 {type(raw).__name__}")
    for key in ("groups", "indicators"):
        if key not in raw:
            raise ConfigError(f"{source}: 缺少必填键 {key}")
    groups = _parse_groups(raw["groups"], source)
    responsibilities = _parse_responsibilities(raw.get("responsibilities") or [], source)
    duties = {r.code for r in responsibilities}
    indicators = _parse_indicators(raw["indicators"], {g.code for g in groups}, source, duties)
    city = _parse_city(raw.get("city_tier") or {}, {g.code for g in groups}, source, duties,
                       {i.code for i in indicators})
    for g in groups:
        members = [i for i in indicators if i.group == g.code]
        if sum(i.weight for i in members) <= 0:
            raise ConfigError(
                f"{source}: groups.{g.code}: 该振兴类别下计分指标的权重合计为 0，至少需要一个权重大于 0 的指标"
            )
    return IndicatorSystem(
        title=str(raw.get("title", "乡村振兴实绩考核指标体系")),
        version=int(raw.get("version", 1)),
        groups=groups,
        indicators=indicators,
        source_path=source,
        method=_parse_method(raw.get("method") or {}, source),
        responsibilities=responsibilities,
        city=city,
        department_duties=_parse_responsibilities(raw.get("department_duties") or [], source,
                                                  "department_duties"),
        departments=_parse_departments(raw.get("departments") or [], source),
    )


def _parse_departments(items: Any, source: str) -> tuple[Department, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{source}: departments: 应为列表")
    out: list[Department] = []
    for n, item in enumerate(items):
        where = f"{source}: departments[{n}]"
        if not isinstance(item, dict) or not item.get("code") or not item.get("name"):
            raise ConfigError(f"{where}: 应为含 code 和 name 的映射")
        if any(d.code == item["code"] for d in out):
            raise ConfigError(f"{where}.code: 部门代码 {item['code']!r} 重复")
        out.append(Department(str(item["code"]), str(item["name"])))
    return tuple(out)


def _parse_responsibilities(items: Any, source: str, key: str = "responsibilities"
                            ) -> tuple[Responsibility, ...]:
    if not isinstance(items, list):
        raise ConfigError(f"{source}: {key}: 应为列表")
    out: list[Responsibility] = []
    for n, item in enumerate(items):
        where = f"{source}: {key}[{n}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: 应为映射")
        for key in ("code", "short", "name"):
            if not item.get(key):
                raise ConfigError(f"{where}: 缺少必填字段 {key}")
        if any(r.code == item["code"] for r in out):
            raise ConfigError(f"{where}.code: 责任代码 {item['code']!r} 重复")
        out.append(Responsibility(str(item["code"]), str(item["short"]), str(item["name"]),
                                  str(item.get("text", ""))))
    return tuple(out)


def _parse_city(raw: Any, group_codes: set[str], source: str, duties: set[str],
                county_codes: set[str]) -> CityTier:
    where = f"{source}: city_tier"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 应为映射")
    unknown = set(raw) - {"weighting", "own_share", "direct_units", "indicators"}
    if unknown:
        raise ConfigError(f"{where}: 未知的设置项 {', '.join(sorted(unknown))}")
    weighting = raw.get("weighting", "simple")
    if weighting not in WEIGHTINGS:
        raise ConfigError(f"{where}.weighting: 应为 {'/'.join(WEIGHTINGS)} 之一")
    direct = raw.get("direct_units", "rank")
    if direct not in DIRECT_UNITS:
        raise ConfigError(f"{where}.direct_units: 应为 {'/'.join(DIRECT_UNITS)} 之一")
    indicators = _parse_indicators(raw.get("indicators") or [], group_codes,
                                   f"{where}.indicators", duties, allow_empty=True)
    for ind in indicators:
        if ind.gate:
            raise ConfigError(f"{where}.indicators({ind.code}).gate: 市级指标不设门槛")
        if ind.code in county_codes:
            raise ConfigError(f"{where}.indicators({ind.code}).code: 与县级指标代码重复")
    own = _num(where, "own_share", raw.get("own_share", 0.3 if indicators else 0.0))
    if not 0 <= own < 1:
        raise ConfigError(f"{where}.own_share: 应不小于 0 且小于 1")
    if own > 0 and not any(i.weight > 0 for i in indicators):
        raise ConfigError(f"{where}.own_share: 大于 0 时至少需要一个权重大于 0 的市级指标")
    return CityTier(weighting, own, direct, indicators)


def _parse_method(raw: Any, source: str) -> Method:
    where = f"{source}: method"
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: 应为映射")
    defaults = Method()
    known = set(Method.__dataclass_fields__)
    unknown = set(raw) - known
    if unknown:
        raise ConfigError(f"{where}: 未知的设置项 {', '.join(sorted(unknown))}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        default = getattr(defaults, key)
        if isinstance(default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{where}.{key}: 应为 true 或 false")
            values[key] = value
        elif isinstance(default, int | float):
            number = _num(where, key, value)
            if number < 0:
                raise ConfigError(f"{where}.{key}: 不能为负数")
            values[key] = int(number) if isinstance(default, int) else number
        elif key == "entropy_base_years":
            if not isinstance(value, list) or not all(isinstance(y, int) for y in value):
                raise ConfigError(f"{where}.{key}: 应为年份列表，如 [2019, 2020, 2021]")
            values[key] = tuple(value)
        elif key in ("grade_quotas", "grade_thresholds"):
            if not isinstance(value, dict) or set(value) - set(GRADES):
                raise ConfigError(f"{where}.{key}: 键应为 {'/'.join(GRADES)}")
            values[key] = tuple((g, _num(f"{where}.{key}", g, value[g]))
                                for g in GRADES if g in value)
        else:
            values[key] = value
    method = Method(**{**defaults.__dict__, **values})
    if method.normalisation not in NORMALISATIONS:
        raise ConfigError(f"{where}.normalisation: 应为 {'/'.join(NORMALISATIONS)} 之一")
    if method.weighting not in ("policy", "entropy"):
        raise ConfigError(f"{where}.weighting: 应为 policy 或 entropy")
    if method.grade_mode not in ("quota", "threshold"):
        raise ConfigError(f"{where}.grade_mode: 应为 quota 或 threshold")
    quota_total = sum(q for _, q in method.grade_quotas)
    if abs(quota_total - 1.0) > 1e-6:
        raise ConfigError(f"{where}.grade_quotas: 各等次比例之和应为 1，实际为 {quota_total:g}")
    named = [g for g, _ in method.grade_quotas]
    if named != list(GRADES[:len(named)]) and named != [*GRADES[:len(named) - 1], "较差"]:
        raise ConfigError(f"{where}.grade_quotas: 应依次包含 优秀、良好、一般（较差可选）")
    for key in ("excellent_province_top_share", "flag_province_bottom_share",
                "progress_top_share", "flag_bottom_share", "robust_data_error"):
        if not 0 <= getattr(method, key) <= 1:
            raise ConfigError(f"{where}.{key}: 应在 0 到 1 之间")
    if not 0 <= method.max_imputed_share <= 1:
        raise ConfigError(f"{where}.max_imputed_share: 应在 0 到 1 之间")
    if not 0 <= method.robust_weight_spread < 1:
        raise ConfigError(f"{where}.robust_weight_spread: 应不小于 0 且小于 1（如 0.2 表示 ±20%）")
    if not 0 < method.robust_share <= 1:
        raise ConfigError(f"{where}.robust_share: 应大于 0 且不超过 1")
    if method.robust_draws < 1:
        raise ConfigError(f"{where}.robust_draws: 抽样次数至少为 1")
    return method


def _parse_groups(items: Any, source: str) -> tuple[Group, ...]:
    if not isinstance(items, list) or not items:
        raise ConfigError(f"{source}: groups: 应为非空列表")
    groups: list[Group] = []
    for n, item in enumerate(items):
        where = f"{source}: groups[{n}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: 应为映射")
        for key in _GROUP_FIELDS:
            if key not in item:
                raise ConfigError(f"{where}: 缺少必填字段 {key}")
        code = item["code"]
        if code not in GROUP_CODES:
            raise ConfigError(
                f"{where}.code: 未知的振兴类别 {code!r}，应为 {'/'.join(GROUP_CODES)} 之一"
            )
        if any(g.code == code for g in groups):
            raise ConfigError(f"{where}.code: 振兴类别 {code!r} 重复")
        weight = _num(where, "weight", item["weight"])
        if weight < 0:
            raise ConfigError(f"{where}.weight: 权重不能为负数")
        groups.append(Group(code, str(item["name"]), str(item["short"]),
                            str(item["name_en"]), weight))
    missing = set(GROUP_CODES) - {g.code for g in groups}
    if missing:
        raise ConfigError(f"{source}: groups: 缺少振兴类别 {', '.join(sorted(missing))}")
    if sum(g.weight for g in groups) <= 0:
        raise ConfigError(f"{source}: groups: 五大振兴的权重合计为 0")
    return tuple(sorted(groups, key=lambda g: GROUP_CODES.index(g.code)))


def _parse_indicators(items: Any, group_codes: set[str], source: str, duties: set[str] = frozenset(),
                      allow_empty: bool = False) -> tuple[Indicator, ...]:
    if not isinstance(items, list) or not (items or allow_empty):
        raise ConfigError(f"{source}: indicators: 应为非空列表")
    seen: set[str] = set()
    out: list[Indicator] = []
    for n, item in enumerate(items):
        label = item.get("code", n) if isinstance(item, dict) else n
        where = f"{source}: indicators[{n}]({label})"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: 应为映射")
        for key in _IND_REQUIRED:
            if key not in item:
                raise ConfigError(f"{where}: 缺少必填字段 {key}")
        code = str(item["code"])
        if not code.isascii() or not code.replace("_", "").isalnum():
            raise ConfigError(f"{where}.code: 代码只能由字母、数字和下划线组成")
        if code in seen:
            raise ConfigError(f"{where}.code: 指标代码 {code!r} 重复")
        seen.add(code)
        if item["group"] not in group_codes:
            raise ConfigError(
                f"{where}.group: 未知的振兴类别 {item['group']!r}，应为 {'/'.join(GROUP_CODES)} 之一"
            )
        if item["direction"] not in DIRECTIONS:
            raise ConfigError(f"{where}.direction: 应为 higher（越高越好）或 lower（越低越好）")
        nums = {k: _num(where, k, item[k])
                for k in ("weight", "lower", "upper", "valid_min", "valid_max")}
        if nums["weight"] < 0:
            raise ConfigError(f"{where}.weight: 权重不能为负数")
        if nums["upper"] <= nums["lower"]:
            raise ConfigError(f"{where}.upper: 上阈值必须大于下阈值 lower")
        if nums["valid_max"] <= nums["valid_min"]:
            raise ConfigError(f"{where}.valid_max: 合理范围上限必须大于下限 valid_min")
        gate = bool(item.get("gate", False))
        threshold = item.get("gate_threshold")
        if gate and threshold is None:
            raise ConfigError(f"{where}.gate_threshold: 门槛指标必须给出门槛值")
        if threshold is not None:
            threshold = _num(where, "gate_threshold", threshold)
        decimals = item.get("decimals", 1)
        if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 4:
            raise ConfigError(f"{where}.decimals: 应为 0–4 的整数")
        error = item.get("error")
        if error is not None:
            error = _num(where, "error", error)
            if not 0 <= error < 1:
                raise ConfigError(f"{where}.error: 相对误差应不小于 0 且小于 1（如 0.03 表示 ±3%）")
        tags = item.get("responsibilities") or []
        if not isinstance(tags, list):
            raise ConfigError(f"{where}.responsibilities: 应为责任代码列表，如 [grain, industry]")
        for tag in tags:
            if tag not in duties:
                raise ConfigError(f"{where}.responsibilities: 未知的责任代码 {tag!r}"
                                  f"（应为 responsibilities 中定义的代码）")
        out.append(Indicator(
            responsibilities=tuple(dict.fromkeys(str(t) for t in tags)), error=error, code=code,
            name=str(item["name"]), name_en=str(item["name_en"]),
            group=item["group"], unit=str(item["unit"]), direction=item["direction"],
            weight=nums["weight"], lower=nums["lower"], upper=nums["upper"],
            valid_min=nums["valid_min"], valid_max=nums["valid_max"],
            gate=gate, gate_threshold=threshold if gate else None, decimals=decimals,
            definition=str(item["definition"]), source=str(item["source"]),
        ))
    return tuple(out)


def load_raw(path: Path | str = DEFAULT_CONFIG_PATH) -> tuple[Any, str]:
    """The configuration file parsed as YAML (not yet validated), and its name for messages."""
    path = Path(path)
    try:
        shown = str(path.relative_to(DATA_DIR.parent))
    except ValueError:
        shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{shown}: 找不到指标配置文件") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{shown}: 文件不是 UTF-8 编码，请另存为 UTF-8") from None
    try:
        return yaml.safe_load(text), shown
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" 第 {mark.line + 1} 行" if mark else ""
        raise ConfigError(f"{shown}:{where} YAML 格式错误：{exc}") from None


def load_config(path: Path | str = DEFAULT_CONFIG_PATH) -> IndicatorSystem:
    """Read and validate the indicator configuration file."""
    raw, shown = load_raw(path)
    return parse_config(raw, shown)


EDITABLE = ("weight", "lower", "upper", "gate_threshold")


def apply_overrides(raw: Any, overrides: dict, source: str) -> IndicatorSystem:
    """The file's configuration with edited weights, goalposts and gate thresholds applied,
    validated exactly like the file (the same messages name the key at fault).

    ``overrides``: {"groups": {code: weight}, "indicators": {code: {field: value}}}.
    """
    import copy

    raw = copy.deepcopy(raw)
    for g in raw.get("groups", []):
        if g.get("code") in overrides.get("groups", {}):
            g["weight"] = overrides["groups"][g["code"]]
    known = {i.get("code") for i in raw.get("indicators", [])}
    for code, fields in overrides.get("indicators", {}).items():
        if code not in known:
            raise ConfigError(f"{source}: indicators.{code}: 配置文件中没有该指标")
        unknown = set(fields) - set(EDITABLE)
        if unknown:
            raise ConfigError(f"{source}: indicators.{code}: 不能在页面上修改 {', '.join(sorted(unknown))}")
    for item in raw.get("indicators", []):
        item.update(overrides.get("indicators", {}).get(item.get("code"), {}))
    return parse_config(raw, source)
