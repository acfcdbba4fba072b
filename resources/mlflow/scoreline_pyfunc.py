"""Scoreline's champion as an MLflow Model (pyfunc flavor, loader_module + code: no pickle).

MLflow's loader adds this folder (the model's ``code/``) to ``sys.path`` and calls ``_load_pyfunc(path)``
with the model JSON that Scoreline's pipeline logs (``model/model.json``, format
``scoreline-dixon-coles/1``). ``predict(df)`` prices fixtures by the app's one served-forecast rule
(main/services/pricing/priceFixture.ts):

1. the model: lambda = exp(homeAdvantage + attack[home] + defence[away]), mu = exp(attack[away] +
   defence[home]), Dixon-Coles tau with rho (clamped into the fixture's tau-region), the score matrix capped at
   the smallest N whose Poisson tail is below 1e-10, renormalised; 1X2, over/under 2.5 and both teams to score
   from it. A team without a rating is priced from the promoted-team prior, as the app does.
2. the market: the given 1X2 decimal odds with the margin removed by the champion's method (its
   ``settings.margin_method``: multiplicative, additive, power or Shin).
3. the blend: alpha null or 0 serves the market, no odds serve the model, else the champion's opinion pool
   (log or linear) at alpha on the model.
4. the calibrator (temperature or isotonic), when the champion has one.

Input: a pandas DataFrame (or anything ``pandas.DataFrame`` accepts) with columns ``home``, ``away`` and
optionally ``odds_home``, ``odds_draw``, ``odds_away`` (empty / NaN: no odds for that fixture).
Output: one row per fixture; every probability is a plain float.

The arithmetic follows the TypeScript line by line so the numbers agree with ``scoreline predict`` to 1e-9
(the interop test checks it). Pure Python apart from pandas.
"""

import json
import math
import os

FORMAT = "scoreline-dixon-coles/1"
SCORE_TAIL_MASS = 1e-10
HARD_GOAL_CAP = 400
MAX_RATE = 100
LOG_LOSS_EPSILON = 1e-15
PARTIAL_SPELL_SHARE = 0.6
MARGIN_METHODS = ("multiplicative", "additive", "power", "shin")
ODDS_COLUMNS = ("odds_home", "odds_draw", "odds_away")


class ScorelineModelError(ValueError):
    """A model file or an input this model cannot price, with what to do."""


# ---- goal model (main/model/dixonColes/predict.ts) ----


def clamp_rho(lam, mu, rho):
    lo = max(-1 / lam, -1 / mu)
    hi = min(1, 1 / (lam * mu))
    if rho < lo:
        return lo, True
    if rho > hi:
        return hi, True
    return rho, False


def _poisson_pair(lam, mu):
    px = [math.exp(-lam)]
    py = [math.exp(-mu)]
    fx, fy, n = px[0], py[0], 0
    while not ((1 - fx * fy < SCORE_TAIL_MASS and n >= 1) or n >= HARD_GOAL_CAP):
        n += 1
        ax = px[n - 1] * lam / n
        ay = py[n - 1] * mu / n
        px.append(ax)
        py.append(ay)
        fx += ax
        fy += ay
    return px, py, n


def score_matrix(lam, mu, rho):
    """P(home = x, away = y) as matrix[x][y], summing to 1."""
    if not (0 < lam <= MAX_RATE and 0 < mu <= MAX_RATE and math.isfinite(rho)):
        raise ScorelineModelError(
            f"Score rates must be positive and at most {MAX_RATE} goals, and rho finite "
            f"(lambda={lam}, mu={mu}, rho={rho})"
        )
    r = clamp_rho(lam, mu, rho)[0]
    px, py, n = _poisson_pair(lam, mu)
    m = [[px[x] * py[y] for y in range(n + 1)] for x in range(n + 1)]
    m[0][0] *= max(0, 1 - lam * mu * r)
    if n >= 1:
        m[0][1] *= max(0, 1 + lam * r)
        m[1][0] *= max(0, 1 + mu * r)
        m[1][1] *= max(0, 1 - r)
    total = 0.0
    for row in m:
        for v in row:
            total += v
    return [[v / total for v in row] for row in m]


