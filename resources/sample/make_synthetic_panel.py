#!/usr/bin/env python3
"""Generate the SYNTHETIC 2011-2019 indicator panel for China's 367 city-level units.

SYNTHETIC DATA - NOT REAL STATISTICS. The values are drawn from a documented
statistical model (see SYNTHETIC_PANEL.md beside this script) so that every
analysis of the Digital Resilience Toolkit has a known signal to find: spatial
autocorrelation, an east-west gradient with catch-up (sigma- and beta-convergence),
a digital-economy -> resilience effect with spatial spillover, a stronger effect
after 2016 and in open cities, and partial mediation through innovation.
Each indicator is linear in its latent on its own (raw) scale, as a composite index
is linear in the raw indicators, so that the indices carry the latent relations.

Usage::

    python make_synthetic_panel.py [--cities PATH] [--out-dir DIR] [--seed 20111]

Outputs (in ``--out-dir``, default: this script's folder):

* ``synthetic_panel.csv``   one row per city-year, one column per indicator;
* ``indicator_system.csv``  the indicator system (code, index, dimension, ...);
* ``synthetic_latent.csv``  the latent "true" levels behind the indicators.

Only numpy, pandas and the Python standard library are used; the city attributes
are read from the GeoPackage with :mod:`sqlite3`. The same seed gives the same
CSVs byte for byte: one random generator (``numpy.random.default_rng``) is
consumed in a fixed order, no BLAS/LAPACK routine is used (sums instead of matrix
products), rows are sorted by adcode and year, and every number is written with a
fixed number of decimals.
"""

import argparse
import csv
import os
import pathlib
import sqlite3
import sys
import time
from collections import namedtuple

import numpy as np
import pandas as pd

DEFAULT_SEED = 20111
YEARS = tuple(range(2011, 2020))
POLICY_YEAR = 2016  # G20 Hangzhou summit: the digital-economy policy shift
EARTH_RADIUS_KM = 6371.0088

PANEL_FILE = "synthetic_panel.csv"
SYSTEM_FILE = "indicator_system.csv"
LATENT_FILE = "synthetic_latent.csv"
SYSTEM_COLUMNS = ["code", "index", "dimension", "direction", "name_en", "name_zh", "unit", "weight"]
LATENT_COLUMNS = ["adcode", "year", "digital_economy", "resilience", "res_social", "res_economic",
                  "res_infrastructure", "res_ecological", "innovation", "w_digital_economy",
                  "beta_own"]
LATENT_DECIMALS = 6
CITY_COLUMNS = ["adcode", "name", "name_pinyin", "unit_type", "province", "province_pinyin",
                "province_adcode", "region", "lon", "lat", "area_km2"]
COUNTY_LEVEL = "county-level unit (province-administered)"

# ============================================================================================
# Model parameters (the equations are in SYNTHETIC_PANEL.md)
# ============================================================================================

# Economic centres: (name, lon, lat, amplitude, bandwidth km) of the broad Gaussian bumps;
# each centre also gets a narrow core bump (CORE_AMPLITUDE, CORE_BANDWIDTH_KM) so that the
# centre itself ranks above its hinterland.
HUBS = (
    ("Beijing", 116.40, 39.90, 1.00, 260.0),
    ("Shanghai", 121.47, 31.23, 1.10, 330.0),
    ("Guangzhou", 113.26, 23.13, 0.80, 220.0),
    ("Shenzhen", 114.06, 22.54, 0.80, 160.0),
    ("Chengdu", 104.07, 30.57, 0.60, 170.0),
    ("Chongqing", 106.55, 29.56, 0.45, 170.0),
    ("Wuhan", 114.31, 30.59, 0.55, 200.0),
    ("Xi'an", 108.94, 34.34, 0.45, 170.0),
)
CORE_AMPLITUDE = 0.5
CORE_BANDWIDTH_KM = 60.0
# Province capitals and the five cities specifically designated in the state plan.
CAPITALS = frozenset((
    110100, 120100, 130100, 140100, 150100, 210100, 220100, 230100, 310100, 320100, 330100,
    340100, 350100, 360100, 370100, 410100, 420100, 430100, 440100, 450100, 460100, 500000,
    510100, 520100, 530100, 540100, 610100, 620100, 630100, 640100, 650100,
    210200, 330200, 350200, 370200, 440300,
))
COASTAL_PROVINCES = frozenset((
    120000, 130000, 210000, 310000, 320000, 330000, 350000, 370000, 440000, 450000, 460000,
))
REGION_EFFECT = {"east": 0.35, "central": 0.0, "northeast": -0.05, "west": -0.40}
UNIT_EFFECT = {
    "municipality": 0.3,
    "prefecture-level city": 0.0,
    "autonomous prefecture": -0.35,
    "prefecture (region)": -0.35,
    "league": -0.35,
    COUNTY_LEVEL: -0.25,
}
# (lon, lat, bandwidth km): North China Plain haze belt, Shanxi / Inner Mongolia coal belt.
HAZE_CENTRE = (115.5, 37.0, 330.0)
COAL_CENTRE = (111.0, 39.0, 380.0)

NEIGHBOURS_K = 6             # W: k nearest neighbours by great-circle distance, row-standardised
SMOOTH_BANDWIDTH_KM = 150.0  # Gaussian kernel of the spatially smoothed noise

