//! 权限范围 who may see what: the four roles and their court scope. Every page and API call asks
//! an [`Access`] before showing a group, a figure or a case.
//!
//! - 系统管理员 `admin`: every court, every case; user administration.
//! - 院领导/审管办 `manager`: their court (at a 中院: every court of the city; at a 高院: every
//!   court of the province), its judges and cases, and the city and province aggregates their
//!   court belongs to; imports.
//! - 法官 `judge`: their own cases and judge figures, and their court's aggregates.
//! - 书记员/法官助理 `clerk`: as the judge they assist (`judge_name`).
//! - 立案人员 `registrar`: registers cases at their court (立案) and sees that court's cases and
//!   aggregates; no designation, no roster changes.
//!
//! Writes are narrower than reads: registering a case needs the registrar or manager *of that
//! court* (or an admin); designating a judge or reassigning a case needs the manager of that
//! court (or an admin); the roster of a court is kept by the managers who see it and admins.
//!
//! A judge is known by roster id (工号) where the account and the case are both linked to the
//! roster; by name otherwise (an imported name that is not unique in its court's roster).

use xiezhi_domain::{CourtCode, CourtLevel};
use xiezhi_metrics::GroupKey;

/// 角色 a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Admin,
    Manager,
    Judge,
    Clerk,
    Registrar,
}

impl Role {
    pub const ALL: [Role; 5] = [Role::Admin, Role::Manager, Role::Registrar, Role::Judge, Role::Clerk];

    pub fn key(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Judge => "judge",
            Role::Clerk => "clerk",
            Role::Registrar => "registrar",
        }
    }

    pub fn parse(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// The label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Role::Admin => "系统管理员",
            Role::Manager => "院领导/审管办",
            Role::Judge => "法官",
            Role::Clerk => "书记员/法官助理",
            Role::Registrar => "立案人员",
        }
    }
}

/// Why an account cannot be given access.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("unknown role {0:?} (admin, manager, registrar, judge or clerk)")]
    UnknownRole(String),
    #[error("role {0} needs a court code (--court)")]
    NeedsCourt(&'static str),
    #[error("{0:?} is not a court code")]
    BadCourt(String),
    #[error("role {0} needs the judge's name (--judge)")]
    NeedsJudge(&'static str),
}

/// What one signed-in user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Access {
    pub username: String,
    pub role: Role,
    /// `None` only for an admin without a court.
    pub court: Option<CourtCode>,
    /// The judge's name (judge), or the assisted judge's name (clerk).
    pub judge: Option<String>,
    /// The same judge's roster id, when the account is linked to the roster.
    pub judge_id: Option<String>,
}

impl Access {
    /// Checks an account's role, court and judge fields.
    pub fn new(username: &str, role: &str, court: Option<&str>, judge: Option<&str>) -> Result<Access, AccessError> {
        let role = Role::parse(role).ok_or_else(|| AccessError::UnknownRole(role.to_owned()))?;
        let court = match court.map(str::trim).filter(|c| !c.is_empty()) {
            Some(text) => Some(CourtCode::parse(text).ok_or_else(|| AccessError::BadCourt(text.to_owned()))?),
            None if role == Role::Admin => None,
            None => return Err(AccessError::NeedsCourt(role.key())),
        };
        let judge = judge.map(str::trim).filter(|j| !j.is_empty()).map(str::to_owned);
        if matches!(role, Role::Judge | Role::Clerk) && judge.is_none() {
            return Err(AccessError::NeedsJudge(role.key()));
        }
        Ok(Access { username: username.to_owned(), role, court, judge, judge_id: None })
    }