def matrix_outcomes(m):
    home = draw = away = 0.0
    for x, row in enumerate(m):
        for y, v in enumerate(row):
            if x > y:
                home += v
            elif x == y:
                draw += v
            else:
                away += v
    t = home + draw + away
    return [home / t, draw / t, away / t]


def over_under(m, line):
    over = under = push = 0.0
    for x, row in enumerate(m):
        for y, v in enumerate(row):
            t = x + y
            if t > line:
                over += v
            elif t < line:
                under += v
            else:
                push += v
    return over, under, push


def both_teams_to_score(m):
    no = 0.0
    for row in m:
        no += row[0]
    for y in range(1, len(m[0])):
        no += m[0][y]
    return max(0, 1 - no)


def promoted_prior(teams):
    """main/model/pricing/promotedPrior.ts: partial-spell teams, else the bottom three by attack - defence."""
    if not teams:
        return None
    most = max(t["matches"] for t in teams)
    partial = [t for t in teams if t["matches"] <= PARTIAL_SPELL_SHARE * most]
    chosen = partial or sorted(teams, key=lambda t: (t["attack"] - t["defence"], t["name"]))[:3]
    attack = 0.0
    defence = 0.0
    for t in chosen:
        attack += t["attack"]
        defence += t["defence"]
    return {"attack": attack / len(chosen), "defence": defence / len(chosen)}


# ---- market (main/model/market/margins.ts) ----


def _implied(odds, where):
    out = []
    for i, o in enumerate(odds):
        if not (isinstance(o, (int, float)) and math.isfinite(o) and o > 1):
            raise ScorelineModelError(
                f"{where}: decimal odds must be finite and greater than 1; {ODDS_COLUMNS[i]} is {o!r}"
            )
        out.append(1 / o)
    return out


def _sum(xs):
    s = 0.0
    for x in xs:
        s += x
    return s


def _normalise(p):
    s = _sum(p)
    return [x / s for x in p]


def _multiplicative(pi):
    b = _sum(pi)
    return [x / b for x in pi]


def _additive(pi):
    b = _sum(pi)
    raw = [x - (b - 1) / len(pi) for x in pi]
    if all(x >= 0 for x in raw):
        return raw
    return _multiplicative([max(0, x) for x in raw])


def _bisect(f, lo, hi, sign):
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid <= lo or mid >= hi:
            break
        v = f(mid) * sign
        if v == 0:
            return mid
        if v < 0:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _power(pi):
    def f(k):
        return _sum([x**k for x in pi]) - 1

    hi = 1
    while f(hi) > 0:
        hi *= 2
    k = _bisect(f, 0, hi, -1)
    for _ in range(3):
        d = _sum([x**k * math.log(x) for x in pi])
        try:
            step = f(k) / d
        except ZeroDivisionError:
            break
        if not math.isfinite(step):
            break
        k -= step
    return _normalise([x**k for x in pi])


def _shin(pi):
    b = _sum(pi)
    a = [x * x / b for x in pi]

    def f_and_slope(z):
        f, d, w = -1.0, 0.0, 1 - z
        for ai in a:
            si = math.sqrt(z * z + 4 * w * ai)
            f += (si - z) / (2 * w)
            d += (((z - 2 * ai) / si - 1) * w + si - z) / (2 * w * w)
        return f, d

    z = 0.0
    if b != 1:
        lo, hi = 0.0, 1 - 1e-12
        if b < 1:
            hi, lo = 0.0, -0.5
            while f_and_slope(lo)[0] < 0 and lo > -1e6:
                lo *= 2
        z = min(b - 1, hi / 2) if b > 1 else (lo + hi) / 2
        for _ in range(200):
            f, d = f_and_slope(z)
            if f == 0:
                break
            if f > 0:
                lo = z
            else:
                hi = z
            nxt = z - f / d if d != 0 else math.nan
            if not (lo < nxt < hi):
                nxt = (lo + hi) / 2
            if abs(nxt - z) <= 1e-16 * max(1, abs(z)) or hi - lo <= 1e-17:
                z = nxt
                break
            z = nxt
    w = 1 - z
    return _normalise([(math.sqrt(z * z + 4 * w * ai) - z) / (2 * w) for ai in a])