# Digital economy D: log D_i,2011 = log(D0) + SIGMA_D b_i; yearly log growth
# G_D - KAPPA_D (log D_i,2011 - mean) + D_GROWTH_SD v_i, plus yearly noise D_NOISE_SD
# (the within-city variation that identifies the effects under city and year fixed effects).
D0 = 0.10
SIGMA_D = 0.55
G_D = 0.12
KAPPA_D = 0.040
D_GROWTH_SD = 0.010
D_NOISE_SD = 0.09

# Innovation N: log N = log(N0) + PI_N (log D - log mean D_2011) + city effect + noise.
N0 = 0.06
PI_N = 1.25

# Resilience dimension k:
# R^k_it = a_k + lam_k t + BOOST_t + theta_k (beta_it D_it + RHO (W D)_it + PHI N_it)
#          + sum_c gamma_c z(X_c,it) + s_k c^k_i + sd_k e^k_it
BETA0 = 0.55          # own effect for the least open cities before 2016
POST_MULT = 1.30      # own effect multiplier from 2016 on
OPEN_MULT = 1.40      # own effect multiplier for the top 30 % by openness
# Openness o = z(OPEN_REGIONAL z(S e) + OPEN_COASTAL coastal + OPEN_NOISE e): a regional trait
# and the coast, not built from the development score b (SYNTHETIC_PANEL.md says why).
OPEN_REGIONAL = 0.9
OPEN_COASTAL = 0.7
OPEN_NOISE = 0.5
# The regional elasticity gap (the paper: the gap between the eastern and the central/western
# cities' elasticity of resilience to the digital economy narrowed from 0.15 in 2011 to 0.04 in
# 2019): the mean of beta_it over the eastern cities minus its mean over the central and western
# cities is exactly GAP_t, linear from GAP_FIRST to GAP_LAST (own_effect; the northeast keeps its
# beta).
GAP_FIRST = 0.15
GAP_LAST = 0.04
GAP_REGIONS = ("east",)
GAP_REFERENCE = ("central", "west")
RHO = 0.25            # spillover: coefficient of W D
PHI = 0.40            # innovation -> resilience
POLICY_BOOST = 0.015  # national year effect added from 2016 on
CONTROL_COEF = {"URB": 0.008, "HUM": 0.005, "GOV": 0.003}  # gamma_c per standard deviation
DIMENSIONS = ("social", "economic", "infrastructure", "ecological")
DIM_PARAMS = {  # the loadings theta_k average 1, so R = mean_k R^k has own effect beta_it
    "social":         dict(a=0.110, lam=0.008, theta=0.95, s=0.025, sd=0.008),
    "economic":       dict(a=0.100, lam=0.008, theta=1.20, s=0.025, sd=0.008),
    "infrastructure": dict(a=0.110, lam=0.008, theta=1.00, s=0.025, sd=0.008),
    "ecological":     dict(a=0.170, lam=0.010, theta=0.85, s=0.030, sd=0.008),
}
LATENT_FLOOR = 0.01   # safety floor of the dimension latents (not reached with the default seed)

# ============================================================================================
# Indicator system
# ============================================================================================

Info = namedtuple("Info", "code index dimension direction name_en name_zh unit decimals")

