//! The report: values over P and P' for every group, year-on-year changes, bands against
//! reference intervals, the province comparison of cities, and the contract's JSON.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde_json::{Map, Value as Json, json};

use crate::catalogue::{Band, Catalogue};
use crate::engine::{Partial, aggregate, aggregate_listed, default_partitions, derive_values};
use crate::indicator::{Direction, IndicatorId};
use crate::period::Period;
use crate::snapshot::{GroupKey, Snapshot};
use crate::value::{Change, Value};

/// Every indicator of every group over P and P'.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsReport {
    pub period: Period,
    pub previous_period: Period,
    /// Provinces, then cities, then courts, then judges; each kind sorted by code text
    /// (judges by their court's code text, then judge text).
    pub groups: Vec<GroupReport>,
    /// The ids with a direction (ranked), in table order.
    pub ranked: Vec<IndicatorId>,
}

/// One group's values. Every vector is indexed like [`IndicatorId::ALL`].
#[derive(Debug, Clone, PartialEq)]
pub struct GroupReport {
    pub key: GroupKey,
    pub name: Option<String>,
    /// Over P.
    pub values: Vec<Value>,
    /// Over P'.
    pub previous: Vec<Value>,
    /// Year on year, P against P'.
    pub change: Vec<Option<Change>>,
    /// Against the configured reference interval, when one applies.
    pub band: Vec<Option<Band>>,
    /// For cities only: the comparison with their province.
    pub province: Option<ProvinceComparison>,
}

/// A city against its province, over P only.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvinceComparison {
    /// The province's values (pooled).
    pub values: Vec<Value>,
    /// city − province (a fraction for ratios: 0.01 = 1 个百分点); `None` when either is undefined.
    pub difference: Vec<Option<f64>>,
    /// Rank among the province's cities (1 = best; ties share, 1, 2, 2, 4); `None` for ids
    /// without a direction and for undefined values.
    pub rank: Vec<Option<u32>>,
}

impl GroupReport {
    /// The value of `id` over P.
    pub fn value(&self, id: IndicatorId) -> &Value {
        &self.values[id.index()]
    }

    /// The value of `id` over P'.
    pub fn previous_value(&self, id: IndicatorId) -> &Value {
        &self.previous[id.index()]
    }
}

impl MetricsReport {
    /// The report of one group, if the data set has it.
    pub fn group(&self, key: &GroupKey) -> Option<&GroupReport> {
        self.groups.iter().find(|g| &g.key == key)
    }

    /// The contract's machine-readable object (indicators.md, "Machine-readable output").
    /// Keys keep the contract's order; every id appears in `values` and `previous`.
    pub fn to_json(&self) -> Json {
        let groups: Vec<Json> = self.groups.iter().map(|g| self.group_json(g)).collect();
        json!({
            "period": period_json(self.period),
            "previous_period": period_json(self.previous_period),
            "groups": groups,
        })
    }

    /// One group's object of [`MetricsReport::to_json`].
    pub fn group_json(&self, g: &GroupReport) -> Json {
        let mut object = Map::new();
        object.insert("kind".into(), g.key.kind().into());
        object.insert("code".into(), g.key.code().into());
        if let GroupKey::Judge { court, .. } = &g.key {
            object.insert("court".into(), court.to_string().into());
        }
        if let Some(name) = &g.name {
            object.insert("name".into(), name.clone().into());
        }
        object.insert("values".into(), values_json(&g.values));
        object.insert("previous".into(), values_json(&g.previous));
        let mut unavailable = Map::new();
        for id in IndicatorId::ALL {
            if let Value::Unavailable(reason) = g.values[id.index()] {
                unavailable.insert(id.as_str().into(), reason.into());
            }
        }
        object.insert("unavailable".into(), Json::Object(unavailable));
        if let Some(p) = &g.province {
            object.insert("province_values".into(), values_json(&p.values));
            let mut rank = Map::new();
            for id in &self.ranked {
                rank.insert(id.as_str().into(), p.rank[id.index()].map_or(Json::Null, Json::from));
            }
            object.insert("rank".into(), Json::Object(rank));
        }
        Json::Object(object)
    }
}

