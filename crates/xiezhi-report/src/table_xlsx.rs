//! Any table a page shows, as a print-ready workbook: the title, the header row repeated on
//! every printed page, landscape A4 fitted to the page width, figures as Excel numbers (with
//! thousands separators and percentages as the page shows them), dates as dates, everything
//! else as text (never a formula).

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook};

use crate::error::ReportError;

/// Rows a table export may hold.
pub const MAX_ROWS: usize = 100_000;
/// Columns a table export may hold.
pub const MAX_COLUMNS: usize = 200;

/// What a cell of the page is in Excel.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Empty,
    /// A number and the format that shows it as the page did.
    Number(f64, &'static str),
    Date(u16, u8, u8),
    Text(String),
}

/// Reads a cell as the page shows it: `2,215` and `-4.28` are numbers, `80.54%` a
/// percentage, `+0.29个百分点` points, `2026-10-31` a date, `—` nothing, the rest text.
pub fn cell_value(text: &str) -> CellValue {
    let t = text.trim();
    if t.is_empty() || t == "—" || t == "-" {
        return CellValue::Empty;
    }
    if let Some((y, m, d)) = iso_date(t) {
        return CellValue::Date(y, m, d);
    }
    let plain: String = t.chars().filter(|c| *c != ',').collect();
    let number = |s: &str| s.parse::<f64>().ok().filter(|v| v.is_finite());
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'+' | b'-'));
    let signed = plain.starts_with(['+', '-']);
    if let Some(points) = plain.strip_suffix("个百分点").filter(|p| numeric(p))
        && let Some(v) = number(points)
    {
        return CellValue::Number(v, "+0.00\"个百分点\";-0.00\"个百分点\";0.00\"个百分点\"");
    }
    if let Some(percent) = plain.strip_suffix('%').filter(|p| numeric(p))
        && let Some(v) = number(percent)
    {
        return CellValue::Number(v / 100.0, if signed { "+0.00%;-0.00%;0.00%" } else { "0.00%" });
    }
    if numeric(&plain)
        && let Some(v) = number(&plain)
    {
        let format = match (plain.contains('.'), signed) {
            (true, true) => "+#,##0.00;-#,##0.00;0.00",
            (true, false) => "#,##0.00",
            (false, _) => "#,##0",
        };
        return CellValue::Number(v, format);
    }
    CellValue::Text(t.to_owned())
}

fn iso_date(t: &str) -> Option<(u16, u8, u8)> {
    let b = t.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let y: u16 = t[..4].parse().ok()?;
    let m: u8 = t[5..7].parse().ok()?;
    let d: u8 = t[8..].parse().ok()?;
    ((1900..=9999).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

/// Display width of a text in Excel's character units (a CJK character is two).
fn width(text: &str) -> f64 {
    text.chars().map(|c| if c.is_ascii() { 1.0 } else { 2.0 }).sum()
}

/// The workbook of one table. `title` heads the sheet (and names it); `headers` are repeated
/// on every printed page.
pub fn write(title: &str, headers: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, ReportError> {
    let err = ReportError::from;
    if rows.len() > MAX_ROWS || headers.len() > MAX_COLUMNS || rows.iter().any(|r| r.len() > MAX_COLUMNS) {
        return Err(ReportError::Write {
            format: "XLSX",
            message: format!("表格超出导出上限（{MAX_ROWS}行、{MAX_COLUMNS}列）"),
        });
    }
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let name: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\'))
        .take(31)
        .collect::<String>()
        .trim_matches('\'')
        .to_owned();
    sheet.set_name(if name.trim().is_empty() { "表格" } else { name.as_str() }).map_err(err)?;
    let columns = headers.len().max(rows.iter().map(Vec::len).max().unwrap_or(0)).max(1);
    let title_format = Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center);
    let header_format = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color("#EFE9DF")
        .set_align(FormatAlign::Center)
        .set_text_wrap();
    let text_format = Format::new().set_border(FormatBorder::Thin);
    let date_format = Format::new().set_border(FormatBorder::Thin).set_num_format("yyyy-mm-dd");
    if columns > 1 {
        sheet.merge_range(0, 0, 0, (columns - 1) as u16, title, &title_format).map_err(err)?;
    } else {
        sheet.write_string_with_format(0, 0, title, &title_format).map_err(err)?;
    }
    let mut widths: Vec<f64> = vec![6.0; columns];
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(1, c as u16, h, &header_format).map_err(err)?;
        widths[c] = widths[c].max(width(h));
    }
    let mut number_formats: std::collections::HashMap<&'static str, Format> = std::collections::HashMap::new();
    for (r, row) in rows.iter().enumerate() {
        let excel_row = (r + 2) as u32;
        for (c, text) in row.iter().enumerate() {
            let col = c as u16;
            match cell_value(text) {
                CellValue::Empty => sheet.write_blank(excel_row, col, &text_format).map(|_| ()),
                CellValue::Number(v, format) => {
                    let f = number_formats
                        .entry(format)
                        .or_insert_with(|| Format::new().set_border(FormatBorder::Thin).set_num_format(format));
                    sheet.write_number_with_format(excel_row, col, v, f).map(|_| ())
                }
                CellValue::Date(y, m, d) => match ExcelDateTime::from_ymd(y, m, d) {
                    Ok(date) => sheet.write_datetime_with_format(excel_row, col, &date, &date_format).map(|_| ()),
                    Err(_) => sheet.write_string_with_format(excel_row, col, text, &text_format).map(|_| ()),
                },
                CellValue::Text(t) => sheet.write_string_with_format(excel_row, col, &t, &text_format).map(|_| ()),
            }
            .map_err(err)?;
            widths[c] = widths[c].max(width(text));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(c as u16, (w + 2.0).min(60.0)).map_err(err)?;
    }
    sheet.set_freeze_panes(2, 0).map_err(err)?;
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_repeat_rows(0, 1).map_err(err)?;
    sheet.set_footer("&C第 &P 页 / 共 &N 页");
    workbook.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_read_as_the_page_shows_them() {
        assert_eq!(cell_value("2,215"), CellValue::Number(2215.0, "#,##0"));
        match cell_value("80.54%") {
            CellValue::Number(v, "0.00%") => assert!((v - 0.8054).abs() < 1e-12, "{v}"),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            cell_value("-1.78个百分点"),
            CellValue::Number(-1.78, "+0.00\"个百分点\";-0.00\"个百分点\";0.00\"个百分点\"")
        );
        assert_eq!(cell_value("-4.28"), CellValue::Number(-4.28, "+#,##0.00;-#,##0.00;0.00"));
        assert_eq!(cell_value("2026-10-31"), CellValue::Date(2026, 10, 31));
        assert_eq!(cell_value("—"), CellValue::Empty);
        assert_eq!(cell_value("（2026）粤0113民初274号"), CellValue::Text("（2026）粤0113民初274号".to_owned()));
        assert_eq!(cell_value("=HYPERLINK(\"x\")"), CellValue::Text("=HYPERLINK(\"x\")".to_owned()));
        assert_eq!(cell_value("2.35亿"), CellValue::Text("2.35亿".to_owned()));
    }
}