INDICATORS = (
    # ---- digital economy ----------------------------------------------------------------------
    Info("BBAND", "digital_economy", "digital", "+",
         "Broadband internet subscribers per 100 people", "互联网宽带接入用户数/百人",
         "per 100 persons", 2),
    Info("MOBIL", "digital_economy", "digital", "+",
         "Mobile phone subscribers per 100 people", "移动电话用户数/百人", "per 100 persons", 2),
    Info("TELEC", "digital_economy", "digital", "+",
         "Telecommunication business volume per capita", "人均电信业务总量", "yuan per person", 1),
    Info("ITEMP", "digital_economy", "digital", "+",
         "Share of employment in information transmission, computer services and software",
         "信息传输、计算机服务和软件业从业人员占比", "%", 2),
    Info("DIFI", "digital_economy", "digital", "+",
         "Peking University digital inclusive finance index", "北京大学数字普惠金融指数", "index", 2),
    # ---- resilience: social -------------------------------------------------------------------
    Info("DOCT", "resilience", "social", "+", "Licensed (assistant) doctors per 10,000 people",
         "每万人执业(助理)医师数", "per 10,000 persons", 2),
    Info("BEDS", "resilience", "social", "+", "Hospital beds per 10,000 people",
         "每万人医院床位数", "per 10,000 persons", 2),
    Info("PENS", "resilience", "social", "+",
         "Urban employees' basic pension insurance participants per resident",
         "城镇职工基本养老保险参保率", "% of resident population", 2),
    Info("EDUSH", "resilience", "social", "+",
         "Education expenditure share of general public budget expenditure",
         "教育支出占财政支出比重", "%", 2),
    Info("UNEMP", "resilience", "social", "-", "Registered urban unemployment rate",
         "城镇登记失业率", "%", 2),
    # ---- resilience: economic -----------------------------------------------------------------
    Info("GDPPC", "resilience", "economic", "+", "GDP per capita", "人均地区生产总值", "yuan", 0),
    Info("TERT", "resilience", "economic", "+", "Tertiary industry share of GDP",
         "第三产业增加值占GDP比重", "%", 2),
    Info("FISPC", "resilience", "economic", "+", "General public budget revenue per capita",
         "人均地方一般公共预算收入", "yuan", 0),
    Info("SAVPC", "resilience", "economic", "+", "Household savings deposits per capita",
         "人均城乡居民储蓄存款余额", "yuan", 0),
    Info("FDI", "resilience", "economic", "+", "Actually utilised foreign capital as share of GDP",
         "实际利用外资占GDP比重", "%", 3),
    # ---- resilience: infrastructure -----------------------------------------------------------
    Info("ROAD", "resilience", "infrastructure", "+", "Urban road area per capita",
         "人均城市道路面积", "m2 per person", 2),
    Info("WATPD", "resilience", "infrastructure", "+",
         "Water supply pipeline density in built-up area", "建成区供水管道密度", "km per km2", 2),
    Info("DRAIN", "resilience", "infrastructure", "+",
         "Drainage pipeline density in built-up area", "建成区排水管道密度", "km per km2", 2),
    Info("BUS", "resilience", "infrastructure", "+",
         "Public buses and trolleybuses per 10,000 people", "每万人拥有公共汽电车数",
         "vehicles per 10,000 persons", 2),
    Info("GAS", "resilience", "infrastructure", "+", "Gas penetration rate", "燃气普及率", "%", 2),
    # ---- resilience: ecological ---------------------------------------------------------------
    Info("GREEN", "resilience", "ecological", "+", "Green coverage ratio of built-up area",
         "建成区绿化覆盖率", "%", 2),
    Info("SO2", "resilience", "ecological", "-", "Industrial SO2 emissions per unit of GDP",
         "单位GDP工业二氧化硫排放量", "t per 100 million yuan", 3),
    Info("WWATR", "resilience", "ecological", "-",
         "Industrial wastewater discharge per unit of GDP", "单位GDP工业废水排放量",
         "t per 10,000 yuan", 3),
    Info("WASTE", "resilience", "ecological", "+", "Harmless treatment rate of domestic waste",
         "生活垃圾无害化处理率", "%", 2),
    Info("PM25", "resilience", "ecological", "-", "Annual mean PM2.5 concentration",
         "PM2.5年均浓度", "ug/m3", 1),
    # ---- auxiliary variables: scale, mediator, grouping and controls -------------------------
    Info("POP", "auxiliary", "auxiliary", "+", "Resident population at year end",
         "年末常住人口", "10,000 persons", 2),
    Info("GDP", "auxiliary", "auxiliary", "+", "Gross regional product", "地区生产总值",
         "100 million yuan", 2),
    Info("PATNT", "auxiliary", "auxiliary", "+",
         "Technological innovation: invention patents granted per 10,000 people",
         "每万人发明专利授权数", "per 10,000 persons", 4),
    Info("OPEN", "auxiliary", "auxiliary", "+",
         "Openness: total imports and exports as share of GDP", "进出口总额占GDP比重", "%", 2),
    Info("GOV", "auxiliary", "auxiliary", "+",
         "Government intervention: general public budget expenditure as share of GDP",
         "一般公共预算支出占GDP比重", "%", 2),
    Info("HUM", "auxiliary", "auxiliary", "+",
         "Human capital: regular college students per 10,000 people",
         "每万人普通高等学校在校学生数", "per 10,000 persons", 2),
    Info("URB", "auxiliary", "auxiliary", "+", "Urbanisation rate of the resident population",
         "常住人口城镇化率", "%", 2),
)