/// `{"from", "to"}` of a period, as [`MetricsReport::to_json`] writes it.
pub fn period_json(p: Period) -> Json {
    json!({"from": p.from().to_string(), "to": p.to().to_string()})
}

fn values_json(values: &[Value]) -> Json {
    let mut map = Map::new();
    for id in IndicatorId::ALL {
        map.insert(id.as_str().into(), values[id.index()].to_json());
    }
    Json::Object(map)
}

/// Every indicator for every group over `period` and its previous-year period, with the
/// default catalogue.
pub fn compute(snapshot: &Snapshot, period: Period) -> MetricsReport {
    compute_with(snapshot, period, Catalogue::builtin())
}

/// As [`compute`], with a court's catalogue (scopes, directions, reference intervals, judge
/// roster).
pub fn compute_with(snapshot: &Snapshot, period: Period, catalogue: &Catalogue) -> MetricsReport {
    compute_with_partitions(snapshot, period, catalogue, default_partitions())
}

/// A judge roster (员额法官名册): the configured number of judges of a group. Where a group has
/// one, it replaces J of closed_per_judge (over P and P'); a roster of 0 makes the value
/// undefined. Groups without an entry keep J = distinct judges who closed a case.
pub type Roster = BTreeMap<GroupKey, u32>;

/// As [`compute_with`], with a judge roster laid over the catalogue's own (`[[roster]]`).
pub fn compute_with_roster(
    snapshot: &Snapshot,
    period: Period,
    catalogue: &Catalogue,
    roster: &Roster,
) -> MetricsReport {
    let mut merged = catalogue.roster().clone();
    merged.extend(roster.iter().map(|(k, v)| (k.clone(), *v)));
    compute_full(snapshot, period, catalogue, &merged, default_partitions())
}

/// As [`compute_with`], aggregating the rows in `partitions` threads (at least 1). The result
/// does not depend on `partitions`.
pub fn compute_with_partitions(
    snapshot: &Snapshot,
    period: Period,
    catalogue: &Catalogue,
    partitions: usize,
) -> MetricsReport {
    compute_full(snapshot, period, catalogue, catalogue.roster(), partitions)
}

fn compute_full(
    snapshot: &Snapshot,
    period: Period,
    catalogue: &Catalogue,
    roster: &Roster,
    partitions: usize,
) -> MetricsReport {
    let now = aggregate(snapshot, period, partitions);
    let before = aggregate(snapshot, period.previous_year(), partitions);
    report_from_partials(snapshot, period, catalogue, roster, &now, &before)
}

