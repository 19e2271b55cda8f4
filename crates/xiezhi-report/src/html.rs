//! The bulletin as one self-contained HTML page: own CSS (with an A4 print stylesheet), inline
//! SVG charts, no script and no external request of any kind (no links, fonts, images or
//! styles from elsewhere). Laid out as the DOCX: 报头, title, the sections, 注, 落款, 附件, 版记.

use std::fmt::Write;

use crate::bulletin::{Bulletin, Table};
use crate::chart::{escape, svg};

const CSS: &str = "\
body{margin:0;background:#f3f1ec;color:#1d1d1d;font-family:\"FangSong\",\"仿宋\",\"STFangsong\",\"Noto Serif CJK SC\",\"Source Han Serif SC\",serif;font-size:17px;line-height:1.8}
main{max-width:1000px;margin:24px auto;background:#fff;padding:48px 64px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
.masthead{text-align:center;color:#c00000;border-bottom:3px solid #c00000;padding-bottom:6px;margin-bottom:24px}
.masthead .name{font-family:\"SimSun\",\"宋体\",\"Noto Serif CJK SC\",serif;font-size:40px;font-weight:bold;letter-spacing:4px}
.masthead .issue{color:#1d1d1d;font-size:16px}
.masthead .line{display:flex;justify-content:space-between;color:#1d1d1d;font-size:16px}
h1{font-family:\"SimSun\",\"宋体\",\"Noto Serif CJK SC\",serif;text-align:center;font-size:28px;margin:0 0 8px}
.period{text-align:center;color:#555;margin:0 0 20px}
.synthetic{color:#c00000;text-align:center;font-weight:bold}
h2{font-family:\"SimHei\",\"黑体\",\"Noto Sans CJK SC\",sans-serif;font-size:20px;margin:32px 0 12px}
h3{font-family:\"KaiTi\",\"楷体\",\"Noto Serif CJK SC\",serif;font-size:18px;margin:20px 0 8px}
p.text{text-indent:2em;margin:0 0 8px}
p.prompt{text-indent:2em;margin:0 0 8px;color:#7a5b00;background:#fdf6e3}
.caption{text-align:center;font-family:\"SimHei\",\"黑体\",\"Noto Sans CJK SC\",sans-serif;font-size:15px;margin:16px 0 2px}
.units{text-align:right;font-size:13px;color:#444;margin:0 0 2px}
table{border-collapse:collapse;width:100%;font-size:14px;line-height:1.5;margin:0 0 16px;font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif}
th,td{border:1px solid #888;padding:4px 8px}
th{background:#efe9df;font-weight:bold;text-align:center}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.c{text-align:center}
td.nowrap{white-space:nowrap}
td.low{color:#c00000;font-weight:bold}
td.low::after{content:\"▼\";font-size:10px;margin-left:2px}
tr.total td{font-weight:bold;background:#f5efe4}
figure{margin:12px 0 20px;text-align:center}
figure svg{max-width:100%;height:auto;border:1px solid #ddd}
figcaption{font-size:14px}
.notes{font-size:14px;color:#333}
.notes ol{margin:0;padding-left:2em}
.sign{text-align:right;margin-top:32px}
.annex{margin-top:40px;border-top:1px dashed #999;padding-top:12px}
.distribution{margin-top:40px;border-top:2px solid #1d1d1d;border-bottom:2px solid #1d1d1d;font-size:15px;padding:4px 0}
.distribution p{margin:0;border-bottom:1px solid #1d1d1d}
.distribution p:last-child{border-bottom:0;display:flex;justify-content:space-between}
@media print{
@page{size:A4;margin:20mm 18mm}
body{background:#fff;font-size:15px}
main{box-shadow:none;margin:0;padding:0;max-width:none}
h2,h3,.caption,.units{break-after:avoid}
thead{display:table-header-group}
tr,figure{break-inside:avoid}
.annex{break-before:page;border-top:0}
p.prompt{background:none}
}
";

/// Whether a cell is a figure (right-aligned).
fn is_figure(cell: &str) -> bool {
    let t = cell.trim();
    !t.is_empty()
        && t.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '+' || c == '-')
        && t.chars().all(|c| c.is_ascii_digit() || ".,+-%".contains(c) || "个百分点".contains(c))
}

fn table_html(out: &mut String, number: Option<usize>, table: &Table) {
    if let Some(n) = number {
        let _ = writeln!(out, "<p class=\"caption\">表{n}　{}</p>", escape(&table.title));
    }
    if !table.units.is_empty() {
        let _ = writeln!(out, "<p class=\"units\">{}</p>", escape(&table.units));
    }
    let header = table.rows.first().cloned().unwrap_or_default();
    out.push_str("<table>\n<thead><tr>");
    for h in &header {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    let last = table.rows.len().saturating_sub(1);
    for (r, row) in table.rows.iter().enumerate().skip(1) {
        // The scope's own row closes a comparison table (全市 / 全省).
        let total = r == last && row.first().is_some_and(String::is_empty);
        out.push_str(if total { "<tr class=\"total\">" } else { "<tr>" });
        for (c, cell) in row.iter().enumerate() {
            let head = header.get(c).map_or("", String::as_str);
            let mut classes = Vec::new();
            if head == "序号" {
                classes.push("c");
            } else if head == "案号" {
                classes.push("nowrap");
            } else if c > 0 && is_figure(cell) {
                classes.push("n");
            }
            if table.flagged.contains(&(r, c)) {
                classes.push("low");
            }
            if classes.is_empty() {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            } else {
                let _ = write!(out, "<td class=\"{}\">{}</td>", classes.join(" "), escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

/// The page, as UTF-8 bytes.
pub fn write(b: &Bulletin) -> Vec<u8> {
    let font = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','SimHei',sans-serif";
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        escape(&b.title)
    );
    let m = &b.masthead;
    let _ = writeln!(
        out,
        "<header class=\"masthead\"><div class=\"name\">{}</div><div class=\"issue\">{}</div><div class=\"line\"><span>{}</span><span>{}</span></div></header>",
        escape(&m.name),
        escape(&m.issue),
        escape(&m.office),
        escape(&m.date)
    );
    let _ = writeln!(out, "<h1>{}</h1>\n<p class=\"period\">（{}）</p>", escape(&b.title), escape(&b.period_text));
    if let Some(line) = &b.synthetic_line {
        let _ = writeln!(out, "<p class=\"synthetic\">{}</p>", escape(line));
    }
    out.push_str("<h2>一、总体情况</h2>\n");
    for p in &b.overview {
        let _ = writeln!(out, "<p class=\"text\">{}</p>", escape(p));
    }
    out.push_str("<h2>二、质效指标对比</h2>\n");
    for p in &b.named {
        let _ = writeln!(out, "<p class=\"text\">{}</p>", escape(p));
    }
    let mut number = 1;
    table_html(&mut out, Some(number), &b.comparison_table);
    for (i, chart) in [&b.trend, &b.comparison].into_iter().enumerate() {
        let _ = writeln!(
            out,
            "<figure>{}<figcaption>图{}　{}</figcaption></figure>",
            svg(&chart.untitled(), font, false),
            i + 1,
            escape(&chart.title)
        );
    }
    out.push_str("<h2>三、需要督办的案件</h2>\n");
    for (i, list) in b.action_lists.iter().enumerate() {
        let _ = writeln!(out, "<h3>（{}）{}</h3>", ["一", "二", "三", "四"][i.min(3)], escape(&list.title));
        if list.total == 0 {
            out.push_str("<p class=\"text\">无。</p>\n");
        } else {
            number += 1;
            let mut t = list.table.clone();
            // The heading above says how many; the caption names the list.
            t.title = format!("{}清单", list.title.split('（').next().unwrap_or(&list.title));
            table_html(&mut out, Some(number), &t);
        }
    }
    out.push_str("<h2>四、存在问题</h2>\n");
    for p in &b.problems {
        let _ = writeln!(out, "<p class=\"prompt\">{}</p>", escape(p));
    }
    out.push_str("<h2>五、下一步工作要求</h2>\n");
    for p in &b.requirements {
        let _ = writeln!(out, "<p class=\"prompt\">{}</p>", escape(p));
    }
    out.push_str("<div class=\"notes\"><p>注：</p><ol>\n");
    for n in &b.notes {
        let _ = writeln!(out, "<li>{}</li>", escape(n));
    }
    let _ = writeln!(out, "</ol></div>\n<p class=\"sign\">{}<br>{}</p>", escape(&b.issuer), escape(&b.issued_on));
    out.push_str("<section class=\"annex\">\n<h2>附件</h2>\n<h3>各院主要质效指标明细</h3>\n");
    for t in &b.tables {
        number += 1;
        table_html(&mut out, Some(number), t);
    }
    out.push_str("</section>\n");
    let d = &b.distribution;
    let _ = write!(
        out,
        "<footer class=\"distribution\"><p>报：{}</p><p>送：{}</p><p><span>{}</span><span>{}</span></p></footer>\n</main>\n</body>\n</html>\n",
        escape(&d.report_to),
        escape(&d.copy_to),
        escape(&d.office),
        escape(&d.printed_on)
    );
    out.into_bytes()
}