# Measurement model of the indicators driven by a latent (all but POP, GDP, OPEN, GOV, HUM, URB).
# A composite index is a weighted sum of min-max scaled RAW values, i.e. linear in the raw
# values, so an indicator is linear in its latent L on its raw scale, with a slope that is the
# same in every city and year (SYNTHETIC_PANEL.md, "Why the indicators are linear"):
#   (+) x_it = lo + (ref - lo) [exp(u_i) (1 - e) + e r_it exp(e_it) + trend t],  r = L / mean_i L_i,2011
#   (-) x_it = lo + (ref - lo) exp(u_i) [(1 - e) + e r_it exp(e_it) + trend t]   (e < 0)
# u_i ~ N(0, city_sd^2) is a city's persistent level (absorbed by city fixed effects),
# e_it ~ N(0, noise_sd^2) a relative measurement error; lo = 0 for unbounded indicators, else
# the lower bound; e is the elasticity at the reference (r = 1, u = e = 0); trend is a national
# shift per year in units of ref - lo. A (-) indicator's city level multiplies its slope too,
# which keeps it positive however large L gets (its slope then differs between cities, never
# over time; entropy gives these indicators small weights).
# The digital indicators and PATNT (regressors) have no trend of their own: their growth is
# the growth of D and N (a trend of their own would differ between groups of cities).
# Safety nets: the bracket is floored at BRACKET_FLOOR and bounded values are capped just
# below the upper bound; SYNTHETIC_PANEL.md says how rarely either binds.
Measure = namedtuple("Measure", "latent ref elasticity trend city_sd noise_sd bounds")
MEASURES = {
    # Measure(latent, ref, elasticity, trend, city_sd, noise_sd, bounds)
    "BBAND": Measure("D", 13.5, 0.60, 0.000, 0.30, 0.020, None),
    "MOBIL": Measure("D", 72.0, 0.35, 0.000, 0.20, 0.020, None),
    "TELEC": Measure("D", 650.0, 0.65, 0.000, 0.40, 0.030, None),
    "ITEMP": Measure("D", 1.6, 0.55, 0.000, 0.40, 0.030, None),
    "DIFI": Measure("D", 50.0, 0.55, 0.000, 0.25, 0.020, None),
    "DOCT": Measure("social", 18.0, 0.45, 0.010, 0.30, 0.010, None),
    "BEDS": Measure("social", 37.0, 0.45, 0.020, 0.30, 0.010, None),
    "PENS": Measure("social", 16.0, 0.40, 0.000, 0.30, 0.012, (0.0, 100.0)),
    "EDUSH": Measure("social", 17.0, 0.15, 0.000, 0.12, 0.012, (5.0, 35.0)),
    "UNEMP": Measure("social", 3.3, -0.12, 0.000, 0.15, 0.015, (0.8, 6.0)),
    "GDPPC": Measure("economic", 33000.0, 0.55, 0.010, 0.30, 0.008, None),
    "TERT": Measure("economic", 38.0, 0.20, 0.010, 0.15, 0.008, (15.0, 90.0)),
    "FISPC": Measure("economic", 2600.0, 0.60, 0.000, 0.45, 0.012, None),
    "SAVPC": Measure("economic", 22000.0, 0.55, 0.010, 0.35, 0.008, None),
    "FDI": Measure("economic", 1.5, 0.50, 0.000, 0.70, 0.030, None),
    "ROAD": Measure("infrastructure", 12.0, 0.28, 0.015, 0.22, 0.010, None),
    "WATPD": Measure("infrastructure", 11.0, 0.35, 0.015, 0.30, 0.012, None),
    "DRAIN": Measure("infrastructure", 9.0, 0.40, 0.020, 0.30, 0.012, None),
    "BUS": Measure("infrastructure", 8.0, 0.45, 0.015, 0.35, 0.012, None),
    "GAS": Measure("infrastructure", 72.0, 0.07, 0.010, 0.06, 0.010, (40.0, 100.0)),
    "GREEN": Measure("ecological", 37.5, 0.15, 0.000, 0.10, 0.010, (25.0, 52.0)),
    "SO2": Measure("ecological", 40.0, -0.14, -0.012, 0.15, 0.025, None),
    "WWATR": Measure("ecological", 4.5, -0.14, -0.006, 0.18, 0.025, None),
    "WASTE": Measure("ecological", 78.0, 0.07, 0.010, 0.05, 0.012, (50.0, 100.0)),
    "PM25": Measure("ecological", 50.0, -0.12, -0.005, 0.12, 0.012, None),
    "PATNT": Measure("N", 0.55, 1.00, 0.000, 0.00, 0.020, None),
}
BRACKET_FLOOR = 0.05  # lowest value of the bracket (5 % of ref - lo above lo)
CAP_MARGIN = 0.001    # bounded indicators stay 0.1 % of their range below the upper bound


# ============================================================================================
# Input
# ============================================================================================

def read_cities(gpkg_path):
    """Read the attribute columns of layer ``cities`` from a GeoPackage with sqlite3.

    Geometry is not read. Returns a DataFrame with CITY_COLUMNS, sorted by adcode.
    """
    path = pathlib.Path(gpkg_path).resolve()
    if not path.is_file():
        raise FileNotFoundError(f"City GeoPackage not found: {path}. Pass --cities PATH.")
    con = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True)
    try:
        query = "SELECT " + ", ".join(CITY_COLUMNS) + " FROM cities ORDER BY adcode"
        rows = con.execute(query).fetchall()
    finally:
        con.close()
    cities = pd.DataFrame(rows, columns=CITY_COLUMNS)
    for col in ("adcode", "province_adcode"):
        cities[col] = cities[col].astype("int64")
    for col in ("lon", "lat", "area_km2"):
        cities[col] = cities[col].astype("float64")
    return cities


# ============================================================================================
# Small numeric and spatial helpers (numpy only)
# ============================================================================================

def great_circle_km(lon, lat, lon2=None, lat2=None):
    """Haversine distances (km) between points (lon, lat) and (lon2, lat2), as a matrix."""
    if lon2 is None:
        lon2, lat2 = lon, lat
    lam1 = np.radians(np.asarray(lon, dtype=float))[:, None]
    phi1 = np.radians(np.asarray(lat, dtype=float))[:, None]
    lam2 = np.radians(np.asarray(lon2, dtype=float))[None, :]
    phi2 = np.radians(np.asarray(lat2, dtype=float))[None, :]
    h = (np.sin((phi2 - phi1) / 2.0) ** 2
         + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2.0) ** 2)
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def nearest_neighbours(dist, k=NEIGHBOURS_K):
    """Indices (n x k) of each city's k nearest other cities (ties broken by row order)."""
    d = dist.copy()
    np.fill_diagonal(d, np.inf)
    return np.argsort(d, axis=1, kind="stable")[:, :k]


def spatial_lag(values, nearest):
    """W x for row-standardised k-nearest-neighbour weights: the neighbours' mean (n x T)."""
    return values[nearest].mean(axis=1)


def gaussian_smoother(dist, bandwidth_km=SMOOTH_BANDWIDTH_KM):
    """Gaussian kernel matrix S whose rows have unit length.

    For e ~ N(0, I), ``S @ e`` is a spatially smoothed field with variance 1 at every city,
    however many cities lie within the bandwidth (dense east and sparse west alike).
    """
    kernel = np.exp(-0.5 * (dist / bandwidth_km) ** 2)
    return kernel / np.sqrt((kernel ** 2).sum(axis=1, keepdims=True))


def standardise(x):
    """(x - mean) / sd over all elements of x."""
    return (x - x.mean()) / x.std()


def smooth_noise(smoother, rng):
    """Standardised spatially autocorrelated noise z(S e), e ~ N(0, I)."""
    e = rng.standard_normal(smoother.shape[0])
    # row sums rather than a BLAS product: the same bits on every machine
    return standardise((smoother * e[None, :]).sum(axis=1))