def remove_margin(odds, method, where="odds"):
    pi = _implied(odds, where)
    if method == "multiplicative":
        return _multiplicative(pi)
    if method == "additive":
        return _additive(pi)
    if method == "power":
        return _power(pi)
    if method == "shin":
        return _shin(pi)
    raise ScorelineModelError(f"unknown margin-removal method {method!r} (known: {', '.join(MARGIN_METHODS)})")


# ---- blend and calibration (main/model/blend, main/model/calibration) ----


def apply_blend(kind, alpha, model, market):
    if kind == "linear":
        b = 1 - alpha
        p = [alpha * model[i] + b * market[i] for i in range(3)]
        s = p[0] + p[1] + p[2]
        return [x / s for x in p]
    if alpha == 1:
        return list(model)
    if alpha == 0:
        return list(market)
    w = [model[i] ** alpha * market[i] ** (1 - alpha) for i in range(3)]
    s = w[0] + w[1] + w[2]
    if not s > 0:
        raise ScorelineModelError("log pool: model and market share no possible outcome")
    return [x / s for x in w]


def _eval_isotonic(m, t):
    x, y = m["x"], m["y"]
    n = len(x)
    if t <= x[0]:
        return y[0]
    if t >= x[n - 1]:
        return y[n - 1]
    lo, hi = 0, n - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if x[mid] <= t:
            lo = mid
        else:
            hi = mid
    f = (t - x[lo]) / (x[hi] - x[lo])
    return y[lo] + f * (y[hi] - y[lo])


def _floor_and_normalise(q, floor):
    a, b, c = max(q[0], floor), max(q[1], floor), max(q[2], floor)
    s = a + b + c
    return [a / s, b / s, c / s]


def apply_calibrator(cal, p):
    if cal["kind"] == "isotonic":
        m = cal["outcomes"]
        return _floor_and_normalise([_eval_isotonic(m[i], p[i]) for i in range(3)], cal["floor"])
    if cal["kind"] == "temperature":
        beta = 1 / cal["temperature"]
        ls = [beta * math.log(max(x, LOG_LOSS_EPSILON)) for x in p]
        mx = max(ls)
        e = [math.exp(x - mx) for x in ls]
        s = e[0] + e[1] + e[2]
        return _floor_and_normalise([e[0] / s, e[1] / s, e[2] / s], cal["floor"])
    raise ScorelineModelError(f"unknown calibrator kind {cal['kind']!r} (known: isotonic, temperature)")


# ---- the model ----


def _read_metadata(model_dir):
    """The MLmodel file's metadata (written by Scoreline), or {} when there is none to read."""
    path = os.path.join(model_dir, "MLmodel")
    if not os.path.exists(path):
        return {}
    import yaml  # MLflow's own dependency

    with open(path, encoding="utf-8") as f:
        return (yaml.safe_load(f) or {}).get("metadata") or {}


def _is_missing(v):
    return v is None or (isinstance(v, float) and math.isnan(v))


