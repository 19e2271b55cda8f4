//! 增量更新 changing a snapshot in place: one case replaced or added, origin links set, group
//! names refreshed — without rebuilding the columns. A case of a court or judge the snapshot
//! has not seen inserts the group into the sorted tables and remaps the two group columns
//! (O(cases), milliseconds at a million). The result equals a snapshot built from scratch from
//! the same cases in the same row order (property-tested).

use std::collections::HashMap;

use xiezhi_domain::{CaseFacts, CourtCode, Date, TypeCode};

use crate::snapshot::{BLANK, GroupNames, NO_LIMIT, NONE, PENDING, Snapshot};

/// The column values of one case (what [`crate::SnapshotBuilder`] pushes).
struct Cells {
    type_code: u8,
    procedure: u8,
    disposition: u8,
    has_property: bool,
    filed: i32,
    closed: i32,
    deadline: i32,
    extension_days: u32,
    suspended_days: u32,
    applied: i64,
    recovered: i64,
}

impl Cells {
    fn of(facts: &CaseFacts, deadline: Option<Date>) -> Cells {
        Cells {
            type_code: facts.case_number.type_code().index(),
            procedure: facts.procedure.map_or(BLANK, |p| p as u8),
            disposition: facts.disposition.map_or(BLANK, |d| d as u8),
            has_property: facts.has_property == Some(true),
            filed: facts.filed_on.day_number(),
            closed: facts.closed_on.map_or(PENDING, |d| d.day_number()),
            deadline: deadline.map_or(NO_LIMIT, Date::day_number),
            extension_days: facts.extension_days,
            suspended_days: facts.suspended_days,
            applied: facts.applied_amount.map_or(0, |a| a.ten_thousandths()),
            recovered: facts.recovered_amount.map_or(0, |a| a.ten_thousandths()),
        }
    }
}

impl Snapshot {
    /// Replaces the case in row `row` (its facts and deadline; its origin link is set with
    /// [`Snapshot::set_origins`]).
    pub fn set_case(&mut self, row: usize, facts: &CaseFacts, deadline: Option<Date>, names: &GroupNames) {
        let (court, judge) = self.group_ids(facts, names);
        let c = Cells::of(facts, deadline);
        self.court[row] = court;
        self.judge[row] = judge;
        self.type_code[row] = c.type_code;
        self.procedure[row] = c.procedure;
        self.disposition[row] = c.disposition;
        self.has_property[row] = c.has_property;
        self.filed[row] = c.filed;
        self.closed[row] = c.closed;
        self.deadline[row] = c.deadline;
        self.extension_days[row] = c.extension_days;
        self.suspended_days[row] = c.suspended_days;
        self.applied[row] = c.applied;
        self.recovered[row] = c.recovered;
    }

    /// Adds a case as the last row (no origin link yet); returns its row.
    pub fn push_case(&mut self, facts: &CaseFacts, deadline: Option<Date>, names: &GroupNames) -> usize {
        let (court, judge) = self.group_ids(facts, names);
        let c = Cells::of(facts, deadline);
        let row = self.court.len();
        assert!(row < NONE as usize - 1, "fewer than 2^32 - 1 cases per snapshot");
        self.court.push(court);
        self.judge.push(judge);
        self.type_code.push(c.type_code);
        self.procedure.push(c.procedure);
        self.disposition.push(c.disposition);
        self.has_property.push(c.has_property);
        self.filed.push(c.filed);
        self.closed.push(c.closed);
        self.deadline.push(c.deadline);
        self.extension_days.push(c.extension_days);
        self.suspended_days.push(c.suspended_days);
        self.applied.push(c.applied);
        self.recovered.push(c.recovered);
        self.origin.push(NONE);
        let end = *self.child_start.last().expect("child_start has n + 1 entries");
        self.child_start.push(end);
        row
    }

    /// Sets what row `row`'s enforcement events say: a 终本核查 recorded (`checked`), a 终本
    /// closing that passes the gate (`terminal_ok`), its petitions (received, resolved).
    pub fn set_enforcement(
        &mut self,
        row: usize,
        checked: bool,
        terminal_ok: bool,
        petitions: &[(Date, Option<Date>)],
    ) {
        let r = row as u32;
        if checked {
            self.record.checked.insert(r);
        } else {
            self.record.checked.remove(&r);
        }
        if terminal_ok {
            self.record.terminal_ok.insert(r);
        } else {
            self.record.terminal_ok.remove(&r);
        }
        if petitions.is_empty() {
            self.record.petitions.remove(&r);
        } else {
            let list = petitions
                .iter()
                .map(|(a, b)| (a.day_number(), b.map_or(crate::snapshot::PENDING, Date::day_number)))
                .collect();
            self.record.petitions.insert(r, list);
        }
    }