def bump(lon, lat, centre_lon, centre_lat, bandwidth_km):
    """Gaussian bump exp(-d^2 / 2h^2) around one centre, d in great-circle km."""
    d = great_circle_km(lon, lat, [centre_lon], [centre_lat])[:, 0]
    return np.exp(-0.5 * (d / bandwidth_km) ** 2)


def residualise(y, x):
    """Residual of the least-squares regression of y on [1, x] (closed form)."""
    xc, yc = x - x.mean(), y - y.mean()
    slope = (xc * yc).sum() / (xc * xc).sum()
    return yc - slope * xc


def gap_groups(region):
    """The groups the regional gap compares: "east", "central/west" and "northeast"."""
    return np.where(np.isin(region, GAP_REFERENCE), "central/west", region)


def orthogonal_to_digital_economy(y, d, groups):
    """y made orthogonal, within each group, to the city's mean D, mean D squared, mean log D and
    the growth (slope over the years) of log D: the least-squares residual, rescaled to the
    group's standard deviation of y and shifted to its mean (the groups' levels and spreads stay)."""
    log_d = np.log(d)
    t = np.arange(d.shape[1], dtype=float) - (d.shape[1] - 1) / 2.0
    growth = (log_d * t).sum(axis=1) / (t * t).sum()
    level = d.mean(axis=1)
    out = np.empty_like(y)
    for name in np.unique(groups):
        at = groups == name
        x = np.column_stack([np.ones(at.sum()), level[at], level[at] ** 2, log_d[at].mean(axis=1), growth[at]])
        coef = np.linalg.lstsq(x, y[at], rcond=None)[0]
        residual = y[at] - x @ coef
        out[at] = y[at].mean() + residual * (y[at].std() / residual.std())
    return out


def sigmoid(y):
    """Logistic function."""
    return 1.0 / (1.0 + np.exp(-y))


def logit(p):
    """Inverse of :func:`sigmoid`."""
    return np.log(p / (1.0 - p))


def year_index():
    """t = year - 2011 as a (1 x T) row."""
    return np.arange(len(YEARS), dtype=float)[None, :]


def post_policy():
    """1 for years from POLICY_YEAR on, else 0, as a (1 x T) row."""
    return np.array([[1.0 if year >= POLICY_YEAR else 0.0 for year in YEARS]])


# ============================================================================================
# Latent model
# ============================================================================================

def city_covariates(cities):
    """Deterministic city attributes used by the model (no randomness)."""
    lon = cities["lon"].to_numpy()
    lat = cities["lat"].to_numpy()
    hub = np.zeros(len(cities))
    for _, hub_lon, hub_lat, amplitude, bandwidth in HUBS:
        hub += amplitude * bump(lon, lat, hub_lon, hub_lat, bandwidth)
        hub += CORE_AMPLITUDE * bump(lon, lat, hub_lon, hub_lat, CORE_BANDWIDTH_KM)
    unit_type = cities["unit_type"]
    return {
        "lon": lon,
        "lat": lat,
        "hub": hub,
        "eastness": np.clip((lon - 100.0) / 22.0, 0.0, 1.0),
        "remote": np.clip((100.0 - lon) / 15.0, 0.0, 1.0),
        "south": np.clip((27.0 - lat) / 5.0, 0.0, 1.0),
        "haze": bump(lon, lat, *HAZE_CENTRE),
        "coal": bump(lon, lat, *COAL_CENTRE),
        "region": cities["region"].to_numpy(dtype=object),
        "region_effect": cities["region"].map(REGION_EFFECT).to_numpy(dtype=float),
        "unit_effect": unit_type.map(UNIT_EFFECT).to_numpy(dtype=float),
        "capital": cities["adcode"].isin(CAPITALS).to_numpy(dtype=float),
        "coastal": cities["province_adcode"].isin(COASTAL_PROVINCES).to_numpy(dtype=float),
        "northeast": (cities["region"] == "northeast").to_numpy(dtype=float),
        "west": (cities["region"] == "west").to_numpy(dtype=float),
        "municipality": (unit_type == "municipality").to_numpy(dtype=float),
        "county_level": (unit_type == COUNTY_LEVEL).to_numpy(dtype=float),
        "log_area": np.log(cities["area_km2"].to_numpy()),
    }


def development_score(cov, smoother, rng):
    """Standardised, time-invariant development level b_i (spatially structured)."""
    raw = (1.6 * cov["hub"] + 0.6 * cov["eastness"] + cov["region_effect"]
           + 0.8 * cov["capital"] + cov["unit_effect"]
           + 0.35 * smooth_noise(smoother, rng) + 0.50 * rng.standard_normal(len(cov["hub"])))
    return standardise(raw)


def digital_economy(b, smoother, rng):
    """Latent digital economy D (n x T): log-normal level, catch-up growth, yearly noise."""
    n = len(b)
    log_d0 = np.log(D0) + SIGMA_D * b
    growth = (G_D - KAPPA_D * (log_d0 - log_d0.mean())
              + D_GROWTH_SD * smooth_noise(smoother, rng))
    log_d = log_d0[:, None] + growth[:, None] * year_index()
    log_d = log_d + D_NOISE_SD * rng.standard_normal((n, len(YEARS)))
    return np.exp(log_d)


