#!/usr/bin/env python3
"""Independent DuckDB-SQL implementation of the indicator catalogue v1.

Contract: /work/shared/contracts/indicators.md (+ case-facts.md for the input).
Used as (1) a benchmark baseline for the Rust engine and (2) a cross-check of its numbers.

    python3 bench/duckdb_metrics.py CASES.csv --from 2025-01-01 --to 2025-10-31 \
        [--json OUT.json] [--compare OURS.json] [--repeat N]

CASES.csv is what `xiezhi export` writes (English keys, UTF-8 with or without BOM; the
Chinese header labels of case-facts.md are accepted too). Everything after the CSV read is
DuckDB SQL: 案号 parsing, classes, statutory deadlines, link aggregates, the recursive
case chains, all indicators for every group and both periods, and the city ranks.
Python only assembles the JSON and does the comparison.
"""
import argparse
import datetime as dt
import json
import math
import resource
import sys
import time

import duckdb

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙内陕吉闽贵粤青藏川宁琼兵军"

# case-facts.md "Columns": English key -> accepted Chinese labels
HEADER_ALIASES = {
    "case_number": ["案号"],
    "court_name": ["法院", "承办法院", "法院名称"],
    "cause": ["案由"],
    "procedure": ["适用程序", "审理程序", "程序"],
    "filed_on": ["立案日期", "收案日期"],
    "closed_on": ["结案日期"],
    "disposition": ["结案方式"],
    "judge": ["承办人", "承办法官"],
    "department": ["承办部门", "承办庭室", "审判庭"],
    "claim_amount": ["标的额", "诉讼标的额", "标的金额"],
    "applied_amount": ["申请执行标的额", "申请执行标的", "执行标的额"],
    "recovered_amount": ["执行到位金额", "实际到位金额", "到位金额"],
    "extension_days": ["延长审限天数", "延长天数"],
    "suspended_days": ["扣除审限天数", "扣除天数"],
    "origin_case_number": ["原审案号", "原案号", "关联案号", "执行依据案号"],
    "has_property": ["有无财产", "有财产可供执行"],
}

DISPOSITION_SYNONYMS = {
    "判决结案": "判决", "调解结案": "调解", "调解书": "调解", "准予撤诉": "撤诉", "按撤诉处理": "撤诉",
    "裁定准许撤诉": "撤诉", "裁定驳回起诉": "驳回起诉", "裁定不予受理": "不予受理", "移送管辖": "移送",
    "移送其他法院": "移送", "维持原判": "维持", "驳回上诉维持原判": "维持", "驳回上诉，维持原判": "维持",
    "部分改判": "改判", "撤销原判发回重审": "发回重审", "准予撤回上诉": "撤回上诉",
    "按撤回上诉处理": "撤回上诉", "终本": "终结本次执行程序", "终结本次执行": "终结本次执行程序",
    "驳回执行申请": "驳回申请",
}

# case-facts.md "Case class"
CLASSES = {
    "criminal_first": ["刑初"],
    "civil_first": ["民初"],
    "admin_first": ["行初", "行赔初"],
    "appeal": ["刑终", "民终", "行终", "行赔终", "民辖终", "行辖终", "清终", "破终"],
    "retrial": ["刑再", "民再", "行再", "行赔再"],
    "retrial_review": ["刑申", "刑监", "刑抗", "民申", "民监", "民抗", "行申", "行监", "行抗",
                       "行赔申", "行赔监", "行赔抗"],
    "enforcement": ["执", "执恢"],
    "preservation_enforcement": ["执保"],
    "enforcement_review": ["执异", "执复", "执监", "执协", "执他"],
    "preservation": ["财保", "行保", "行保复", "证保"],
    "bankruptcy": ["破", "破申", "强清", "清申", "破监", "清监"],
}