    /// Whether any 终本核查 is recorded (core_terminal_compliance is available).
    pub fn has_terminal_checks(&self) -> bool {
        !self.record.checked.is_empty()
    }

    /// Whether any 执行信访 is recorded (core_petition_rate is available).
    pub fn has_petitions(&self) -> bool {
        !self.record.petitions.is_empty()
    }

    /// Sets origin links (row → the row of its 原审/执行依据案号, or none) and rebuilds the
    /// inverse child lists once — only when a link changed (a new case without an origin, the
    /// common registration, changes none: rebuilding is O(cases)).
    pub fn set_origins(&mut self, links: &[(usize, Option<usize>)]) {
        let mut changed = false;
        for &(row, origin) in links {
            let value = origin.map_or(NONE, |o| o as u32);
            if self.origin[row] != value {
                self.origin[row] = value;
                changed = true;
            }
        }
        if changed {
            self.rebuild_children();
        }
    }

    /// The CSR inverse of `origin`.
    pub(crate) fn rebuild_children(&mut self) {
        let n = self.origin.len();
        let mut child_start = vec![0u32; n + 1];
        for &o in &self.origin {
            if o != NONE {
                child_start[o as usize + 1] += 1;
            }
        }
        for i in 0..n {
            child_start[i + 1] += child_start[i];
        }
        let mut fill = child_start.clone();
        let mut children = vec![0u32; child_start[n] as usize];
        for (row, &o) in self.origin.iter().enumerate() {
            if o != NONE {
                children[fill[o as usize] as usize] = row as u32;
                fill[o as usize] += 1;
            }
        }
        self.child_start = child_start;
        self.children = children;
    }

    /// Display names of every group from `names` (after a court was renamed); groups `names`
    /// does not name keep theirs.
    pub fn refresh_names(&mut self, names: &GroupNames) {
        let (p, c, k) = (self.provinces.len(), self.cities.len(), self.courts.len());
        for (i, code) in self.provinces.iter().enumerate() {
            if let Some(n) = names.provinces.get(code) {
                self.names[i] = Some(n.clone());
            }
        }
        for (i, code) in self.cities.iter().enumerate() {
            if let Some(n) = names.cities.get(code) {
                self.names[p + i] = Some(n.clone());
            }
        }
        for (i, code) in self.courts.iter().enumerate() {
            if let Some(n) = names.courts.get(code) {
                self.names[p + c + i] = Some(n.clone());
            }
        }
        let _ = k;
    }

    /// The court and judge ids of a case, adding its groups when they are new.
    fn group_ids(&mut self, facts: &CaseFacts, names: &GroupNames) -> (u32, u32) {
        let Some(code) = facts.case_number.court() else {
            return (NONE, NONE);
        };
        let judge_text = facts.judge.as_deref().filter(|t| !t.trim().is_empty());
        let court = match self.court_position(code) {
            Some(i) => i,
            None => {
                let name = facts.court_name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
                self.insert_groups(Some((code, name)), None, names);
                self.court_position(code).expect("just inserted")
            }
        };
        let Some(text) = judge_text else {
            return (court, NONE);
        };
        let judge = match self.judge_position(court, text) {
            Some(j) => j,
            None => {
                self.insert_groups(None, Some((code, text.into())), names);
                let court = self.court_position(code).expect("present");
                return (court, self.judge_position(court, text).expect("just inserted"));
            }
        };
        (court, judge)
    }

    fn court_position(&self, code: CourtCode) -> Option<u32> {
        let key = code.to_string();
        self.courts.binary_search_by(|c| c.to_string().cmp(&key)).ok().map(|i| i as u32)
    }

    fn judge_position(&self, court: u32, text: &str) -> Option<u32> {
        self.judges.binary_search_by(|(c, t)| (*c, &**t).cmp(&(court, text))).ok().map(|i| i as u32)
    }

