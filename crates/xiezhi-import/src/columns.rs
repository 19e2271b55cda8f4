//! The columns of case-facts.md: English keys, accepted Chinese labels, and header mapping.

use crate::ImportError;

/// One column of the case-facts format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Column {
    CaseNumber,
    CourtName,
    Cause,
    Procedure,
    FiledOn,
    ClosedOn,
    Disposition,
    Judge,
    Department,
    ClaimAmount,
    AppliedAmount,
    RecoveredAmount,
    ExtensionDays,
    SuspendedDays,
    OriginCaseNumber,
    HasProperty,
}

impl Column {
    /// Every column, in the contract's order (also the export order).
    pub const ALL: [Column; 16] = [
        Column::CaseNumber,
        Column::CourtName,
        Column::Cause,
        Column::Procedure,
        Column::FiledOn,
        Column::ClosedOn,
        Column::Disposition,
        Column::Judge,
        Column::Department,
        Column::ClaimAmount,
        Column::AppliedAmount,
        Column::RecoveredAmount,
        Column::ExtensionDays,
        Column::SuspendedDays,
        Column::OriginCaseNumber,
        Column::HasProperty,
    ];

    /// The English key.
    pub fn key(self) -> &'static str {
        match self {
            Column::CaseNumber => "case_number",
            Column::CourtName => "court_name",
            Column::Cause => "cause",
            Column::Procedure => "procedure",
            Column::FiledOn => "filed_on",
            Column::ClosedOn => "closed_on",
            Column::Disposition => "disposition",
            Column::Judge => "judge",
            Column::Department => "department",
            Column::ClaimAmount => "claim_amount",
            Column::AppliedAmount => "applied_amount",
            Column::RecoveredAmount => "recovered_amount",
            Column::ExtensionDays => "extension_days",
            Column::SuspendedDays => "suspended_days",
            Column::OriginCaseNumber => "origin_case_number",
            Column::HasProperty => "has_property",
        }
    }

    /// The accepted Chinese labels; the first is the one written on export.
    pub fn labels(self) -> &'static [&'static str] {
        match self {
            Column::CaseNumber => &["案号"],
            Column::CourtName => &["法院", "承办法院", "法院名称"],
            Column::Cause => &["案由"],
            Column::Procedure => &["适用程序", "审理程序", "程序"],
            Column::FiledOn => &["立案日期", "收案日期"],
            Column::ClosedOn => &["结案日期"],
            Column::Disposition => &["结案方式"],
            Column::Judge => &["承办人", "承办法官"],
            Column::Department => &["承办部门", "承办庭室", "审判庭"],
            Column::ClaimAmount => &["标的额", "诉讼标的额", "标的金额"],
            Column::AppliedAmount => &["申请执行标的额", "申请执行标的", "执行标的额"],
            Column::RecoveredAmount => &["执行到位金额", "实际到位金额", "到位金额"],
            Column::ExtensionDays => &["延长审限天数", "延长天数"],
            Column::SuspendedDays => &["扣除审限天数", "扣除天数"],
            Column::OriginCaseNumber => &["原审案号", "原案号", "关联案号", "执行依据案号"],
            Column::HasProperty => &["有无财产", "有财产可供执行"],
        }
    }

    pub fn is_amount(self) -> bool {
        matches!(self, Column::ClaimAmount | Column::AppliedAmount | Column::RecoveredAmount)
    }

    pub fn is_required(self) -> bool {
        matches!(self, Column::CaseNumber | Column::FiledOn)
    }

    /// Finds the column a header cell names (key or label, after normalisation).
    fn from_header(name: &str) -> Option<Column> {
        Column::ALL.into_iter().find(|c| c.key().eq_ignore_ascii_case(name) || c.labels().contains(&name))
    }
}

/// Strips surrounding spaces, tabs and full-width spaces (U+3000), as the contract requires of
/// every cell.
pub fn trim_cell(text: &str) -> &str {
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}' || c == '\u{feff}');
    // The apostrophe that CSV exports put before a formula-like text (see
    // `export::neutralise_formula`) is Excel's text marker, not part of the value.
    match trimmed.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::export::FORMULA_STARTS) => rest,
        _ => trimmed,
    }
}

/// Where each known column sits in the file, and in which unit its amounts are.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    /// `positions[c as usize]` = index of column `c` in the row, if present.
    positions: [Option<usize>; 16],
    /// Whether the column's header says 万元.
    in_wan: [bool; 16],
    /// Header text as written, per file position (for problem reports).
    headers: Vec<String>,
    /// Header cells that name no column, as written (reported once as a warning).
    pub unknown: Vec<String>,
}