# domain.md §4.2 类型代字 table: used only to resolve the type code of legacy 字第 numbers.
TYPE_CODES = """刑辖 民辖 民辖终 民辖监 行辖 行辖终 赔辖 赔辖终 刑初 刑终 刑监 刑申 刑抗 刑再 刑没 刑核 刑医 刑医解
刑医复 刑医监 刑止 刑止调 刑止核 刑更 刑更监 刑更备 刑他 刑教 刑教解 刑教复 刑教监 民初 民终 民监 民申 民抗 民再
民撤 民特 民特监 民催 民督 民督监 民他 民保令 民保更 行初 行终 行监 行申 行抗 行再 行审 行审复 行他 行赔初 行赔终
行赔监 行赔申 行赔抗 行赔再 行赔他 法赔 委赔 委赔监 赔确监 委赔提 委赔再 赔他 司救刑 司救民 司救行 司救赔 司救执
司救访 司救他 认台 认港 认澳 认复 认他 请台送 请港送 请澳送 台请送 港请送 澳请送 请台调 请港调 请澳调 台请调 港请调
澳请调 请移管 助移管 请移赃 助移赃 协外认 协他 协外送 请外送 协外调 请外调 请外移 协外移 请外引 协外引 司惩 司惩复
财保 行保 行保复 证保 执 执恢 执保 执异 执复 执监 执协 执他 清申 破申 清终 破终 清监 破监 强清 破""".split()

# indicators.md "Statutory limits": (type code, procedure or None = first row / any) -> (months, days)
LIMITS = [
    ("民初", None, 6, None), ("民初", "普通程序", 6, None), ("民初", "简易程序", 3, None),
    ("民初", "小额诉讼程序", 2, None), ("民初", "特别程序", None, 30),
    ("民特", None, None, 30),
    ("民终", None, 3, None), ("行终", None, 3, None), ("行赔终", None, 3, None),
    *[(c, None, 3, None) for c in ["民申", "民监", "民抗", "行申", "行监", "行抗"]],
    ("民再", None, 6, None), ("行再", None, 6, None),
    ("刑初", None, 3, None), ("刑初", "普通程序", 3, None), ("刑初", "简易程序", None, 20),
    ("刑初", "速裁程序", None, 10),
    ("刑终", None, 2, None), ("刑再", None, 3, None),
    ("行初", None, 6, None), ("行初", "普通程序", 6, None), ("行初", "简易程序", None, 45),
    ("行赔初", None, 6, None), ("行赔初", "普通程序", 6, None),
    ("执", None, 6, None), ("执恢", None, 6, None), ("执异", None, None, 15),
]

IDS = """filed carried_over accepted closed pending closure_rate clearance_rate closed_per_judge
trial_filed trial_closed trial_pending avg_days avg_net_days on_time_rate pending_over_12m
pending_over_18m pending_over_24m pending_over_36m over_12m_ratio mediation_rate
mediation_withdrawal_rate appeal_rate first_instance_acceptance_rate appeal_reversal_rate
first_instance_reversed_rate case_chain_ratio enf_filed enf_carried_over enf_accepted enf_closed
enf_pending enf_closure_rate actual_execution_rate recovered_amount recovery_rate
first_enf_terminal_rate core_property_on_time_rate core_three_year_rate core_terminal_compliance
core_petition_rate""".split()

UNAVAILABLE = {
    "core_terminal_compliance": "needs the 终本 checklist (domain.md §2.4), which case facts v1 do not carry",
    "core_petition_rate": "needs petition (信访) records, which case facts v1 do not carry",
}

HIGHER_BETTER = """closure_rate clearance_rate closed_per_judge on_time_rate mediation_rate
mediation_withdrawal_rate first_instance_acceptance_rate enf_closure_rate actual_execution_rate
recovered_amount recovery_rate core_property_on_time_rate core_three_year_rate""".split()
LOWER_BETTER = """avg_days avg_net_days over_12m_ratio pending_over_12m pending_over_18m
pending_over_24m pending_over_36m appeal_rate appeal_reversal_rate first_instance_reversed_rate
case_chain_ratio first_enf_terminal_rate""".split()
RANKED = [i for i in IDS if i in HIGHER_BETTER or i in LOWER_BETTER]


def q(s):
    return "'" + s.replace("'", "''") + "'"


def in_list(codes):
    return "(" + ", ".join(q(c) for c in codes) + ")"