class ScorelineChampion:
    """A registered Scoreline version: prices fixtures by the app's served-forecast rule."""

    def __init__(self, artifact, where="model.json"):
        if not isinstance(artifact, dict) or artifact.get("format") != FORMAT or not artifact.get("model"):
            raise ScorelineModelError(f"{where}: not a Scoreline model artifact (format {FORMAT!r})")
        self.artifact = artifact
        self.model = artifact["model"]
        self.league = artifact.get("league")
        self.variant = (artifact.get("variant") or {}).get("id") or self.model.get("model", "dixon-coles")
        method = str((artifact.get("settings") or {}).get("margin_method") or "")
        self.margin = method if method in MARGIN_METHODS else "shin"
        blend = artifact.get("blend") or {}
        self.blend_kind = "linear" if blend.get("kind") == "linear" else "log"
        self.alpha = 0 if blend.get("alpha") is None else blend["alpha"]
        self.calibrator = artifact.get("calibrator")
        self.teams = {}
        for t in self.model["teams"]:
            self.teams.setdefault(t["name"], t)
        shrink = self.model.get("shrinkage") or {}
        self.prior = shrink.get("prior") or promoted_prior(self.model["teams"])

    def _rating(self, name, where, warnings):
        t = self.teams.get(name)
        if t is not None:
            return t
        if not self.prior:
            raise ScorelineModelError(f"{where}: no rating for {name!r} and no prior to price it from")
        warnings.append(f"{name} has no rating in the model (as of {self.model['asOf']}): promoted-team prior")
        return self.prior

    def price(self, home, away, odds=None, where="fixture"):
        """One fixture: a dict of every figure (model, market, served) and the score matrix."""
        if home == away:
            raise ScorelineModelError(f"{where}: {home} cannot play itself")
        warnings = []
        h = self._rating(home, where, warnings)
        a = self._rating(away, where, warnings)
        lam = math.exp(self.model["homeAdvantage"] + h["attack"] + a["defence"])
        mu = math.exp(a["attack"] + h["defence"])
        rho = clamp_rho(lam, mu, self.model["rho"])[0]
        m = score_matrix(lam, mu, rho)
        model_p = matrix_outcomes(m)
        over, under, push = over_under(m, 2.5)
        market = remove_margin(odds, self.margin, where) if odds is not None else None
        alpha = self.alpha if market else 1
        if market is None:
            blended = model_p
        elif alpha == 0:
            blended = market
        else:
            blended = apply_blend(self.blend_kind, alpha, model_p, market)
        served = apply_calibrator(self.calibrator, blended) if self.calibrator else blended
        if self.calibrator:
            stage = "calibrated"
        elif market is None:
            stage = "model"
        else:
            stage = "market" if alpha == 0 else "blend"
        nan = math.nan
        return {
            "home": home,
            "away": away,
            "lambda": lam,
            "mu": mu,
            "rho": rho,
            "model_home": model_p[0],
            "model_draw": model_p[1],
            "model_away": model_p[2],
            "market_home": market[0] if market else nan,
            "market_draw": market[1] if market else nan,
            "market_away": market[2] if market else nan,
            "margin_method": self.margin if market else None,
            "alpha": alpha,
            "stage": stage,
            "served_home": served[0],
            "served_draw": served[1],
            "served_away": served[2],
            "over_2_5": over,
            "under_2_5": under,
            "btts": both_teams_to_score(m),
            "score_matrix": m,
            "warnings": "; ".join(warnings),
        }

    def predict(self, model_input, params=None):
        import pandas as pd

        df = model_input if isinstance(model_input, pd.DataFrame) else pd.DataFrame(model_input)
        for col in ("home", "away"):
            if col not in df.columns:
                raise ScorelineModelError(
                    f"input: missing column {col!r} (columns: home, away, optional {', '.join(ODDS_COLUMNS)})"
                )
        has_odds = [c for c in ODDS_COLUMNS if c in df.columns]
        if has_odds and len(has_odds) != 3:
            raise ScorelineModelError(
                f"input: odds need all three columns {', '.join(ODDS_COLUMNS)}, got {', '.join(has_odds)}"
            )
        rows = []
        for i, rec in enumerate(df.to_dict("records")):
            where = f"row {i} ({rec['home']} v {rec['away']})"
            odds = None
            if has_odds:
                values = [rec[c] for c in ODDS_COLUMNS]
                missing = [_is_missing(v) for v in values]
                if all(missing):
                    odds = None
                elif any(missing):
                    raise ScorelineModelError(f"{where}: give all three odds (home, draw, away) or none")
                else:
                    odds = [float(v) for v in values]
            rows.append(self.price(str(rec["home"]), str(rec["away"]), odds, where))
        return pd.DataFrame(rows)


def load(path):
    """A model JSON file (or a folder holding model.json) as a ScorelineChampion."""
    file = os.path.join(path, "model.json") if os.path.isdir(path) else path
    with open(file, encoding="utf-8") as f:
        try:
            artifact = json.load(f)
        except ValueError as e:
            raise ScorelineModelError(f"{file}: not valid JSON ({e})") from None
    meta = _read_metadata(os.path.dirname(os.path.abspath(file)))
    if meta.get("scoreline_servable") is False:
        variant = meta.get("scoreline_variant") or (artifact.get("variant") or {}).get("id")
        raise ScorelineModelError(
            f"{file}: this version's variant {variant!r} needs its own code to forecast, which this model does "
            "not carry (its `model` is a Dixon-Coles fit for team ratings); it can never be champion. "
            "Load a version of dixon-coles, poisson, or a variant served in the engine's form."
        )
    return ScorelineChampion(artifact, file)


def _load_pyfunc(data_path, model_config=None):
    """MLflow's entry point (python_function flavor, loader_module)."""
    return load(data_path)