/// The report of `period` from the merged partials of P and P′ (see [`LiveReport`]).
fn report_from_partials(
    snapshot: &Snapshot,
    period: Period,
    catalogue: &Catalogue,
    roster: &Roster,
    partial_now: &Partial,
    partial_before: &Partial,
) -> MetricsReport {
    let previous_period = period.previous_year();
    let mut roster_by_gid = vec![None; snapshot.group_count()];
    for (key, count) in roster {
        if let Some(gid) = snapshot.group_id(key) {
            roster_by_gid[gid] = Some(*count);
        }
    }
    let now = derive_values(snapshot, catalogue, partial_now, &roster_by_gid);
    let before = derive_values(snapshot, catalogue, partial_before, &roster_by_gid);
    let ranked: Vec<IndicatorId> =
        IndicatorId::ALL.into_iter().filter(|id| catalogue.entry(*id).direction != Direction::None).collect();

    let mut groups: Vec<GroupReport> = (0..snapshot.group_count())
        .map(|gid| {
            let values = &now[gid];
            let previous = &before[gid];
            GroupReport {
                key: snapshot.group_key(gid),
                name: snapshot.group_name(gid).map(str::to_owned),
                change: IndicatorId::ALL
                    .iter()
                    .map(|id| values[id.index()].change_since(&previous[id.index()], id.unit().changes_as_percentage()))
                    .collect(),
                band: IndicatorId::ALL
                    .iter()
                    .map(|id| {
                        let v = values[id.index()].as_f64()?;
                        catalogue.entry(*id).band(v, period.to())
                    })
                    .collect(),
                values: values.clone(),
                previous: previous.clone(),
                province: None,
            }
        })
        .collect();

    // Cities against their province, over P.
    let city_ids: Vec<usize> = (0..groups.len()).filter(|&g| matches!(groups[g].key, GroupKey::City(_))).collect();
    for &gid in &city_ids {
        let GroupKey::City(city) = groups[gid].key else {
            continue;
        };
        let Some(province_gid) = city.province_code().and_then(|p| snapshot.group_id(&GroupKey::Province(p))) else {
            continue;
        };
        let peers: Vec<usize> = city_ids
            .iter()
            .copied()
            .filter(|&other| matches!(groups[other].key, GroupKey::City(c) if c.province() == city.province()))
            .collect();
        let province_values = now[province_gid].clone();
        let difference = IndicatorId::ALL
            .iter()
            .map(|id| Some(now[gid][id.index()].as_f64()? - province_values[id.index()].as_f64()?))
            .collect();
        let rank = IndicatorId::ALL
            .iter()
            .map(|id| {
                let direction = catalogue.entry(*id).direction;
                if direction == Direction::None {
                    return None;
                }
                let mine = &now[gid][id.index()];
                mine.compare(mine)?;
                let better = peers
                    .iter()
                    .filter(|&&other| {
                        let ordering = now[other][id.index()].compare(mine);
                        match direction {
                            Direction::Higher => ordering == Some(Ordering::Greater),
                            Direction::Lower => ordering == Some(Ordering::Less),
                            Direction::None => false,
                        }
                    })
                    .count();
                Some(better as u32 + 1)
            })
            .collect();
        groups[gid].province = Some(ProvinceComparison { values: province_values, difference, rank });
    }
    MetricsReport { period, previous_period, groups, ranked }
}

/// A report kept current as cases change: the merged partials of P and P′ stay with it, so a
/// change of a few rows costs their partials, not a pass over every case.
///
/// To change rows: take their partial out with [`LiveReport::take_out`] on the snapshot as it
/// was, change the snapshot, put their partial back with [`LiveReport::put_back`] on the
/// snapshot as it is now. The rows must be every row whose contribution may change: the rows
/// themselves and every ancestor through origin links, before and after (an appeal changes its
/// origin's flags and its chain root's size). When the snapshot's group tables changed (a new
/// court or judge), partials no longer line up: compute afresh.
#[derive(Debug, Clone)]
pub struct LiveReport {
    pub report: std::sync::Arc<MetricsReport>,
    now: Partial,
    before: Partial,
}

impl LiveReport {
    /// The report of `period` with the catalogue's roster, computed over every row.
    pub fn compute(snapshot: &Snapshot, period: Period, catalogue: &Catalogue) -> LiveReport {
        let partitions = default_partitions();
        let now = aggregate(snapshot, period, partitions);
        let before = aggregate(snapshot, period.previous_year(), partitions);
        let report = report_from_partials(snapshot, period, catalogue, catalogue.roster(), &now, &before);
        LiveReport { report: std::sync::Arc::new(report), now, before }
    }

    /// Whether the partials are laid out for `snapshot`'s groups.
    pub fn fits(&self, snapshot: &Snapshot) -> bool {
        self.now.group_count() == snapshot.group_count()
    }

    /// Takes the contributions of `rows` (on the snapshot before the change) out.
    pub fn take_out(&mut self, snapshot: &Snapshot, rows: &[usize]) {
        let period = self.report.period;
        self.now.subtract(&aggregate_listed(snapshot, period, rows));
        self.before.subtract(&aggregate_listed(snapshot, period.previous_year(), rows));
    }

    /// Puts the contributions of `rows` (on the snapshot after the change) back and derives the
    /// report again.
    pub fn put_back(&mut self, snapshot: &Snapshot, rows: &[usize], catalogue: &Catalogue) {
        let period = self.report.period;
        self.now.merge(&aggregate_listed(snapshot, period, rows));
        self.before.merge(&aggregate_listed(snapshot, period.previous_year(), rows));
        let report = report_from_partials(snapshot, period, catalogue, catalogue.roster(), &self.now, &self.before);
        self.report = std::sync::Arc::new(report);
    }
}