def minus_one_year(d):
    try:
        return d.replace(year=d.year - 1)
    except ValueError:  # 29 Feb -> 28 Feb
        return d.replace(year=d.year - 1, day=28)


# ---------------------------------------------------------------------------------------
# load
# ---------------------------------------------------------------------------------------
def load(con, path):
    con.execute("DROP TABLE IF EXISTS cases; DROP TABLE IF EXISTS raw;")
    con.execute(f"CREATE TABLE raw AS SELECT * FROM read_csv({q(path)}, header=true, "
                f"all_varchar=true, delim=',', quote='\"', escape='\"')")
    cols = [r[0] for r in con.execute("DESCRIBE raw").fetchall()]
    label_to_key = {k: k for k in HEADER_ALIASES}
    for k, labels in HEADER_ALIASES.items():
        for lab in labels:
            label_to_key[lab] = k
    colmap = {}
    for c in cols:
        key = label_to_key.get(c.strip(" \t\u3000\ufeff"))
        if key:
            if key in colmap:
                raise SystemExit(f"two columns map to {key}")
            colmap[key] = c

    def col(key):
        if key not in colmap:
            return "NULL::VARCHAR"
        return f"nullif(trim(\"{colmap[key]}\", ' \t\u3000'), '')"

    for req in ("case_number", "filed_on"):
        if req not in colmap:
            raise SystemExit(f"no {req} column")

    def date(key):
        return (f"coalesce(try_cast({col(key)} AS DATE), try_strptime({col(key)}, "
                f"['%Y/%m/%d', '%Y.%m.%d', '%Y年%m月%d日', '%Y%m%d'])::DATE)")

    def amount(key):
        return f"try_cast(replace(regexp_replace({col(key)}, '元$', ''), ',', '') AS DECIMAL(38,6))"

    disp_case = "CASE d " + " ".join(f"WHEN {q(a)} THEN {q(b)}" for a, b in DISPOSITION_SYNONYMS.items()) + " ELSE d END"
    cls_case = "CASE " + " ".join(f"WHEN t IN {in_list(v)} THEN {q(k)}" for k, v in CLASSES.items()) + " ELSE 'other' END"
    modern = (r"^（\d{4}）(最高法|[" + PROVINCES + r"](?:\d{4}|\d{2})?)知?(\p{Han}+?)字?\d+号$")
    codes_values = ", ".join(f"({q(c)})" for c in TYPE_CODES)
    numerals = "一二三四五六七八九十公自"

    con.execute(f"""
    CREATE TABLE cases AS
    WITH r AS (
        SELECT row_number() OVER () AS id,
               translate({col('case_number')}, '()〔〕', '（）（）') AS cn,
               {col('court_name')} AS court_name,
               {col('procedure')} AS proc,
               {date('filed_on')} AS filed,
               {date('closed_on')} AS closed,
               {col('disposition')} AS d,
               {col('judge')} AS judge,
               {amount('applied_amount')} AS applied,
               {amount('recovered_amount')} AS recovered,
               coalesce(try_cast({col('extension_days')} AS INTEGER), 0) AS ext,
               coalesce(try_cast({col('suspended_days')} AS INTEGER), 0) AS susp,
               translate({col('origin_case_number')}, '()〔〕', '（）（）') AS origin,
               coalesce(lower({col('has_property')}) IN ('是', '有', 'true', '1', 'y'), false) AS hasprop
        FROM raw),
    p AS (
        SELECT r.*,
               contains(cn, '字第') AS legacy,
               CASE WHEN NOT contains(cn, '字第') THEN regexp_extract(cn, {q(modern)}, 1) END AS court0,
               CASE WHEN NOT contains(cn, '字第') THEN regexp_extract(cn, {q(modern)}, 2) END AS t0,
               CASE WHEN contains(cn, '字第') THEN regexp_extract(cn, '^（\\d{{4}}）(.+)字第\\d+号$', 1) END AS lt
        FROM r),
    codes(code) AS (VALUES {codes_values}),
    leg AS (  -- legacy 字第: longest table code ending the text, leaving a non-empty court label;
              -- a division numeral or 公/自 may follow the type's first character
        SELECT p.id, arg_max(code, length(code)) AS t
        FROM p JOIN codes ON p.legacy AND (
              (suffix(p.lt, code) AND length(p.lt) > length(code))
           OR (regexp_matches(p.lt,
                 '.' || left(code, 1) || '[{numerals}]' || substr(code, 2) || '$')))
        GROUP BY p.id)
    SELECT p.id, p.cn, nullif(p.court0, '') AS court, t, {cls_case} AS cls, p.proc, p.filed, p.closed,
           {disp_case} AS disp, p.judge, p.applied, p.recovered, p.ext, p.susp, p.origin,
           p.hasprop, p.court_name, p.legacy
    FROM (SELECT p.*, CASE WHEN p.legacy THEN leg.t ELSE nullif(p.t0, '') END AS t
          FROM p LEFT JOIN leg USING (id)) p
    """)
    con.execute("DROP TABLE raw")
    n, unparsed, legacy = con.execute(
        "SELECT count(*), count_if(t IS NULL), count_if(legacy) FROM cases").fetchall()[0]
    return n, unparsed, legacy


