//! 案由表: civil, criminal and administrative causes with relative frequencies, typical claim
//! amounts and behaviour classes (weights are plausible shapes for a Guangdong basic court, not
//! published statistics).

/// Behaviour class of a civil cause: drives dispositions, appeals, enforcement and department.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Category {
    /// 借款、信用卡、担保: mostly default judgments, high enforcement.
    Debt,
    /// 买卖、租赁、建设工程 …
    Contract,
    /// 婚姻家庭、继承.
    Family,
    /// 交通事故、人身损害.
    Tort,
    /// 劳动、劳务.
    Labor,
}

pub(crate) struct CivilCause {
    pub name: &'static str,
    pub weight: f64,
    pub category: Category,
    /// Median claim in yuan; 0 = usually no money claim.
    pub median: f64,
    pub sigma: f64,
}

const fn civil(name: &'static str, weight: f64, category: Category, median: f64, sigma: f64) -> CivilCause {
    CivilCause { name, weight, category, median, sigma }
}

use Category::*;

/// 基层法院民事一审案由.
pub(crate) const CIVIL_BASIC: &[CivilCause] = &[
    civil("民间借贷纠纷", 13.0, Debt, 60_000.0, 1.1),
    civil("金融借款合同纠纷", 10.0, Debt, 150_000.0, 1.2),
    civil("信用卡纠纷", 8.0, Debt, 35_000.0, 0.8),
    civil("买卖合同纠纷", 10.0, Contract, 90_000.0, 1.3),
    civil("离婚纠纷", 8.0, Family, 0.0, 0.0),
    civil("机动车交通事故责任纠纷", 7.0, Tort, 60_000.0, 1.0),
    civil("劳动争议", 5.0, Labor, 25_000.0, 1.0),
    civil("追索劳动报酬纠纷", 2.0, Labor, 15_000.0, 0.9),
    civil("物业服务合同纠纷", 6.0, Contract, 3_500.0, 0.8),
    civil("房屋租赁合同纠纷", 4.0, Contract, 40_000.0, 1.1),
    civil("建设工程施工合同纠纷", 3.0, Contract, 600_000.0, 1.3),
    civil("服务合同纠纷", 3.0, Contract, 20_000.0, 1.2),
    civil("劳务合同纠纷", 3.0, Labor, 30_000.0, 1.0),
    civil("追偿权纠纷", 2.0, Debt, 80_000.0, 1.1),
    civil("生命权、身体权、健康权纠纷", 2.0, Tort, 50_000.0, 1.1),
    civil("承揽合同纠纷", 2.0, Contract, 70_000.0, 1.2),
    civil("商品房预售合同纠纷", 2.0, Contract, 300_000.0, 1.0),
    civil("合同纠纷", 2.0, Contract, 80_000.0, 1.3),
    civil("不当得利纠纷", 1.0, Debt, 50_000.0, 1.2),
    civil("继承纠纷", 1.0, Family, 400_000.0, 1.0),
    civil("抚养纠纷", 1.0, Family, 0.0, 0.0),
    civil("网络购物合同纠纷", 1.0, Contract, 3_000.0, 1.0),
    civil("保证合同纠纷", 1.0, Debt, 200_000.0, 1.2),
    civil("融资租赁合同纠纷", 1.0, Debt, 150_000.0, 1.1),
    civil("侵害作品信息网络传播权纠纷", 1.0, Contract, 10_000.0, 0.8),
];

/// 中院/高院民事一审案由 (large commercial cases).
pub(crate) const CIVIL_UPPER: &[CivilCause] = &[
    civil("金融借款合同纠纷", 25.0, Debt, 80_000_000.0, 0.9),
    civil("建设工程施工合同纠纷", 20.0, Contract, 120_000_000.0, 0.9),
    civil("股权转让纠纷", 12.0, Contract, 150_000_000.0, 1.0),
    civil("买卖合同纠纷", 12.0, Contract, 60_000_000.0, 0.9),
    civil("合同纠纷", 10.0, Contract, 100_000_000.0, 1.0),
    civil("侵害发明专利权纠纷", 6.0, Contract, 5_000_000.0, 1.2),
    civil("融资租赁合同纠纷", 5.0, Debt, 60_000_000.0, 0.9),
    civil("公司决议纠纷", 4.0, Contract, 0.0, 0.0),
    civil("保证合同纠纷", 6.0, Debt, 70_000_000.0, 0.9),
];

