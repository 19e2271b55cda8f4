//! The bulletin as an Excel workbook: the overview, every table, the chart data with NATIVE
//! Excel charts (line for the trend, clustered columns for the comparison) and the complete
//! action lists. Figures are Excel numbers whose number formats show the same text as the
//! other formats.

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::bulletin::{Bulletin, ChartData, ChartKind};
use crate::error::ReportError;

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#EFE9DF")
        .set_align(FormatAlign::Center)
}

/// A figure as the other formats show it (`262`, `94.67%`, `+24.76%`, `+3.51个百分点`,
/// `1177204701.23`) as an Excel number and the number format that displays that same text, so
/// that a clerk can sort, sum and chart it; anything else (`—`, 案号, dates) stays text.
fn figure(text: &str) -> Option<(f64, &'static str)> {
    let signed = text.starts_with(['+', '-']);
    let number = |t: &str| t.parse::<f64>().ok().filter(|v| v.is_finite());
    if let Some(points) = text.strip_suffix("个百分点") {
        return Some((number(points)?, "+0.00\"个百分点\";-0.00\"个百分点\";0.00\"个百分点\""));
    }
    if let Some(percent) = text.strip_suffix('%') {
        let format = if signed { "+0.00%;-0.00%;0.00%" } else { "0.00%" };
        return Some((number(percent)? / 100.0, format));
    }
    if !text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-')) {
        return None;
    }
    let value = number(text)?;
    let format = match (text.contains('.'), signed) {
        (true, true) => "+0.00;-0.00;0.00",
        (true, false) => "0.00",
        (false, _) => "0",
    };
    Some((value, format))
}

fn write_rows(sheet: &mut Worksheet, first_row: u32, rows: &[Vec<String>]) -> Result<u32, ReportError> {
    let header = header_format();
    let cell = Format::new().set_border(FormatBorder::Thin);
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let (at_row, at_col) = (first_row + r as u32, c as u16);
            match figure(text).filter(|_| r > 0) {
                Some((value, number_format)) => {
                    let format = cell.clone().set_num_format(number_format);
                    sheet.write_number_with_format(at_row, at_col, value, &format)?;
                }
                None => {
                    let format = if r == 0 { &header } else { &cell };
                    sheet.write_string_with_format(at_row, at_col, text, format)?;
                }
            }
        }
    }
    Ok(first_row + rows.len() as u32)
}

fn chart_sheet(workbook: &mut Workbook, name: &str, data: &ChartData) -> Result<(), ReportError> {
    let sheet = workbook.add_worksheet();
    sheet.set_name(name)?;
    let header = header_format();
    sheet.write_string_with_format(0, 0, "类别", &header)?;
    for (s, (series, _)) in data.series.iter().enumerate() {
        let title = if data.unit == "%" { format!("{series}（%）") } else { format!("{series}（{}）", data.unit) };
        sheet.write_string_with_format(0, s as u16 + 1, title, &header)?;
    }
    for (i, category) in data.categories.iter().enumerate() {
        sheet.write_string(i as u32 + 1, 0, category)?;
        for (s, (_, values)) in data.series.iter().enumerate() {
            if let Some(v) = values[i] {
                // Percent values are rounded as the tables show them (two decimals).
                let v = if data.unit == "%" { (v * 100.0).round() / 100.0 } else { v };
                sheet.write_number(i as u32 + 1, s as u16 + 1, v)?;
            }
        }
    }
    sheet.set_column_width(0, 24)?;
    let n = data.categories.len() as u32;
    let mut chart = Chart::new(match data.kind {
        ChartKind::Line => ChartType::Line,
        ChartKind::Columns => ChartType::Column,
    });
    for s in 0..data.series.len() {
        let column = s as u16 + 1;
        chart.add_series().set_name((name, 0, column)).set_categories((name, 1, 0, n.max(1), 0)).set_values((
            name,
            1,
            column,
            n.max(1),
            column,
        ));
    }
    chart.title().set_name(&data.title);
    chart.y_axis().set_name(&format!("单位：{}", data.unit));
    chart.set_width(760).set_height(380);
    sheet.insert_chart(1, data.series.len() as u16 + 2, &chart)?;
    Ok(())
}

/// The workbook as bytes.
pub fn write(b: &Bulletin) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16);
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    sheet.set_name("通报")?;
    sheet.write_string_with_format(0, 0, &b.title, &title)?;
    sheet.write_string(1, 0, format!("（{}）", b.period_text))?;
    sheet.set_column_width(0, 110)?;
    let mut row = 3;
    for p in b.overview.iter().chain(b.notes.iter()) {
        sheet.write_string_with_format(row, 0, p, &wrap)?;
        sheet.set_row_height(row, 15.0 * (p.chars().count() as f64 / 55.0).ceil().max(1.0))?;
        row += 1;
    }
    sheet.write_string(row + 1, 0, format!("{}　{}", b.issuer, b.issued_on))?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("各院指标")?;
    let mut row = 0;
    for t in &b.tables {
        sheet.write_string_with_format(row, 0, &t.title, &Format::new().set_bold())?;
        row = write_rows(sheet, row + 1, &t.rows)? + 1;
    }
    sheet.set_column_width(0, 34)?;
    for c in 1..6 {
        sheet.set_column_width(c, 16)?;
    }

    chart_sheet(&mut workbook, "月度趋势", &b.trend)?;
    chart_sheet(&mut workbook, "各院对比", &b.comparison)?;

    for (name, list) in ["超审限未结", "超12个月未结"].iter().zip(&b.action_lists) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name)?;
        sheet.write_string_with_format(0, 0, &list.title, &Format::new().set_bold())?;
        write_rows(sheet, 1, &list.all_rows)?;
        sheet.set_column_width(1, 30)?;
        sheet.set_column_width(2, 28)?;
        sheet.set_column_width(4, 12)?;
        sheet.set_column_width(5, 12)?;
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::figure;

    #[test]
    fn figures_become_numbers_that_show_the_same_text() {
        assert_eq!(figure("262"), Some((262.0, "0")));
        assert_eq!(figure("94.67%"), Some((0.9467, "0.00%")));
        let (value, format) = figure("+24.76%").unwrap();
        assert!((value - 0.2476).abs() < 1e-12 && format == "+0.00%;-0.00%;0.00%");
        assert_eq!(figure("-3.51个百分点").map(|f| f.0), Some(-3.51));
        assert_eq!(figure("1177204701.23"), Some((1_177_204_701.23, "0.00")));
        assert_eq!(figure("+2.00"), Some((2.0, "+0.00;-0.00;0.00")));
        for text in ["—", "不可得", "未设区间", "（2024）粤0703民初1号", "2024-03-05", "受理", ""] {
            assert_eq!(figure(text), None, "{text}");
        }
    }
}