# ---------------------------------------------------------------------------------------
# query
# ---------------------------------------------------------------------------------------
FIRST = in_list(CLASSES["criminal_first"] + CLASSES["civil_first"] + CLASSES["admin_first"])
NONTRIAL = "('enforcement', 'preservation_enforcement', 'enforcement_review')"


def limit_sql():
    proc_rows = [(t, p, m, d) for t, p, m, d in LIMITS if p is not None]
    first_rows = [(t, m, d) for t, p, m, d in LIMITS if p is None]
    parts = []
    for t, p, m, d in proc_rows:
        parts.append(f"WHEN t = {q(t)} AND proc = {q(p)} THEN {lim_expr(m, d)}")
    for t, m, d in first_rows:
        parts.append(f"WHEN t = {q(t)} THEN {lim_expr(m, d)}")
    return "CASE " + " ".join(parts) + " END"


def lim_expr(m, d):
    if m is not None:
        return f"(filed + INTERVAL {m} MONTH)::DATE"
    return f"filed + {d}"


def build_sql(pf, pt, ppf, ppt):
    ratio = lambda n, d: f"CASE WHEN ({d}) = 0 THEN NULL ELSE ({n})::DOUBLE / ({d}) END"
    return f"""
    CREATE OR REPLACE TEMP TABLE periods AS
      SELECT pid, pf, pt, (pt - INTERVAL 36 MONTH)::DATE AS p36 FROM (VALUES
        (0, DATE '{pf}', DATE '{pt}'), (1, DATE '{ppf}', DATE '{ppt}')) v(pid, pf, pt);

    CREATE OR REPLACE TEMP TABLE groups AS
      WITH courts AS (SELECT court AS code, mode(court_name) AS name FROM cases
                      WHERE court IS NOT NULL GROUP BY court),
      cities AS (SELECT DISTINCT CASE WHEN length(code) = 5 THEN left(code, 3) ELSE code END AS code
                 FROM courts WHERE code <> '最高法' AND length(code) IN (3, 5)),
      provs AS (SELECT DISTINCT left(code, 1) AS code FROM courts WHERE code <> '最高法')
      SELECT row_number() OVER () AS gid, * FROM (
        SELECT 'court' AS kind, code, NULL AS court, name FROM courts
        UNION ALL SELECT 'city', c.code, NULL, replace(m.name, '中级人民法院', '全市法院')
          FROM cities c LEFT JOIN courts m USING (code)
        UNION ALL SELECT 'province', p.code, NULL, replace(h.name, '高级人民法院', '全省法院')
          FROM provs p LEFT JOIN courts h USING (code)
        UNION ALL SELECT DISTINCT 'judge', judge, court, NULL FROM cases
          WHERE court IS NOT NULL AND judge IS NOT NULL);

    CREATE OR REPLACE TEMP TABLE membership AS
      SELECT c.id, g.gid FROM cases c JOIN groups g ON c.court IS NOT NULL AND (
           (g.kind = 'court' AND g.code = c.court)
        OR (g.kind = 'judge' AND g.court = c.court AND g.code = c.judge))
      UNION ALL
      SELECT c.id, g.gid FROM cases c JOIN groups g ON g.kind = 'city'
        AND c.court <> '最高法' AND length(c.court) IN (3, 5) AND g.code = left(c.court, 3)
      UNION ALL
      SELECT c.id, g.gid FROM cases c JOIN groups g ON g.kind = 'province'
        AND c.court <> '最高法' AND g.code = left(c.court, 1);

    -- direct-link aggregates per parent case (links over the whole data set)
    CREATE OR REPLACE TEMP TABLE edges AS
      SELECT p.id AS parent, ch.id AS child, ch.cls, ch.filed, ch.closed, ch.disp
      FROM cases ch JOIN cases p ON ch.origin = p.cn;
    CREATE OR REPLACE TEMP TABLE linkagg AS
      SELECT parent AS id,
        min(filed) FILTER (WHERE cls = 'appeal') AS app_filed,
        min(filed) FILTER (WHERE cls IN ('appeal', 'retrial', 'retrial_review')) AS rev_filed,
        min(closed) FILTER (WHERE cls = 'appeal' AND disp IN ('改判', '发回重审')) AS revd_closed
      FROM edges GROUP BY parent;

    -- case chains: every descendant of every root candidate, any depth, each case once per chain
    CREATE OR REPLACE TEMP TABLE chain AS
      WITH RECURSIVE cl(root, node) AS (
        SELECT c.id, c.id FROM cases c, periods p
          WHERE c.t IN {FIRST} AND c.filed BETWEEN p.pf AND p.pt
        UNION
        SELECT cl.root, e.child FROM cl JOIN edges e ON e.parent = cl.node)
      SELECT p.pid, cl.root AS id, count(*) AS size
      FROM cl JOIN cases r ON r.id = cl.root JOIN cases m ON m.id = cl.node
           JOIN periods p ON r.filed BETWEEN p.pf AND p.pt AND m.filed <= p.pt
      GROUP BY ALL;

    CREATE OR REPLACE TEMP TABLE flags AS
      SELECT p.pid, c.id,
        c.filed BETWEEN p.pf AND p.pt AS f_filed,
        c.filed < p.pf AND (c.closed IS NULL OR c.closed >= p.pf) AS f_carried,
        coalesce(c.closed BETWEEN p.pf AND p.pt, false) AS f_closed,
        c.filed <= p.pt AND (c.closed IS NULL OR c.closed > p.pt) AS f_pending,
        c.cls NOT IN {NONTRIAL} AS trial,
        c.cls = 'enforcement' AS enf,
        c.t IN {FIRST} AS fi,
        c.cls, c.t, c.disp, c.judge, c.court, c.filed, c.closed, c.susp, c.hasprop,
        c.applied, c.recovered,
        c.deadline,
        p.pt, p.p36,
        coalesce(l.app_filed <= p.pt, false) AS has_appeal,
        coalesce(l.rev_filed <= p.pt, false) AS has_review,
        coalesce(l.revd_closed <= p.pt, false) AS was_reversed,
        ch.size AS chain_size
      FROM (SELECT *, {limit_sql()} + ext + susp AS deadline FROM cases) c
      CROSS JOIN periods p
      LEFT JOIN linkagg l ON l.id = c.id
      LEFT JOIN chain ch ON ch.pid = p.pid AND ch.id = c.id
      WHERE c.court IS NOT NULL;

    CREATE OR REPLACE TEMP TABLE agg AS
      SELECT m.gid, f.pid,
        count_if(f_filed) AS filed,
        count_if(f_carried) AS carried_over,
        count_if(f_closed) AS closed,
        count_if(f_pending) AS pending,
        count(DISTINCT CASE WHEN f_closed AND judge IS NOT NULL THEN court || chr(1) || judge END) AS judges,
        count_if(trial AND f_filed) AS trial_filed,
        count_if(trial AND f_closed) AS trial_closed,
        count_if(trial AND f_pending) AS trial_pending,
        sum(CASE WHEN trial AND f_closed THEN closed - filed END) AS days_sum,
        sum(CASE WHEN trial AND f_closed THEN closed - filed - susp END) AS net_days_sum,
        count_if(f_closed AND deadline IS NOT NULL) AS lim_closed,
        count_if(f_closed AND deadline IS NOT NULL AND closed <= deadline) AS lim_on_time,
        count_if(trial AND f_pending AND (filed + INTERVAL 12 MONTH)::DATE < pt) AS pending_over_12m,
        count_if(trial AND f_pending AND (filed + INTERVAL 18 MONTH)::DATE < pt) AS pending_over_18m,
        count_if(trial AND f_pending AND (filed + INTERVAL 24 MONTH)::DATE < pt) AS pending_over_24m,
        count_if(trial AND f_pending AND (filed + INTERVAL 36 MONTH)::DATE < pt) AS pending_over_36m,
        count_if(cls = 'civil_first' AND f_closed) AS civ_closed,
        count_if(cls = 'civil_first' AND f_closed AND disp = '调解') AS civ_med,
        count_if(cls = 'civil_first' AND f_closed AND disp IN ('调解', '撤诉')) AS civ_medw,
        count_if(fi AND f_closed AND disp IN ('判决', '驳回起诉', '不予受理')) AS app_b,
        count_if(fi AND f_closed AND disp IN ('判决', '驳回起诉', '不予受理') AND has_appeal) AS app_a,
        count_if(fi AND f_closed) AS fi_closed,
        count_if(fi AND f_closed AND has_review) AS fi_reviewed,
        count_if(fi AND f_closed AND was_reversed) AS fi_reversed,
        count_if(cls = 'appeal' AND f_closed) AS ap_closed,
        count_if(cls = 'appeal' AND f_closed AND disp IN ('改判', '发回重审')) AS ap_rev,
        count_if(fi AND f_filed) AS roots,
        sum(CASE WHEN fi AND f_filed THEN chain_size END) AS chain_sum,
        count_if(enf AND f_filed) AS enf_filed,
        count_if(enf AND f_carried) AS enf_carried_over,
        count_if(enf AND f_closed) AS enf_closed,
        count_if(enf AND f_pending) AS enf_pending,
        count_if(enf AND f_closed AND disp = '执行完毕') AS enf_done,
        coalesce(sum(CASE WHEN enf AND f_closed THEN coalesce(recovered, 0) END), 0) AS recovered_amount,
        sum(CASE WHEN enf AND f_closed AND applied > 0 THEN coalesce(recovered, 0) END) AS rec_num,
        sum(CASE WHEN enf AND f_closed AND applied > 0 THEN applied END) AS rec_den,
        count_if(t = '执' AND f_closed) AS first_enf_closed,
        count_if(t = '执' AND f_closed AND disp = '终结本次执行程序') AS first_enf_term,
        count_if(enf AND f_closed AND hasprop) AS prop_f,
        count_if(enf AND f_closed AND hasprop AND disp = '执行完毕' AND closed <= deadline) AS prop_e,
        count_if(enf AND filed > p36 AND filed <= pt) AS y3_den,
        count_if(enf AND filed > p36 AND filed <= pt AND closed <= pt) AS y3_num
      FROM flags f JOIN membership m ON m.id = f.id
      GROUP BY ALL;

    CREATE OR REPLACE TEMP TABLE vals AS
      SELECT g.gid, g.kind, g.code, g.court, g.name, a.pid,
        filed, carried_over, carried_over + filed AS accepted, closed, pending,
        {ratio('closed', 'carried_over + filed')} AS closure_rate,
        {ratio('closed', 'filed')} AS clearance_rate,
        {ratio('closed', 'judges')} AS closed_per_judge,
        trial_filed, trial_closed, trial_pending,
        {ratio('days_sum', 'trial_closed')} AS avg_days,
        {ratio('net_days_sum', 'trial_closed')} AS avg_net_days,
        {ratio('lim_on_time', 'lim_closed')} AS on_time_rate,
        pending_over_12m, pending_over_18m, pending_over_24m, pending_over_36m,
        {ratio('pending_over_12m', 'trial_pending')} AS over_12m_ratio,
        {ratio('civ_med', 'civ_closed')} AS mediation_rate,
        {ratio('civ_medw', 'civ_closed')} AS mediation_withdrawal_rate,
        {ratio('app_a', 'app_b')} AS appeal_rate,
        CASE WHEN fi_closed = 0 THEN NULL ELSE 1 - fi_reviewed::DOUBLE / fi_closed END
          AS first_instance_acceptance_rate,
        {ratio('ap_rev', 'ap_closed')} AS appeal_reversal_rate,
        {ratio('fi_reversed', 'fi_closed')} AS first_instance_reversed_rate,
        {ratio('chain_sum', 'roots')} AS case_chain_ratio,
        enf_filed, enf_carried_over, enf_carried_over + enf_filed AS enf_accepted, enf_closed, enf_pending,
        {ratio('enf_closed', 'enf_carried_over + enf_filed')} AS enf_closure_rate,
        {ratio('enf_done', 'enf_closed')} AS actual_execution_rate,
        recovered_amount::DOUBLE AS recovered_amount,
        CASE WHEN coalesce(rec_den, 0) = 0 THEN NULL ELSE rec_num::DOUBLE / rec_den::DOUBLE END AS recovery_rate,
        {ratio('first_enf_term', 'first_enf_closed')} AS first_enf_terminal_rate,
        {ratio('prop_e', 'prop_f')} AS core_property_on_time_rate,
        {ratio('y3_num', 'y3_den')} AS core_three_year_rate,
        NULL::DOUBLE AS core_terminal_compliance,
        NULL::DOUBLE AS core_petition_rate
      FROM agg a JOIN groups g USING (gid);

    CREATE OR REPLACE TEMP TABLE ranks AS
      SELECT gid, {", ".join(
          f"CASE WHEN {i} IS NULL THEN NULL ELSE rank() OVER (PARTITION BY left(code, 1) "
          f"ORDER BY {i} {'DESC' if i in HIGHER_BETTER else 'ASC'} NULLS LAST) END AS {i}"
          for i in RANKED)}
      FROM vals WHERE kind = 'city' AND pid = 0;
    """