pub(crate) struct CriminalCause {
    pub name: &'static str,
    pub weight: f64,
    /// Base share of 速裁程序 (cases likely to get ≤ 3 years).
    pub expedited: f64,
    /// A property crime: a fine or confiscation is likely (刑事裁判涉财产部分执行).
    pub property: bool,
}

const fn crim(name: &'static str, weight: f64, expedited: f64, property: bool) -> CriminalCause {
    CriminalCause { name, weight, expedited, property }
}

/// 基层法院刑事一审罪名.
pub(crate) const CRIMINAL_BASIC: &[CriminalCause] = &[
    crim("危险驾驶罪", 22.0, 0.65, false),
    crim("盗窃罪", 16.0, 0.45, true),
    crim("帮助信息网络犯罪活动罪", 12.0, 0.35, true),
    crim("诈骗罪", 9.0, 0.2, true),
    crim("故意伤害罪", 6.0, 0.15, false),
    crim("开设赌场罪", 4.0, 0.2, true),
    crim("掩饰、隐瞒犯罪所得、犯罪所得收益罪", 4.0, 0.35, true),
    crim("走私、贩卖、运输、制造毒品罪", 4.0, 0.1, false),
    crim("寻衅滋事罪", 3.0, 0.15, false),
    crim("交通肇事罪", 3.0, 0.35, false),
    crim("信用卡诈骗罪", 2.0, 0.3, true),
    crim("容留他人吸毒罪", 2.0, 0.4, false),
    crim("妨害公务罪", 2.0, 0.3, false),
    crim("非法吸收公众存款罪", 1.0, 0.0, true),
    crim("抢劫罪", 1.0, 0.0, true),
    crim("组织、领导传销活动罪", 1.0, 0.0, true),
    crim("非法经营罪", 1.0, 0.1, true),
    crim("聚众斗殴罪", 1.0, 0.0, false),
];

/// 中院刑事一审罪名 (可能判处无期徒刑、死刑的案件等).
pub(crate) const CRIMINAL_UPPER: &[CriminalCause] = &[
    crim("走私、贩卖、运输、制造毒品罪", 30.0, 0.0, true),
    crim("故意杀人罪", 20.0, 0.0, false),
    crim("受贿罪", 12.0, 0.0, true),
    crim("故意伤害罪", 11.0, 0.0, false),
    crim("抢劫罪", 8.0, 0.0, true),
    crim("集资诈骗罪", 8.0, 0.0, true),
    crim("贪污罪", 6.0, 0.0, true),
    crim("组织、领导、参加黑社会性质组织罪", 5.0, 0.0, true),
];

/// 基层法院行政一审案由.
pub(crate) const ADMIN_BASIC: &[(&str, f64)] = &[
    ("行政处罚", 22.0),
    ("政府信息公开", 12.0),
    ("不履行法定职责", 12.0),
    ("行政强制", 10.0),
    ("工伤认定", 10.0),
    ("行政复议", 8.0),
    ("行政许可", 6.0),
    ("行政征收", 6.0),
    ("行政协议", 6.0),
    ("行政登记", 5.0),
    ("行政赔偿", 3.0),
];

/// 中院/高院行政一审案由 (以县级以上人民政府为被告).
pub(crate) const ADMIN_UPPER: &[(&str, f64)] = &[
    ("行政征收", 30.0),
    ("行政协议", 20.0),
    ("行政复议", 15.0),
    ("不履行法定职责", 15.0),
    ("政府信息公开", 10.0),
    ("行政强制", 10.0),
];

/// 执行异议案由.
pub(crate) const OBJECTION: &[(&str, f64)] = &[("执行行为异议", 70.0), ("案外人执行异议", 30.0)];

/// Cumulative weights, for choosing with one draw and a binary search.
pub(crate) fn cumulative(weights: impl Iterator<Item = f64>) -> Vec<f64> {
    let mut sum = 0.0;
    weights
        .map(|w| {
            sum += w;
            sum
        })
        .collect()
}

/// Index of the first cumulative weight above `u × total`.
pub(crate) fn pick(cum: &[f64], u: f64) -> usize {
    let total = cum.last().copied().unwrap_or(0.0);
    let x = u * total;
    cum.partition_point(|&c| c <= x).min(cum.len().saturating_sub(1))
}