    /// Adds a court (with the cities and provinces it implies) and/or a judge to the sorted
    /// group tables, and remaps the court and judge columns to the new positions.
    fn insert_groups(
        &mut self,
        court: Option<(CourtCode, Option<String>)>,
        judge: Option<(CourtCode, Box<str>)>,
        names: &GroupNames,
    ) {
        let (p, c) = (self.provinces.len(), self.cities.len());
        // The current names of courts (from the cases or the courts table).
        let mut court_names: HashMap<CourtCode, Option<String>> =
            self.courts.iter().enumerate().map(|(i, code)| (*code, self.names[p + c + i].clone())).collect();
        let old_courts = self.courts.clone();
        let old_judges: Vec<(CourtCode, Box<str>)> =
            self.judges.iter().map(|(ci, t)| (old_courts[*ci as usize], t.clone())).collect();
        let mut courts: Vec<CourtCode> = old_courts.clone();
        if let Some((code, name)) = court {
            courts.push(code);
            court_names.insert(code, name);
        }
        let sorted = |codes: Vec<CourtCode>| {
            let mut keyed: Vec<(String, CourtCode)> = codes.into_iter().map(|c| (c.to_string(), c)).collect();
            keyed.sort();
            keyed.dedup();
            keyed.into_iter().map(|(_, c)| c).collect::<Vec<_>>()
        };
        let courts = sorted(courts);
        let cities = sorted(courts.iter().filter_map(|c| c.city()).collect());
        let provinces = sorted(courts.iter().filter_map(|c| c.province_code()).collect());
        let position = |list: &[CourtCode], code: CourtCode| list.iter().position(|&x| x == code).map(|i| i as u32);
        let court_remap: Vec<u32> =
            old_courts.iter().map(|c| position(&courts, *c).expect("old courts are kept")).collect();
        let mut judge_keys: Vec<(u32, Box<str>)> =
            old_judges.iter().map(|(code, t)| (position(&courts, *code).expect("kept"), t.clone())).collect();
        if let Some((code, text)) = judge {
            judge_keys.push((position(&courts, code).expect("the judge's court is in the table"), text));
        }
        let mut order: Vec<usize> = (0..judge_keys.len()).collect();
        order.sort_by(|&a, &b| judge_keys[a].cmp(&judge_keys[b]));
        let mut judge_remap = vec![0u32; old_judges.len()];
        for (new, &old) in order.iter().enumerate() {
            if old < old_judges.len() {
                judge_remap[old] = new as u32;
            }
        }
        let judges: Vec<(u32, Box<str>)> = order.iter().map(|&i| judge_keys[i].clone()).collect();
        for v in self.court.iter_mut() {
            if *v != NONE {
                *v = court_remap[*v as usize];
            }
        }
        for v in self.judge.iter_mut() {
            if *v != NONE {
                *v = judge_remap[*v as usize];
            }
        }
        let mut group_names: Vec<Option<String>> =
            Vec::with_capacity(provinces.len() + cities.len() + courts.len() + judges.len());
        group_names.extend(provinces.iter().map(|code| names.provinces.get(code).cloned()));
        group_names.extend(cities.iter().map(|code| names.cities.get(code).cloned()));
        group_names.extend(
            courts
                .iter()
                .map(|code| names.courts.get(code).cloned().or_else(|| court_names.get(code).cloned().flatten())),
        );
        group_names.extend(judges.iter().map(|_| None));
        self.court_city =
            courts.iter().map(|code| code.city().and_then(|x| position(&cities, x)).unwrap_or(NONE)).collect();
        self.court_province = courts
            .iter()
            .map(|code| code.province_code().and_then(|x| position(&provinces, x)).unwrap_or(NONE))
            .collect();
        self.provinces = provinces;
        self.cities = cities;
        self.courts = courts;
        self.judges = judges;
        self.names = group_names;
    }