def run_query(con, pf, pt, ppf, ppt):
    con.execute(build_sql(pf, pt, ppf, ppt))
    vals = con.execute(f"SELECT gid, kind, code, court, name, pid, {', '.join(IDS)} FROM vals "
                       "ORDER BY gid, pid").fetchall()
    ranks = con.execute(f"SELECT gid, {', '.join(RANKED)} FROM ranks").fetchall()
    return vals, ranks


def to_json(vals, ranks, pf, pt, ppf, ppt):
    groups = {}
    for row in vals:
        gid, kind, code, court, name, pid = row[:6]
        g = groups.setdefault(gid, {"kind": kind, "code": code})
        if kind == "judge":
            g["court"] = court
        if name:
            g["name"] = name
        v = {}
        for k, x in zip(IDS, row[6:]):
            if isinstance(x, float) and math.isnan(x):
                x = None
            v[k] = x
        g["values" if pid == 0 else "previous"] = v
        g["unavailable"] = dict(UNAVAILABLE)
    prov_vals = {g["code"]: g["values"] for g in groups.values() if g["kind"] == "province"}
    for gid, *r in ranks:
        g = groups[gid]
        g["province_values"] = prov_vals.get(g["code"][0])
        g["rank"] = dict(zip(RANKED, r))
    return {"period": {"from": str(pf), "to": str(pt)},
            "previous_period": {"from": str(ppf), "to": str(ppt)},
            "groups": list(groups.values())}