def openness_score(cov, smoother, rng, d):
    """Standardised openness o_i and the own-effect multiplier m_i from its percentile rank.

    Within each group of the regional gap (east, central and west, northeast) o_i is made
    orthogonal to the digital economy's level and growth (orthogonal_to_digital_economy), so that
    the elasticity's differences between a group's cities do not leak into its year-specific
    slopes (SYNTHETIC_PANEL.md, "The regional elasticity gap").

    m_i = 1 for the bottom 30 %, OPEN_MULT for the top 30 %, linear in between.
    """
    n = len(cov["lon"])
    o = standardise(OPEN_REGIONAL * smooth_noise(smoother, rng) + OPEN_COASTAL * cov["coastal"]
                    + OPEN_NOISE * rng.standard_normal(n))
    o = standardise(orthogonal_to_digital_economy(o, d, gap_groups(cov["region"])))
    rank = np.argsort(np.argsort(o, kind="stable"), kind="stable")
    percentile = rank / (len(o) - 1.0)
    mult = 1.0 + (OPEN_MULT - 1.0) * np.clip((percentile - 0.3) / 0.4, 0.0, 1.0)
    return o, mult


def innovation(d, cov, rng):
    """Latent innovation N (n x T), driven by the digital economy (elasticity PI_N)."""
    n = d.shape[0]
    city = 0.25 * cov["capital"] + 0.30 * rng.standard_normal(n)
    log_n = (np.log(N0) + PI_N * (np.log(d) - np.log(d[:, 0].mean())) + city[:, None]
             + 0.08 * rng.standard_normal(d.shape))
    return np.exp(log_n)


def control_scores(cov, b, rng):
    """Latent controls on their link scale (n x T): URB (logit), HUM (log), GOV (log)."""
    n, shape, t = len(b), (len(b), len(YEARS)), year_index()
    urb = (logit(0.52) + 0.60 * b + 0.4 * cov["capital"]
           + 0.25 * rng.standard_normal(n))[:, None] + 0.045 * t
    hum = (np.log(110.0) + 0.40 * b + 0.6 * cov["capital"] - 0.8 * cov["county_level"]
           + 0.30 * rng.standard_normal(n))[:, None] + 0.03 * t
    gov = (np.log(20.0) - 0.30 * b + 0.35 * cov["west"] + 0.8 * cov["remote"]
           + 0.20 * rng.standard_normal(n))[:, None] + 0.01 * t
    return {
        "URB": urb + 0.03 * rng.standard_normal(shape),
        "HUM": hum + 0.04 * rng.standard_normal(shape),
        "GOV": gov + 0.05 * rng.standard_normal(shape),
    }


def dimension_city_effects(cov, b, smoother, rng):
    """Standardised, spatially structured city effects c^k_i of the four dimensions.

    They are made orthogonal to the development score b so that they do not confound the
    digital-economy effect; they still carry regional patterns (the northeast's strong
    social and infrastructure base and weak economy, the northern haze and coal belts).
    """
    n = len(b)
    regional = {
        "social": 0.6 * cov["northeast"] + 0.3 * cov["capital"],
        "economic": -0.6 * cov["northeast"] + 0.4 * cov["coastal"],
        "infrastructure": 0.5 * cov["northeast"] + 0.2 * cov["capital"] - 0.4 * cov["remote"],
        "ecological": -1.2 * cov["haze"] - 0.8 * cov["coal"] + 0.6 * cov["south"],
    }
    effects = {}
    for dim in DIMENSIONS:
        raw = regional[dim] + 0.5 * smooth_noise(smoother, rng) + 0.5 * rng.standard_normal(n)
        effects[dim] = standardise(residualise(raw, b))
    return effects


def elasticity_gap():
    """GAP_t, the true east minus central/west gap of the mean own effect, as a (T,) array."""
    return np.linspace(GAP_FIRST, GAP_LAST, len(YEARS))


def own_effect(open_mult, region):
    """beta_it = BETA0 * m_i * (POST_MULT from 2016 on) * r_gt, n x T.

    r_gt is a regional factor for the eastern cities (g = e) and the central and western ones
    (g = cw); the northeast keeps 1. Each year the two factors solve
        mean_e(beta_t) - mean_cw(beta_t) = GAP_t                (the gap path, elasticity_gap)
        sum_e m_i (r_e,t - 1) + sum_cw m_i (r_cw,t - 1) = 0     (the national mean of beta unchanged)
    so the openness multiplier m_i stays exact within every region and year and the national
    mean own effect keeps its 2016 step of POST_MULT.
    """
    period_mult = 1.0 + (POST_MULT - 1.0) * post_policy()[0]
    base = BETA0 * open_mult[:, None] * period_mult[None, :]
    shifted = np.isin(region, GAP_REGIONS)
    reference = np.isin(region, GAP_REFERENCE)
    sum_cw, sum_e = open_mult[shifted].sum(), open_mult[reference].sum()
    factor = np.ones_like(base)
    for t, (gap, mult) in enumerate(zip(elasticity_gap(), period_mult)):
        # unknowns (r_cw, r_e): [[mean m_cw, -mean m_e], [sum m_cw, sum m_e]] r = [gap / (BETA0 P_t), sum_cw + sum_e]
        matrix = np.array([[sum_cw / shifted.sum(), -sum_e / reference.sum()], [sum_cw, sum_e]])
        r_cw, r_e = np.linalg.solve(matrix, [gap / (BETA0 * mult), sum_cw + sum_e])
        factor[shifted, t], factor[reference, t] = r_cw, r_e
    return base * factor


