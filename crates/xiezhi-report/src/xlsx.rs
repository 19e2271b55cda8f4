//! The bulletin as an Excel workbook: the overview, every table, the chart data with NATIVE
//! Excel charts (line for the trend, clustered columns for the comparison) and the complete
//! action lists. Figures are Excel numbers whose number formats show the same text as the
//! other formats.

use rust_xlsxwriter::{Chart, ChartType, Format, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::bulletin::{Bulletin, ChartData, ChartKind, Table};
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

/// Landscape A4, fitted to the page width, with the first `header_rows` rows repeated on every
/// printed page and page numbers in the footer.
fn print_ready(sheet: &mut Worksheet, header_rows: u32) -> Result<(), ReportError> {
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    if header_rows > 0 {
        sheet.set_repeat_rows(0, header_rows - 1)?;
    }
    sheet.set_footer("&C第 &P 页 / 共 &N 页");
    Ok(())
}

/// A `YYYY-MM-DD` cell as an Excel date.
fn date_cell(text: &str) -> Option<rust_xlsxwriter::ExcelDateTime> {
    let b = text.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    rust_xlsxwriter::ExcelDateTime::from_ymd(text[..4].parse().ok()?, text[5..7].parse().ok()?, text[8..].parse().ok()?)
        .ok()
}

/// A table under a title row (and a unit line), its header row included; figures as numbers,
/// dates as dates, flagged cells in red; returns the next free row.
fn write_table(sheet: &mut Worksheet, first_row: u32, table: &Table) -> Result<u32, ReportError> {
    let mut row = first_row;
    if !table.title.is_empty() {
        sheet.write_string_with_format(row, 0, &table.title, &Format::new().set_bold())?;
        row += 1;
    }
    if !table.units.is_empty() {
        sheet.write_string_with_format(row, 0, &table.units, &Format::new().set_italic())?;
        row += 1;
    }
    let header = header_format();
    let cell = Format::new().set_border(FormatBorder::Thin);
    let date = cell.clone().set_num_format("yyyy-mm-dd").set_align(FormatAlign::Center);
    for (r, values) in table.rows.iter().enumerate() {
        for (c, text) in values.iter().enumerate() {
            let (at_row, at_col) = (row + r as u32, c as u16);
            let flagged = table.flagged.contains(&(r, c));
            let base = if flagged { cell.clone().set_font_color("#C00000").set_bold() } else { cell.clone() };
            if r == 0 {
                sheet.write_string_with_format(at_row, at_col, text, &header)?;
            } else if let Some((value, number_format)) = figure(text) {
                sheet.write_number_with_format(at_row, at_col, value, &base.set_num_format(number_format))?;
            } else if let Some(d) = date_cell(text) {
                sheet.write_datetime_with_format(at_row, at_col, &d, &date)?;
            } else {
                sheet.write_string_with_format(at_row, at_col, text, &base)?;
            }
        }
    }
    Ok(row + table.rows.len() as u32)
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
                let format = Format::new().set_num_format(if data.unit == "%" { "0.00" } else { "#,##0" });
                sheet.write_number_with_format(i as u32 + 1, s as u16 + 1, v, &format)?;
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

/// The workbook as bytes: 通报 (the text), 表1 (the courts compared), 明细 (the annex tables),
/// the chart data with native charts, and the complete action lists — each print-ready.
pub fn write(b: &Bulletin) -> Result<Vec<u8>, ReportError> {
    let mut workbook = Workbook::new();
    let title = Format::new().set_bold().set_font_size(16);
    let red = Format::new().set_bold().set_font_color("#C00000");
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);

    let sheet = workbook.add_worksheet();
    sheet.set_name("通报")?;
    sheet.write_string_with_format(0, 0, format!("{}　{}", b.masthead.name, b.masthead.issue), &red)?;
    sheet.write_string(1, 0, format!("{}　{}", b.masthead.office, b.masthead.date))?;
    sheet.write_string_with_format(2, 0, &b.title, &title)?;
    sheet.write_string(3, 0, format!("（{}）", b.period_text))?;
    sheet.set_column_width(0, 110)?;
    let mut row = 5;
    let text = |sheet: &mut Worksheet, row: &mut u32, p: &str, format: &Format| -> Result<(), ReportError> {
        sheet.write_string_with_format(*row, 0, p, format)?;
        sheet.set_row_height(*row, 15.0 * (p.chars().count() as f64 / 55.0).ceil().max(1.0))?;
        *row += 1;
        Ok(())
    };
    if let Some(line) = &b.synthetic_line {
        text(sheet, &mut row, line, &red)?;
    }
    text(sheet, &mut row, "一、总体情况", &Format::new().set_bold())?;
    for p in &b.overview {
        text(sheet, &mut row, p, &wrap)?;
    }
    text(sheet, &mut row, "二、质效指标对比（表1见“表1”工作表）", &Format::new().set_bold())?;
    for p in &b.named {
        text(sheet, &mut row, p, &wrap)?;
    }
    text(sheet, &mut row, "四、存在问题", &Format::new().set_bold())?;
    for p in &b.problems {
        text(sheet, &mut row, p, &wrap)?;
    }
    text(sheet, &mut row, "五、下一步工作要求", &Format::new().set_bold())?;
    for p in &b.requirements {
        text(sheet, &mut row, p, &wrap)?;
    }
    text(sheet, &mut row, "注：", &Format::new())?;
    for (i, n) in b.notes.iter().enumerate() {
        text(sheet, &mut row, &format!("{}. {n}", i + 1), &wrap)?;
    }
    sheet.write_string(row + 1, 0, format!("{}　{}", b.issuer, b.issued_on))?;
    print_ready(sheet, 0)?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("表1")?;
    let mut first = b.comparison_table.clone();
    first.title = format!("表1　{}", first.title);
    write_table(sheet, 0, &first)?;
    sheet.set_column_width(0, 8)?;
    sheet.set_column_width(1, 22)?;
    for c in 2..12 {
        sheet.set_column_width(c, 14)?;
    }
    sheet.set_freeze_panes(3, 2)?;
    print_ready(sheet, 3)?;

    let sheet = workbook.add_worksheet();
    sheet.set_name("附件明细")?;
    let mut row = 0;
    for (i, t) in b.tables.iter().enumerate() {
        let mut t = t.clone();
        t.title = format!("附表{}　{}", i + 1, t.title);
        row = write_table(sheet, row, &t)? + 1;
    }
    sheet.set_column_width(0, 34)?;
    for c in 1..6 {
        sheet.set_column_width(c, 16)?;
    }
    print_ready(sheet, 0)?;

    chart_sheet(&mut workbook, "月度趋势", &b.trend)?;
    chart_sheet(&mut workbook, "各院对比", &b.comparison)?;

    for (name, list) in ["超审限未结案件清单", "超12个月未结案件清单"].iter().zip(&b.action_lists) {
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name)?;
        let all = Table {
            title: list.title.replace("，完整清单见XLSX", ""),
            rows: list.all_rows.clone(),
            ..Table::default()
        };
        write_table(sheet, 0, &all)?;
        sheet.set_column_width(0, 6)?;
        sheet.set_column_width(1, 30)?;
        sheet.set_column_width(2, 28)?;
        for c in 3..7 {
            sheet.set_column_width(c, 12)?;
        }
        sheet.set_freeze_panes(2, 0)?;
        print_ready(sheet, 2)?;
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
