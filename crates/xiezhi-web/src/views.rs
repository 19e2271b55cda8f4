//! 页面模板与图表 the compiled-in templates (minijinja, embedded with `include_str!`), our own CSS
//! and JavaScript, number formats, and the small server-side SVG pieces (reference-interval band).

use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use minijinja::Environment;
use xiezhi_metrics::{Change, Entry, Unit, Value};

use crate::error::WebError;

/// The page templates, parsed once.
pub struct Templates {
    env: Environment<'static>,
}

const TEMPLATES: [(&str, &str); 24] = [
    ("base.html", include_str!("../templates/base.html")),
    ("login.html", include_str!("../templates/login.html")),
    ("dashboard.html", include_str!("../templates/dashboard.html")),
    ("metrics.html", include_str!("../templates/metrics.html")),
    ("explain.html", include_str!("../templates/explain.html")),
    ("cases.html", include_str!("../templates/cases.html")),
    ("case.html", include_str!("../templates/case.html")),
    ("import.html", include_str!("../templates/import.html")),
    ("reports.html", include_str!("../templates/reports.html")),
    ("laws.html", include_str!("../templates/laws.html")),
    ("research.html", include_str!("../templates/research.html")),
    ("judgment.html", include_str!("../templates/judgment.html")),
    ("dossier.html", include_str!("../templates/dossier.html")),
    ("users.html", include_str!("../templates/users.html")),
    ("macros.html", include_str!("../templates/macros.html")),
    ("register.html", include_str!("../templates/register.html")),
    ("registered.html", include_str!("../templates/registered.html")),
    ("judges.html", include_str!("../templates/judges.html")),
    ("assignments.html", include_str!("../templates/assignments.html")),
    ("my.html", include_str!("../templates/my.html")),
    ("deadlines.html", include_str!("../templates/deadlines.html")),
    ("extensions.html", include_str!("../templates/extensions.html")),
    ("notifications.html", include_str!("../templates/notifications.html")),
    ("rechecks.html", include_str!("../templates/rechecks.html")),
];

impl Templates {
    pub fn new() -> Templates {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source).expect("the embedded templates parse (tested)");
        }
        Templates { env }
    }

    /// Renders a page from its view model.
    pub fn render(&self, name: &str, ctx: &impl serde::Serialize) -> Result<Html<String>, WebError> {
        let template = self.env.get_template(name).map_err(|e| WebError::Internal(format!("template {name}: {e}")))?;
        template
            .render(minijinja::value::Serde(ctx))
            .map(Html)
            .map_err(|e| WebError::Internal(format!("rendering {name}: {e:#}")))
    }
}

impl Default for Templates {
    fn default() -> Templates {
        Templates::new()
    }
}

pub(crate) const CSS: &str = include_str!("../assets/app.css");
pub(crate) const JS: &str = include_str!("../assets/app.js");

pub async fn css() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], CSS).into_response()
}

pub async fn js() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "max-age=3600")], JS)
        .into_response()
}

/// No icon (a standalone SVG would need the SVG namespace URL); 204 keeps browsers quiet.
pub async fn favicon() -> Response {
    (axum::http::StatusCode::NO_CONTENT, [(header::CACHE_CONTROL, "max-age=86400")]).into_response()
}

/// The value as the metrics table prints it (95.12%, 1234, 12.50).
pub fn value_text(value: &Value, unit: Unit) -> String {
    match (unit, value.as_f64()) {
        (Unit::Count, Some(v)) => grouped(&format!("{v:.0}")),
        (Unit::Amount, Some(v)) => money(v),
        _ => xiezhi_report::format::table_value(value, unit),
    }
}