    /// The type code of row `row`.
    pub fn type_code_of(&self, row: usize) -> Option<TypeCode> {
        TypeCode::from_index(self.type_code[row])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use xiezhi_domain::{CaseNumber, Disposition};

    use super::*;
    use crate::codec::{Reader, Writer};
    use crate::{Catalogue, Period, SnapshotBuilder, compute_with, imported_deadline};

    fn demo(n: u64) -> Vec<CaseFacts> {
        let config =
            xiezhi_demo::DemoConfig { cases: n, seed: 11, as_of: Date::parse_iso("2026-10-31").unwrap(), years: 3 };
        xiezhi_demo::generate(&config).collect()
    }

    fn names() -> GroupNames {
        GroupNames::from_court_names(&[("粤01".to_owned(), "广东省广州市中级人民法院".to_owned())])
    }

    /// Origin rows by text, as the builder resolves them (first row of a 案号).
    fn origins(facts: &[CaseFacts]) -> Vec<(usize, Option<usize>)> {
        let mut rows: HashMap<&str, usize> = HashMap::new();
        for (i, f) in facts.iter().enumerate() {
            rows.entry(f.case_number.as_str()).or_insert(i);
        }
        facts
            .iter()
            .enumerate()
            .map(|(i, f)| (i, f.origin_case_number.as_ref().and_then(|o| rows.get(o.as_str()).copied())))
            .collect()
    }

    #[test]
    fn updates_in_place_equal_a_rebuild() {
        let mut facts = demo(3000);
        let names = names();
        let mut snap = Snapshot::new(&facts, &names);
        // A case closed and given to a judge no case had before.
        let i = facts.iter().position(|f| f.closed_on.is_none() && f.case_number.court().is_some()).unwrap();
        facts[i].closed_on = Some(facts[i].filed_on.add_days(30));
        facts[i].disposition = Some(Disposition::Withdrawal);
        facts[i].judge = Some("新任法官甲".into());
        snap.set_case(i, &facts[i], imported_deadline(&facts[i]), &names);
        // A registered case of a court no case had before, appealing an existing case.
        let origin = facts.iter().position(|f| f.closed_on.is_some() && f.case_number.court().is_some()).unwrap();
        let mut new_case =
            CaseFacts::new(CaseNumber::parse("（2026）粤0199民初1号").unwrap(), Date::parse_iso("2026-10-01").unwrap());
        new_case.judge = Some("乙".into());
        new_case.court_name = Some("广州互联网法院（测试）".into());
        new_case.origin_case_number = Some(facts[origin].case_number.clone());
        facts.push(new_case);
        let row = snap.push_case(&facts[3000], imported_deadline(&facts[3000]), &names);
        assert_eq!(row, 3000);
        // A case that names the new case as its origin (an appeal filed after it).
        let mut appeal =
            CaseFacts::new(CaseNumber::parse("（2026）粤01民终77号").unwrap(), Date::parse_iso("2026-10-20").unwrap());
        appeal.origin_case_number = Some(facts[3000].case_number.clone());
        facts.push(appeal);
        snap.push_case(&facts[3001], imported_deadline(&facts[3001]), &names);
        let links = origins(&facts);
        snap.set_origins(&[links[3000], links[3001], links[i]]);
        let rebuilt = Snapshot::new(&facts, &names);
        assert_eq!(snap, rebuilt);
        let period =
            Period::new(Date::parse_iso("2026-01-01").unwrap(), Date::parse_iso("2026-10-31").unwrap()).unwrap();
        let catalogue = Catalogue::default();
        assert_eq!(
            compute_with(&snap, period, &catalogue).to_json(),
            compute_with(&rebuilt, period, &catalogue).to_json()
        );
    }

    #[test]
    fn encoding_round_trips_and_refuses_damage() {
        let facts = demo(500);
        let snap = Snapshot::new(&facts, &names());
        let mut w = Writer::default();
        snap.encode(&mut w);
        let mut r = Reader::new(w.bytes());
        let back = Snapshot::decode(&mut r).unwrap();
        assert!(r.is_done());
        assert_eq!(back, snap);
        // A truncated file does not decode.
        assert!(Snapshot::decode(&mut Reader::new(&w.bytes()[..w.bytes().len() - 3])).is_err());
        // Every row view decodes the facts it was built from.
        for (i, f) in facts.iter().enumerate() {
            let v = snap.row(i);
            assert_eq!((v.court, v.filed, v.closed), (f.case_number.court(), f.filed_on, f.closed_on));
            assert_eq!((v.procedure, v.disposition), (f.procedure, f.disposition));
            assert_eq!(v.judge, f.judge.as_deref().filter(|j| !j.trim().is_empty()).filter(|_| v.court.is_some()));
            assert_eq!(v.deadline, imported_deadline(f));
        }
        let mut builder = SnapshotBuilder::new();
        builder.push(&facts[0]);
        assert_eq!(builder.finish(&names()).row(0).type_code, facts[0].case_number.type_code());
    }
}