def resilience_dimensions(d, wd, n_inno, beta, controls, city_effects, rng):
    """Latent resilience dimensions R^k (n x T) from the structural equation."""
    t = year_index()
    digital_part = beta * d + RHO * wd + PHI * n_inno
    control_part = sum(coef * standardise(controls[name]) for name, coef in CONTROL_COEF.items())
    dims = {}
    for dim in DIMENSIONS:
        p = DIM_PARAMS[dim]
        value = (p["a"] + p["lam"] * t + POLICY_BOOST * post_policy()
                 + p["theta"] * digital_part + control_part
                 + p["s"] * city_effects[dim][:, None]
                 + p["sd"] * rng.standard_normal(d.shape))
        dims[dim] = np.maximum(value, LATENT_FLOOR)
    return dims


def simulate_latents(cities, rng):
    """Run the latent model; returns a dict of (n x T) arrays and city-level vectors."""
    cov = city_covariates(cities)
    dist = great_circle_km(cov["lon"], cov["lat"])
    smoother = gaussian_smoother(dist)
    b = development_score(cov, smoother, rng)
    d = digital_economy(b, smoother, rng)
    openness, open_mult = openness_score(cov, smoother, rng, d)
    n_inno = innovation(d, cov, rng)
    controls = control_scores(cov, b, rng)
    wd = spatial_lag(d, nearest_neighbours(dist))
    beta = own_effect(open_mult, cov["region"])
    city_effects = dimension_city_effects(cov, b, smoother, rng)
    dims = resilience_dimensions(d, wd, n_inno, beta, controls, city_effects, rng)
    resilience = sum(dims[dim] for dim in DIMENSIONS) / len(DIMENSIONS)
    return {"cov": cov, "b": b, "D": d, "WD": wd, "N": n_inno, "beta": beta,
            "openness": openness, "controls": controls, "dims": dims, "R": resilience}


# ============================================================================================
# Observed indicators
# ============================================================================================

def driving_latent(measure, lat):
    """The (n x T) latent that drives an indicator."""
    if measure.latent in ("D", "N"):
        return lat[measure.latent]
    return lat["dims"][measure.latent]


def measurement_bracket(measure, latent, city, noise):
    """The indicator on the scale of ``ref - lo`` (1 at the reference), before floor and cap.

    (+) indicators: exp(u_i) (1 - e) + e r_it exp(e_it) + trend t, with r = L / mean_i L_i,2011
    and e the elasticity: linear in the latent L, with the same slope in every city and year.
    (-) indicators (e < 0): exp(u_i) [(1 - e) + e r_it exp(e_it) + trend t], which stays
    positive however large L gets (the slope then differs between cities, never over time).
    """
    relative = latent / latent[:, 0].mean()
    level = np.exp(city)[:, None]
    trend = measure.trend * year_index()
    if measure.elasticity < 0:
        return level * ((1.0 - measure.elasticity) + measure.elasticity * relative * np.exp(noise) + trend)
    return level * (1.0 - measure.elasticity) + measure.elasticity * relative * np.exp(noise) + trend


def simulate_indicator(measure, lat, rng):
    """Draw one indicator from the measurement model (see MEASURES): (values, floored, capped)."""
    latent = driving_latent(measure, lat)
    city = measure.city_sd * rng.standard_normal(latent.shape[0])
    noise = measure.noise_sd * rng.standard_normal(latent.shape)
    bracket = measurement_bracket(measure, latent, city, noise)
    floored = bracket < BRACKET_FLOOR
    lo, hi = measure.bounds if measure.bounds is not None else (0.0, None)
    values = lo + (measure.ref - lo) * np.maximum(bracket, BRACKET_FLOOR)
    capped = np.zeros(values.shape, dtype=bool)
    if hi is not None:
        ceiling = hi - CAP_MARGIN * (hi - lo)
        capped = values > ceiling
        values = np.minimum(values, ceiling)
    return values, int(floored.sum()), int(capped.sum())


def simulate_population(lat, rng):
    """Resident population (10,000 persons), n x T."""
    cov, b = lat["cov"], lat["b"]
    n = len(b)
    log_area = cov["log_area"] - np.median(cov["log_area"])
    level = (np.log(330.0) + 0.30 * log_area + 0.20 * b - 1.5 * cov["remote"]
             + 0.8 * cov["municipality"] + 0.5 * cov["capital"] - 1.45 * cov["county_level"]
             + 0.20 * rng.standard_normal(n))
    growth = 0.004 + 0.005 * b - 0.009 * cov["northeast"] + 0.003 * rng.standard_normal(n)
    log_pop = (level[:, None] + growth[:, None] * year_index()
               + 0.005 * rng.standard_normal((n, len(YEARS))))
    return np.exp(log_pop)


def simulate_openness(lat, rng):
    """Foreign trade / GDP (%), n x T: from the openness score, falling 4.5 %/yr nationally."""
    y = (np.log(12.0) + 0.85 * lat["openness"][:, None] - 0.045 * year_index()
         + 0.08 * rng.standard_normal(lat["D"].shape))
    return np.exp(y)