# ---------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------
def same(a, b):
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, int) and isinstance(b, int):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a == b:
            return True
        return abs(a - b) <= 1e-9 * max(abs(a), abs(b))
    return a == b


def compare(mine, ours_path):
    ours = json.load(open(ours_path, encoding="utf-8"))
    diffs, counts = [], {}

    def add(where, key, m, o):
        counts[key] = counts.get(key, 0) + 1
        diffs.append(f"{where} {key}: duckdb={m!r} ours={o!r}")

    for k in ("period", "previous_period"):
        if mine[k] != ours.get(k):
            add("", k, mine[k], ours.get(k))
    gk = lambda g: (g["kind"], g["code"], g.get("court"))
    M = {gk(g): g for g in mine["groups"]}
    O = {gk(g): g for g in ours["groups"]}
    for k in sorted(set(M) - set(O), key=str):
        add(f"group {k}", "<group missing in ours>", True, None)
    for k in sorted(set(O) - set(M), key=str):
        add(f"group {k}", "<group missing in duckdb>", None, True)
    name_diffs = 0
    for k in sorted(set(M) & set(O), key=str):
        m, o = M[k], O[k]
        where = "/".join(x for x in (k[0], k[2], k[1]) if x)
        if m.get("name") and o.get("name") and m["name"] != o["name"]:
            name_diffs += 1
        sections = ["values", "previous"]
        if k[0] == "city":
            sections += ["province_values", "rank"]
        for sec in sections:
            ms, os_ = m.get(sec) or {}, o.get(sec)
            if os_ is None:
                add(where, f"<{sec} missing in ours>", True, None)
                continue
            for i in sorted(set(ms) | set(os_)):
                if i not in os_ or i not in ms:
                    add(f"{where} {sec}", i + (" <missing in ours>" if i not in os_ else " <missing in duckdb>"),
                        ms.get(i), os_.get(i))
                elif not same(ms[i], os_[i]):
                    add(f"{where} {sec}", i if sec == "values" else f"{sec}.{i}", ms[i], os_[i])
        if set((m.get("unavailable") or {})) != set((o.get("unavailable") or {})):
            add(where, "unavailable", sorted(m.get("unavailable") or {}), sorted(o.get("unavailable") or {}))
    print(f"compare: {len(M)} duckdb groups, {len(O)} ours groups, {len(diffs)} differences"
          + (f" (court/city/province names differ in {name_diffs} groups; names are informational)" if name_diffs else ""))
    for d in diffs[:30]:
        print("  " + d)
    if counts:
        print("differences per indicator:")
        for k, n in sorted(counts.items(), key=lambda x: -x[1]):
            print(f"  {k}: {n}")
    return len(diffs)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("csv")
    ap.add_argument("--from", dest="pf", required=True, type=dt.date.fromisoformat)
    ap.add_argument("--to", dest="pt", required=True, type=dt.date.fromisoformat)
    ap.add_argument("--json")
    ap.add_argument("--compare")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0, help="DuckDB threads (default: DuckDB's choice)")
    a = ap.parse_args()
    ppf, ppt = minus_one_year(a.pf), minus_one_year(a.pt)

    con = duckdb.connect(":memory:")
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    load_t, query_t = [], []
    for _ in range(max(1, a.repeat)):
        t0 = time.perf_counter()
        n, unparsed, legacy = load(con, a.csv)
        load_t.append(time.perf_counter() - t0)
    for _ in range(max(1, a.repeat)):
        t0 = time.perf_counter()
        vals, ranks = run_query(con, a.pf, a.pt, ppf, ppt)
        query_t.append(time.perf_counter() - t0)
    out = to_json(vals, ranks, a.pf, a.pt, ppf, ppt)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kinds = {}
    for g in out["groups"]:
        kinds[g["kind"]] = kinds.get(g["kind"], 0) + 1
    print(f"cases: {n} (legacy 字第: {legacy}, unparsed type code: {unparsed}); groups: {kinds}")
    print(f"P = {a.pf}..{a.pt}, P' = {ppf}..{ppt}")
    print(f"load  time: {min(load_t):.3f} s (best of {len(load_t)})")
    print(f"query time: {min(query_t):.3f} s (best of {len(query_t)}; both periods, all groups, ranks)")
    print(f"peak RSS: {rss_kb / 1024:.1f} MiB")
    if a.json:
        with open(a.json, "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=1)
    if a.compare:
        sys.exit(1 if compare(out, a.compare) else 0)


if __name__ == "__main__":
    main()