    /// The same access with the judge's roster id.
    pub fn with_judge_id(mut self, judge_id: Option<&str>) -> Access {
        self.judge_id = judge_id.map(str::trim).filter(|j| !j.is_empty()).map(str::to_owned);
        self
    }

    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    /// Whether the user may import data (managers and admins).
    pub fn may_import(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Manager)
    }

    /// Whether lists show every case of a visible court (not only one judge's).
    pub fn sees_whole_courts(&self) -> bool {
        matches!(self.role, Role::Admin | Role::Manager | Role::Registrar)
    }

    /// 立案 whether the user may register cases at `court`: its registrar or manager, or an admin.
    pub fn may_register(&self, court: CourtCode) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager | Role::Registrar => self.court == Some(court),
            Role::Judge | Role::Clerk => false,
        }
    }

    /// 指定分案/调整分案 whether the user may designate or reassign a judge at `court`: its
    /// manager, or an admin.
    pub fn may_designate(&self, court: CourtCode) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager => self.court == Some(court),
            _ => false,
        }
    }

    /// 名册 whether the user may change the roster of `court`: managers who see it, admins.
    pub fn may_manage_roster(&self, court: CourtCode) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager => self.sees_court(court),
            _ => false,
        }
    }

    /// Whether the aggregates of `court` are visible.
    pub fn sees_court(&self, court: CourtCode) -> bool {
        match (self.role, self.court) {
            (Role::Admin, _) => true,
            (_, None) => false,
            (Role::Manager, Some(mine)) => match mine.level() {
                CourtLevel::Intermediate => court.city() == Some(mine),
                CourtLevel::High => court.province_code() == Some(mine),
                CourtLevel::Basic | CourtLevel::Supreme => court == mine,
            },
            (Role::Judge | Role::Clerk | Role::Registrar, Some(mine)) => court == mine,
        }
    }

    /// Whether a case (by its court and 承办人's name and roster id) is visible. Legacy 字第
    /// numbers (no court code) are visible to admins only. A judge (clerk) sees the cases of
    /// their court whose judge is them: by roster id when both the account and the case are
    /// linked, else by name.
    pub fn sees_case(&self, court: Option<CourtCode>, judge: Option<&str>, judge_id: Option<&str>) -> bool {
        match self.role {
            Role::Admin => true,
            Role::Manager | Role::Registrar => court.is_some_and(|c| self.sees_court(c)),
            Role::Judge | Role::Clerk => {
                court.is_some_and(|c| Some(c) == self.court)
                    && match (self.judge_id.as_deref(), judge_id) {
                        (Some(mine), Some(theirs)) => mine == theirs,
                        _ => judge.map(str::trim).is_some_and(|j| Some(j) == self.judge.as_deref()),
                    }
            }
        }
    }

    /// Whether the figures of a group are visible: courts and judges in scope; city and
    /// province aggregates of the manager's own court; a judge's (clerk's) own judge group.
    pub fn sees_group(&self, key: &GroupKey) -> bool {
        match key {
            GroupKey::Province(p) => match self.role {
                Role::Admin => true,
                Role::Manager => self.court.and_then(CourtCode::province_code) == Some(*p),
                Role::Judge | Role::Clerk | Role::Registrar => false,
            },
            GroupKey::City(c) => match self.role {
                Role::Admin => true,
                Role::Manager => {
                    self.court.and_then(CourtCode::city) == Some(*c)
                        || self.court.is_some_and(|m| m.level() == CourtLevel::High && c.province_code() == Some(m))
                }
                Role::Judge | Role::Clerk | Role::Registrar => false,
            },
            GroupKey::Court(c) => self.sees_court(*c),
            GroupKey::Judge { court, judge } => match self.role {
                Role::Admin | Role::Manager | Role::Registrar => self.sees_court(*court),
                Role::Judge | Role::Clerk => {
                    Some(*court) == self.court && Some(judge.as_str()) == self.judge.as_deref()
                }
            },
        }
    }

    /// The group a user's dashboard opens on: the province (admin, 高院 manager), the city (中院
    /// manager), the court (basic-court manager) or the judge (judge, clerk). An admin without
    /// a court gets `fallback` (the first province of the data).
    pub fn home_group(&self, fallback: Option<GroupKey>) -> Option<GroupKey> {
        match (self.role, self.court) {
            (Role::Admin, None) => fallback,
            (Role::Admin | Role::Manager, Some(c)) => Some(match c.level() {
                CourtLevel::High => GroupKey::Province(c),
                CourtLevel::Intermediate => GroupKey::City(c),
                CourtLevel::Basic | CourtLevel::Supreme => GroupKey::Court(c),
            }),
            (Role::Registrar, Some(c)) => Some(GroupKey::Court(c)),
            (Role::Judge | Role::Clerk, Some(c)) => {
                Some(GroupKey::Judge { court: c, judge: self.judge.clone().unwrap_or_default() })
            }
            (Role::Manager | Role::Judge | Role::Clerk | Role::Registrar, None) => None,
        }
    }

    /// The scope in words, e.g. `粤01 全市法院` or `法官 张三（粤0103）`.
    pub fn scope_label(&self) -> String {
        match (self.role, self.court) {
            (Role::Admin, None) => "全部法院".to_owned(),
            (Role::Admin, Some(c)) => format!("全部法院（本院 {c}）"),
            (Role::Manager, Some(c)) => match c.level() {
                CourtLevel::Intermediate => format!("{c} 全市法院"),
                CourtLevel::High => format!("{c} 全省法院"),
                _ => format!("{c} 本院"),
            },
            (Role::Judge, Some(c)) => format!("本人案件 {}（{c}）", self.judge.as_deref().unwrap_or("")),
            (Role::Clerk, Some(c)) => format!("协助法官 {}（{c}）", self.judge.as_deref().unwrap_or("")),
            (Role::Registrar, Some(c)) => format!("{c} 立案"),
            (_, None) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(s: &str) -> CourtCode {
        CourtCode::parse(s).unwrap()
    }

    #[test]
    fn scopes_follow_the_roles() {
        let city = Access::new("m", "manager", Some("粤01"), None).unwrap();
        assert!(city.sees_court(code("粤0103")) && city.sees_court(code("粤01")) && !city.sees_court(code("粤0303")));
        assert!(city.sees_group(&GroupKey::Province(code("粤"))));
        assert!(!city.sees_group(&GroupKey::City(code("粤03"))));
        let basic = Access::new("b", "manager", Some("粤0103"), None).unwrap();
        assert!(!basic.sees_court(code("粤0104")) && basic.sees_group(&GroupKey::City(code("粤01"))));
        let judge = Access::new("j", "judge", Some("粤0103"), Some("甲")).unwrap();
        assert!(judge.sees_case(Some(code("粤0103")), Some("甲"), None));
        assert!(!judge.sees_case(Some(code("粤0103")), Some("乙"), None));
        // Linked to the roster: the id decides, so a namesake's case is not theirs.
        let linked = judge.clone().with_judge_id(Some("J1"));
        assert!(linked.sees_case(Some(code("粤0103")), Some("甲"), Some("J1")));
        assert!(!linked.sees_case(Some(code("粤0103")), Some("甲"), Some("J2")));
        assert!(linked.sees_case(Some(code("粤0103")), Some("甲"), None));
        assert!(judge.sees_group(&GroupKey::Court(code("粤0103"))));
        assert!(!judge.sees_group(&GroupKey::Judge { court: code("粤0103"), judge: "乙".into() }));
        assert!(!judge.sees_group(&GroupKey::City(code("粤01"))));
        assert!(Access::new("c", "clerk", Some("粤0103"), None).is_err());
        assert!(Access::new("x", "root", None, None).is_err());
        let admin = Access::new("a", "admin", None, None).unwrap();
        assert!(admin.sees_case(None, None, None));
        // A registrar: the whole court's cases and figures, no other court, no judge group of
        // another court; registers there only; designates nowhere.
        let registrar = Access::new("r", "registrar", Some("粤0103"), None).unwrap();
        assert!(registrar.sees_case(Some(code("粤0103")), Some("乙"), None));
        assert!(!registrar.sees_case(Some(code("粤0104")), None, None));
        assert!(registrar.may_register(code("粤0103")) && !registrar.may_register(code("粤0104")));
        assert!(!registrar.may_designate(code("粤0103")) && !registrar.may_manage_roster(code("粤0103")));
        assert!(Access::new("r", "registrar", None, None).is_err());
        // Writes need the manager of that court: a city manager sees 粤0103 but neither
        // registers nor designates there; it keeps the city's roster.
        assert!(!city.may_register(code("粤0103")) && !city.may_designate(code("粤0103")));
        assert!(city.may_register(code("粤01")) && city.may_manage_roster(code("粤0103")));
        assert!(basic.may_designate(code("粤0103")) && !judge.may_register(code("粤0103")));
        assert!(admin.may_designate(code("粤0303")));
    }
}