def simulate_indicators(lat, rng):
    """All indicator values (unrounded), as a dict code -> (n x T) array, and for each
    measured indicator the number of city-years at the floor and at the cap."""
    values, clipped = {}, {}
    for code, measure in MEASURES.items():
        values[code], floored, capped = simulate_indicator(measure, lat, rng)
        clipped[code] = (floored, capped)
    pop = simulate_population(lat, rng)
    values["POP"] = pop
    # GDP uses the mid-year population, GDPPC the year end: a 1 % discrepancy.
    values["GDP"] = values["GDPPC"] * pop / 1.0e4 * np.exp(0.01 * rng.standard_normal(pop.shape))
    values["OPEN"] = simulate_openness(lat, rng)
    controls = lat["controls"]
    values["GOV"] = np.exp(controls["GOV"])
    values["HUM"] = np.exp(controls["HUM"])
    values["URB"] = 100.0 * sigmoid(controls["URB"])
    return values, clipped


# ============================================================================================
# Assembly
# ============================================================================================

def indicator_system():
    """The indicator system table (SYSTEM_COLUMNS); weight is empty (reserved for users)."""
    rows = [[ind.code, ind.index, ind.dimension, ind.direction, ind.name_en, ind.name_zh,
             ind.unit, ""] for ind in INDICATORS]
    return pd.DataFrame(rows, columns=SYSTEM_COLUMNS)


def long_frame(cities, arrays):
    """Stack (n x T) arrays into a city-year frame sorted by adcode, year."""
    n, t_count = len(cities), len(YEARS)
    frame = pd.DataFrame({
        "adcode": np.repeat(cities["adcode"].to_numpy(dtype="int64"), t_count),
        "year": np.tile(np.array(YEARS, dtype="int64"), n),
    })
    for name, arr in arrays.items():
        frame[name] = np.asarray(arr, dtype=float).reshape(n * t_count)
    return frame


def generate_with_latent(cities, seed=DEFAULT_SEED):
    """Generate (panel, indicator_system, latent) for the given cities and seed."""
    panel, system, latent, _ = generate_all(cities, seed)
    return panel, system, latent


def generate_all(cities, seed=DEFAULT_SEED):
    """(panel, indicator_system, latent, safety_nets): safety_nets maps each measured
    indicator to the number of city-years at the floor and at the cap of MEASURES."""
    cities = cities.sort_values("adcode", kind="stable").reset_index(drop=True)
    rng = np.random.default_rng(seed)
    lat = simulate_latents(cities, rng)
    values, safety_nets = simulate_indicators(lat, rng)

    panel = long_frame(cities, {ind.code: np.round(values[ind.code], ind.decimals)
                                for ind in INDICATORS})
    panel.insert(1, "name", np.repeat(cities["name"].to_numpy(dtype=object), len(YEARS)))

    latent = long_frame(cities, {
        "digital_economy": lat["D"],
        "resilience": lat["R"],
        "res_social": lat["dims"]["social"],
        "res_economic": lat["dims"]["economic"],
        "res_infrastructure": lat["dims"]["infrastructure"],
        "res_ecological": lat["dims"]["ecological"],
        "innovation": lat["N"],
        "w_digital_economy": lat["WD"],
        "beta_own": lat["beta"],
    })
    value_columns = LATENT_COLUMNS[2:]
    latent[value_columns] = latent[value_columns].round(LATENT_DECIMALS)
    return panel, indicator_system(), latent, safety_nets


def generate(cities, seed=DEFAULT_SEED):
    """Generate (panel, indicator_system) for the given cities and seed."""
    panel, system, _ = generate_with_latent(cities, seed)
    return panel, system


# ============================================================================================
# Output
# ============================================================================================

def format_cell(value, decimals):
    """Text of one cell: strings and integers as they are, floats with fixed decimals."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return f"{float(value):.{decimals}f}"


def write_csv(frame, path, decimals):
    """Write a frame as UTF-8 CSV (no BOM, '\\n' line ends); decimals: column -> digits."""
    columns = list(frame.columns)
    digits = [decimals.get(col, 0) for col in columns]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in frame.itertuples(index=False, name=None):
            writer.writerow([format_cell(value, d) for value, d in zip(row, digits)])


def write_outputs(panel, system, latent, out_dir):
    """Write the panel, indicator system and latent CSVs into out_dir; returns their paths."""
    os.makedirs(out_dir, exist_ok=True)
    paths = (os.path.join(out_dir, PANEL_FILE), os.path.join(out_dir, SYSTEM_FILE),
             os.path.join(out_dir, LATENT_FILE))
    write_csv(panel, paths[0], {ind.code: ind.decimals for ind in INDICATORS})
    write_csv(system, paths[1], {})
    write_csv(latent, paths[2], {col: LATENT_DECIMALS for col in LATENT_COLUMNS})
    return paths


def main(argv=None):
    """Command-line entry point."""
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(
        description="Generate the SYNTHETIC Digital Resilience panel (not real statistics).")
    parser.add_argument("--cities", default=os.path.join(here, "china_cities.gpkg"),
                        help="GeoPackage with layer 'cities' (default: beside this script)")
    parser.add_argument("--out-dir", default=here, help="output folder (default: this script's)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED,
                        help=f"random seed (default {DEFAULT_SEED})")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    cities = read_cities(args.cities)
    panel, system, latent, safety_nets = generate_all(cities, args.seed)
    paths = write_outputs(panel, system, latent, args.out_dir)
    for path in paths:
        print(f"wrote {path}")
    floored = sum(f for f, _ in safety_nets.values())
    capped = sum(c for _, c in safety_nets.values())
    print(f"{len(panel)} city-years, {len(system)} indicators, seed {args.seed}, "
          f"{time.perf_counter() - start:.2f} s; measurement floor reached in {floored} and cap in "
          f"{capped} indicator values")
    return 0


if __name__ == "__main__":
    sys.exit(main())