impl HeaderMap {
    /// Maps a header row. Errors: two cells naming one column, 万元 on a non-amount column,
    /// a required column missing.
    pub fn new<S: AsRef<str>>(cells: &[S]) -> Result<HeaderMap, ImportError> {
        let mut map = HeaderMap {
            positions: [None; 16],
            in_wan: [false; 16],
            headers: Vec::with_capacity(cells.len()),
            unknown: Vec::new(),
        };
        for (i, cell) in cells.iter().enumerate() {
            let written = trim_cell(cell.as_ref());
            map.headers.push(written.to_owned());
            if written.is_empty() {
                continue;
            }
            let (name, in_wan) = match strip_unit(written) {
                (name, in_wan) if Column::from_header(name).is_some() => (name, in_wan),
                _ => (written, false),
            };
            let Some(column) = Column::from_header(name) else {
                map.unknown.push(written.to_owned());
                continue;
            };
            if in_wan && !column.is_amount() {
                return Err(ImportError::WanOnNonAmount { header: written.to_owned() });
            }
            let slot = &mut map.positions[column as usize];
            if let Some(first) = *slot {
                return Err(ImportError::DuplicateColumn {
                    key: column.key(),
                    first: map.headers[first].clone(),
                    second: written.to_owned(),
                });
            }
            *slot = Some(i);
            map.in_wan[column as usize] = in_wan;
        }
        let missing: Vec<&'static str> = Column::ALL
            .into_iter()
            .filter(|c| c.is_required() && map.position(*c).is_none())
            .map(Column::key)
            .collect();
        if !missing.is_empty() {
            return Err(ImportError::MissingColumns(missing));
        }
        Ok(map)
    }

    pub fn position(&self, column: Column) -> Option<usize> {
        self.positions[column as usize]
    }

    pub fn in_wan(&self, column: Column) -> bool {
        self.in_wan[column as usize]
    }

    /// The number of cells in the header row (blank header cells included).
    pub fn width(&self) -> usize {
        self.headers.len()
    }

    /// The header of `column` as the file writes it.
    pub fn header(&self, column: Column) -> &str {
        self.position(column).map_or(column.key(), |i| &self.headers[i])
    }
}

/// Splits a unit annotation off a header: `标的额(万元)`, `标的额（万元）`, `标的额万元`,
/// `标的额（单位：万元）`, `标的额/万元`, `标的额(元)` — any bracket pair (mixed half- and
/// full-width too), an optional `单位:`, or a `/` separator. Returns the bare name and whether
/// the unit is 万元; a header with no unit comes back whole.
fn strip_unit(header: &str) -> (&str, bool) {
    let closed = header.strip_suffix([')', '）', ']', '】']);
    let body = closed.unwrap_or(header);
    let (rest, wan) = match body.strip_suffix("万元") {
        Some(rest) => (rest, true),
        None => match body.strip_suffix('元') {
            Some(rest) => (rest, false),
            None => return (header, false),
        },
    };
    let rest = trim_cell(rest);
    let rest = trim_cell(rest.strip_suffix([':', '：']).unwrap_or(rest));
    let rest = trim_cell(rest.strip_suffix("单位").unwrap_or(rest));
    let name = if closed.is_some() {
        match rest.strip_suffix(['(', '（', '[', '【']) {
            Some(name) => name,
            // A closing bracket without its opening one: not a unit annotation.
            None => return (header, false),
        }
    } else {
        rest.strip_suffix(['/', '／', '_', '-']).unwrap_or(rest)
    };
    let name = trim_cell(name);
    if name.is_empty() { (header, false) } else { (name, wan) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_keys_labels_and_units() {
        let map = HeaderMap::new(&[
            "  案号 ",
            "立案日期",
            "标的额(万元)",
            "备注",
            "申请执行标的额（万元）",
            "执行到位金额(元)",
        ])
        .unwrap();
        assert_eq!(map.position(Column::CaseNumber), Some(0));
        assert_eq!(map.position(Column::FiledOn), Some(1));
        assert!(map.in_wan(Column::ClaimAmount));
        assert!(map.in_wan(Column::AppliedAmount));
        assert!(!map.in_wan(Column::RecoveredAmount));
        assert_eq!(map.position(Column::RecoveredAmount), Some(5));
        assert_eq!(map.unknown, vec!["备注".to_owned()]);
        assert_eq!(map.header(Column::CaseNumber), "案号");
    }

    #[test]
    fn unit_annotations_in_every_usual_spelling() {
        for (header, wan) in [
            ("标的额（单位：万元）", true),
            ("标的额(单位:万元)", true),
            ("标的额/万元", true),
            ("标的额（万元)", true),
            ("标的额 (万元)", true),
            ("标的额【万元】", true),
            ("标的额万元", true),
            ("标的额（单位：元）", false),
            ("标的额/元", false),
            ("标的额", false),
        ] {
            let map = HeaderMap::new(&["案号", "立案日期", header]).unwrap();
            assert_eq!(map.position(Column::ClaimAmount), Some(2), "{header}");
            assert_eq!(map.in_wan(Column::ClaimAmount), wan, "{header}");
            assert!(map.unknown.is_empty(), "{header}");
        }
        assert!(matches!(HeaderMap::new(&["案号", "立案日期（单位：万元）"]), Err(ImportError::WanOnNonAmount { .. })));
        // A closing bracket with no opening one is not a unit annotation.
        let map = HeaderMap::new(&["案号", "立案日期", "标的额万元)"]).unwrap();
        assert_eq!(map.unknown, vec!["标的额万元)".to_owned()]);
    }

    #[test]
    fn rejects_bad_headers() {
        assert!(matches!(
            HeaderMap::new(&["case_number", "案号", "filed_on"]),
            Err(ImportError::DuplicateColumn { key: "case_number", .. })
        ));
        assert!(matches!(HeaderMap::new(&["案号", "立案日期(万元)"]), Err(ImportError::WanOnNonAmount { .. })));
        assert!(
            matches!(HeaderMap::new(&["案号", "结案日期"]), Err(ImportError::MissingColumns(m)) if m == ["filed_on"])
        );
    }
}