/// Thousands separators on the whole part of a plain decimal text (`1234567.5` → `1,234,567.5`).
pub fn grouped(text: &str) -> String {
    let (sign, digits) = text.strip_prefix('-').map_or(("", text), |rest| ("-", rest));
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    let mut out = String::with_capacity(text.len() + whole.len() / 3);
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match fraction {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// Yuan as officials read them: 亿 from a hundred million, 万 from ten thousand, two decimals,
/// thousands separators (the unit 元 follows in the page: `2.35亿` 元, `1,234.56万` 元).
pub fn money(yuan: f64) -> String {
    let (value, suffix) = if yuan.abs() >= 1e8 {
        (yuan / 1e8, "亿")
    } else if yuan.abs() >= 1e4 {
        (yuan / 1e4, "万")
    } else {
        (yuan, "")
    };
    format!("{}{suffix}", grouped(&format!("{value:.2}")))
}

/// 同比 with its unit: `+9.98%` for counts and amounts (relative), `+0.29个百分点` for rates,
/// `-4.28天`, `+7.00件/人`; `持平` when it rounds to nothing (never `-0.00个百分点`); `—` when
/// there is none.
pub fn change_text(change: Option<Change>, unit: Unit) -> String {
    let (value, suffix) = match change {
        None => return "—".to_owned(),
        Some(Change::Relative(r)) => (r * 100.0, "%"),
        Some(Change::Difference(d)) => match unit {
            Unit::Ratio => (d * 100.0, "个百分点"),
            Unit::Days => (d, "天"),
            Unit::PerJudge => (d, "件/人"),
            Unit::Count => (d, "件"),
            Unit::Amount => (d, "元"),
            Unit::PerDispute => (d, ""),
        },
    };
    let figure = format!("{:.2}", value.abs());
    if figure == "0.00" {
        return "持平".to_owned();
    }
    format!("{}{}{suffix}", if value > 0.0 { "+" } else { "-" }, grouped(&figure))
}

/// `up`, `down` or `flat`, and whether the change is good (`good`/`bad`/``) for the direction.
pub fn change_class(change: Option<Change>, entry: &Entry) -> &'static str {
    let v = match change {
        Some(Change::Relative(v)) | Some(Change::Difference(v)) => v,
        None => return "",
    };
    if v.abs() < 1e-12 {
        return "flat";
    }
    match entry.direction {
        xiezhi_metrics::Direction::Higher => {
            if v > 0.0 {
                "good"
            } else {
                "bad"
            }
        }
        xiezhi_metrics::Direction::Lower => {
            if v < 0.0 {
                "good"
            } else {
                "bad"
            }
        }
        xiezhi_metrics::Direction::None => "flat",
    }
}

/// The raw JSON of a value (what `/api/v1/metrics` gives), for `data-raw` attributes.
pub fn raw(value: &Value) -> String {
    value.to_json().to_string()
}

/// A 160×18 SVG: the reference interval shaded, the value as a marker. Ratios are drawn on
/// 0–100%; other units on a scale that holds the interval and the value.
pub fn band_svg(value: Option<f64>, low: f64, high: f64, unit: Unit) -> String {
    let (min, max) = if unit == Unit::Ratio {
        (low.min(value.unwrap_or(low)).min(0.0), high.max(value.unwrap_or(high)).max(1.0))
    } else {
        let lo = low.min(value.unwrap_or(low));
        let hi = high.max(value.unwrap_or(high));
        let pad = ((hi - lo) * 0.25).max(1e-9);
        ((lo - pad).max(0.0), hi + pad)
    };
    let x = |v: f64| 4.0 + (v - min) / (max - min).max(1e-12) * 152.0;
    let mut s = format!(
        "<svg class=\"band\" viewBox=\"0 0 160 18\" width=\"160\" height=\"18\" role=\"img\" aria-label=\"区间参考值\">\
         <rect x=\"4\" y=\"7\" width=\"152\" height=\"4\" fill=\"#e3e6ea\"/>\
         <rect x=\"{:.1}\" y=\"5\" width=\"{:.1}\" height=\"8\" fill=\"#b7dfc0\"/>",
        x(low),
        (x(high) - x(low)).max(1.0)
    );
    if let Some(v) = value {
        let inside = v >= low && v <= high;
        s.push_str(&format!(
            "<rect x=\"{:.1}\" y=\"1\" width=\"3\" height=\"16\" fill=\"{}\"/>",
            x(v) - 1.5,
            if inside { "#1b7f3b" } else { "#c0392b" }
        ));
    }
    s.push_str("</svg>");
    s
}

/// The chart SVG of xiezhi-report (our own drawing code), inline (no namespace, no external reference).
pub fn chart_svg(chart: &xiezhi_report::ChartData) -> String {
    xiezhi_report::chart::svg(chart, "\"Noto Sans CJK SC\", \"Microsoft YaHei\", \"PingFang SC\", sans-serif", false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_assets_have_no_external_host() {
        let _ = Templates::new();
        for (name, text) in TEMPLATES.iter().map(|(n, t)| (*n, *t)).chain([("app.css", CSS), ("app.js", JS)]) {
            assert!(!text.contains("http://") && !text.contains("https://"), "{name} names an external host");
        }
    }

    #[test]
    fn band_marks_the_value() {
        let s = band_svg(Some(0.95), 0.9, 1.0, Unit::Ratio);
        assert!(s.contains("#1b7f3b") && !s.contains("http"));
        assert!(band_svg(Some(0.5), 0.9, 1.0, Unit::Ratio).contains("#c0392b"));
    }

    #[test]
    fn numbers_read_as_officials_write_them() {
        assert_eq!(grouped("1234567"), "1,234,567");
        assert_eq!(grouped("-1234.50"), "-1,234.50");
        assert_eq!(grouped("999"), "999");
        assert_eq!(money(234_567_890.0), "2.35亿");
        assert_eq!(money(12_345_678.0), "1,234.57万");
        assert_eq!(money(9_999.5), "9,999.50");
        assert_eq!(value_text(&Value::Count(24_434), Unit::Count), "24,434");
        assert_eq!(change_text(Some(Change::Relative(0.0998)), Unit::Count), "+9.98%");
        assert_eq!(change_text(Some(Change::Difference(-0.0000001)), Unit::Ratio), "持平");
        assert_eq!(change_text(Some(Change::Difference(-0.0112)), Unit::Ratio), "-1.12个百分点");
        assert_eq!(change_text(Some(Change::Difference(-4.28)), Unit::Days), "-4.28天");
        assert_eq!(change_text(Some(Change::Difference(7.0)), Unit::PerJudge), "+7.00件/人");
        assert_eq!(change_text(None, Unit::Days), "—");
    }
}
