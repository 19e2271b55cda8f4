//! The bulletin as one self-contained HTML page: own CSS, inline SVG charts, no script and no
//! external request of any kind (no links, fonts, images or styles from elsewhere).

use std::fmt::Write;

use crate::bulletin::{Bulletin, Table};
use crate::chart::{escape, svg};

const CSS: &str = "\
body{margin:0;background:#f3f1ec;color:#1d1d1d;font-family:\"FangSong\",\"仿宋\",\"STFangsong\",\"Noto Serif CJK SC\",\"Source Han Serif SC\",serif;font-size:17px;line-height:1.8}
main{max-width:1000px;margin:24px auto;background:#fff;padding:48px 64px;box-shadow:0 1px 4px rgba(0,0,0,.15)}
h1{font-family:\"SimSun\",\"宋体\",\"Noto Serif CJK SC\",serif;text-align:center;font-size:28px;color:#b0201c;margin:0 0 8px}
.period{text-align:center;color:#555;margin:0 0 28px}
h2{font-family:\"SimHei\",\"黑体\",\"Noto Sans CJK SC\",sans-serif;font-size:20px;margin:32px 0 12px;border-left:5px solid #b0201c;padding-left:10px}
h3{font-family:\"KaiTi\",\"楷体\",\"Noto Serif CJK SC\",serif;font-size:18px;margin:20px 0 8px}
p.text{text-indent:2em;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-size:14px;line-height:1.5;margin:0 0 16px;font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif}
th,td{border:1px solid #888;padding:4px 8px}
th{background:#efe9df;font-weight:bold}
td.n{text-align:right;font-variant-numeric:tabular-nums}
tr:nth-child(even) td{background:#faf8f4}
figure{margin:12px 0 20px;text-align:center}
figure svg{max-width:100%;height:auto;border:1px solid #ddd}
.notes{font-size:14px;color:#555}
.sign{text-align:right;margin-top:32px}
";

fn table_html(out: &mut String, table: &Table) {
    out.push_str("<table>\n");
    for (r, row) in table.rows.iter().enumerate() {
        out.push_str("<tr>");
        for (c, cell) in row.iter().enumerate() {
            if r == 0 {
                let _ = write!(out, "<th>{}</th>", escape(cell));
            } else if c == 0 {
                let _ = write!(out, "<td>{}</td>", escape(cell));
            } else {
                let _ = write!(out, "<td class=\"n\">{}</td>", escape(cell));
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

/// The page, as UTF-8 bytes.
pub fn write(b: &Bulletin) -> Vec<u8> {
    let font = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','SimHei',sans-serif";
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n<p class=\"period\">（{}）</p>\n",
        escape(&b.title),
        escape(&b.title),
        escape(&b.period_text)
    );
    out.push_str("<h2>一、总体情况</h2>\n");
    for p in &b.overview {
        let _ = writeln!(out, "<p class=\"text\">{}</p>", escape(p));
    }
    out.push_str("<h2>二、趋势与对比</h2>\n");
    for chart in [&b.trend, &b.comparison] {
        let _ = writeln!(out, "<figure>{}</figure>", svg(chart, font, false));
    }
    out.push_str("<h2>三、各院主要指标</h2>\n");
    for t in &b.tables {
        let _ = writeln!(out, "<h3>{}</h3>", escape(&t.title));
        table_html(&mut out, t);
    }
    out.push_str("<h2>四、需要督办的案件</h2>\n");
    for (i, list) in b.action_lists.iter().enumerate() {
        let _ = writeln!(out, "<h3>（{}）{}</h3>", ["一", "二", "三", "四"][i.min(3)], escape(&list.title));
        if list.total == 0 {
            out.push_str("<p class=\"text\">无。</p>\n");
        } else {
            table_html(&mut out, &list.table);
        }
    }
    out.push_str("<div class=\"notes\">\n");
    for n in &b.notes {
        let _ = writeln!(out, "<p>注：{}</p>", escape(n));
    }
    let _ = write!(
        out,
        "</div>\n<p class=\"sign\">{}<br>{}</p>\n</main>\n</body>\n</html>\n",
        escape(&b.issuer),
        escape(&b.issued_on)
    );
    out.into_bytes()
}
