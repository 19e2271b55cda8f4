//! Files made to hurt the reader: a cell at the sheet's last address, parts that inflate far
//! beyond their size, runs of text no cell can hold, a shared-string table that lies about its
//! count, and values too long to echo. Each is refused (or read) within bounded memory, with a
//! short Chinese message naming the limit.

use std::io::{Read, Write};
use std::path::Path;

use rust_xlsxwriter::Workbook;
use xiezhi_import::sheet::{LIMITS, Limits, check_xlsx};
use xiezhi_import::{ECHOED_CHARS, FactsReader, ImportError, clip_value};

/// A small valid workbook: the header and one good case row.
fn workbook(path: &Path) {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.write_string(0, 0, "案号").unwrap();
    sheet.write_string(0, 1, "立案日期").unwrap();
    sheet.write_string(1, 0, "(2024)粤0703民初7号").unwrap();
    sheet.write_string(1, 1, "2024-03-05").unwrap();
    wb.save(path).unwrap();
}

/// Rewrites one part of an XLSX package, deflating every part.
fn rewrite_part(path: &Path, part: &str, edit: impl Fn(String) -> String) {
    let bytes = std::fs::read(path).unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated).large_file(true);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().unwrap().into_owned();
        let mut content = Vec::new();
        file.read_to_end(&mut content).unwrap();
        if name.as_str() == part {
            content = edit(String::from_utf8(content).unwrap()).into_bytes();
        }
        out.start_file(name, options).unwrap();
        out.write_all(&content).unwrap();
    }
    std::fs::write(path, out.finish().unwrap().into_inner()).unwrap();
}

fn too_large(result: Result<FactsReader, ImportError>) -> String {
    match result {
        Err(e @ ImportError::TooLarge { .. }) => e.to_string(),
        Err(other) => panic!("expected a refusal naming a limit, got {other}"),
        Ok(_) => panic!("expected a refusal naming a limit, the file was accepted"),
    }
}

#[test]
fn one_cell_at_xfd1048576_is_read_as_the_row_it_is_not_as_a_whole_range() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("far.xlsx");
    workbook(&p);
    rewrite_part(&p, "xl/worksheets/sheet1.xml", |xml| {
        xml.replacen(
            "</sheetData>",
            "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row></sheetData>",
            1,
        )
        .replacen("<dimension ref=\"A1:B2\"/>", "<dimension ref=\"A1:XFD1048576\"/>", 1)
    });
    // A whole-range reader would allocate 1,048,576 × 16,384 cells (549 GB) here.
    let mut reader = FactsReader::open(&p, None).unwrap();
    let good = reader.next_row().unwrap().unwrap();
    assert_eq!(good.row, 2);
    assert!(good.result.is_ok());
    let far = reader.next_row().unwrap().unwrap();
    assert_eq!(far.row, 1_048_576, "the stray cell's row, as Excel numbers it");
    let problems = far.result.unwrap_err();
    assert!(problems.iter().any(|p| p.column == "案号"), "{problems:?}");
    assert!(reader.next_row().unwrap().is_none());
}

#[test]
fn a_run_of_whitespace_longer_than_any_cell_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("spaces.xlsx");
    workbook(&p);
    // 1 MiB of spaces deflates to about a kilobyte; 1 GiB of them took 2–4 GB to read.
    let spaces = " ".repeat(1 << 20);
    rewrite_part(&p, "xl/worksheets/sheet1.xml", |xml| xml.replacen("<sheetData>", &format!("<sheetData>{spaces}"), 1));
    assert!(std::fs::metadata(&p).unwrap().len() < 64 * 1024);
    let message = too_large(FactsReader::open(&p, None));
    assert!(message.contains("256 KB"), "{message}");
    assert!(message.contains("上限"), "{message}");
}

#[test]
fn one_cell_of_a_megabyte_of_text_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("text.xlsx");
    workbook(&p);
    let text = "案".repeat(400_000);
    rewrite_part(&p, "xl/sharedStrings.xml", |xml| xml.replacen("<t>案号</t>", &format!("<t>{text}</t>"), 1));
    let message = too_large(FactsReader::open(&p, None));
    assert!(message.contains("32,767"), "{message}");
}

#[test]
fn parts_inflating_beyond_their_limit_are_refused_while_inflating() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("big.xlsx");
    workbook(&p);
    // Many short cells: no long run, but the sheet inflates past a 64 KiB limit.
    let rows: String = (3..3000).map(|r| format!("<row r=\"{r}\"><c r=\"C{r}\"><v>{r}</v></c></row>")).collect();
    rewrite_part(&p, "xl/worksheets/sheet1.xml", |xml| xml.replacen("</sheetData>", &format!("{rows}</sheetData>"), 1));
    let small = Limits { sheet: 64 << 10, ..LIMITS };
    let file = std::fs::File::open(&p).unwrap();
    match check_xlsx(file, &small) {
        Err(e @ ImportError::TooLarge { .. }) => assert!(e.to_string().contains("工作表"), "{e}"),
        other => panic!("expected the sheet's limit, got {other:?}"),
    }
    // Under the real limits the same file reads.
    check_xlsx(std::fs::File::open(&p).unwrap(), &LIMITS).unwrap();
    let all = Limits { total: 4 << 10, ..LIMITS };
    match check_xlsx(std::fs::File::open(&p).unwrap(), &all) {
        Err(e @ ImportError::TooLarge { .. }) => assert!(e.to_string().contains("工作簿解压后超过"), "{e}"),
        other => panic!("expected the workbook's limit, got {other:?}"),
    }
}

#[test]
fn a_shared_string_table_declaring_more_strings_than_it_holds_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("liar.xlsx");
    workbook(&p);
    // calamine reserves the declared count: 4e9 strings would be a 96 GB reservation.
    rewrite_part(&p, "xl/sharedStrings.xml", |xml| {
        let at = xml.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
        let end = at + xml[at..].find('"').unwrap();
        format!("{}4000000000{}", &xml[..at], &xml[end..])
    });
    let message = too_large(FactsReader::open(&p, None));
    assert!(message.contains("4000000000"), "{message}");
    // 案号, 立案日期, the 案号 and the date: four strings.
    assert!(message.contains("实际只有4个"), "{message}");
}

#[test]
fn a_long_value_is_echoed_cut_with_its_length() {
    let long = "x".repeat(10 << 20);
    let clipped = clip_value(&long);
    assert_eq!(clipped, format!("{}…（共10485760字）", "x".repeat(ECHOED_CHARS)));
    assert_eq!(clip_value("短值"), "短值");
    assert_eq!(clip_value("a\nb"), "a↵b");

    // Through the reader: a 2 MB 立案日期 in a CSV becomes a problem of a few hundred bytes.
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("long.csv");
    std::fs::write(&p, format!("案号,立案日期\n(2024)粤0703民初7号,{}\n", "9".repeat(2 << 20))).unwrap();
    let mut reader = FactsReader::open(&p, None).unwrap();
    let problems = reader.next_row().unwrap().unwrap().result.unwrap_err();
    let text = problems[0].to_string();
    assert!(text.len() < 400, "{} bytes", text.len());
    assert!(text.contains("（共2097152字）"), "{text}");
}

#[test]
fn formula_like_cells_are_neutralised_but_numbers_stay_numbers() {
    use xiezhi_import::export::neutralise_formula;
    assert_eq!(neutralise_formula("=1+1"), "'=1+1");
    assert_eq!(neutralise_formula("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
    assert_eq!(neutralise_formula("-2+3"), "'-2+3");
    assert_eq!(neutralise_formula("@SUM(A1)"), "'@SUM(A1)");
    assert_eq!(neutralise_formula("\t=1"), "'\t=1");
    assert_eq!(neutralise_formula("-1.07"), "-1.07");
    assert_eq!(neutralise_formula("+9.17"), "+9.17");
    assert_eq!(neutralise_formula("民间借贷纠纷"), "民间借贷纠纷");
    assert_eq!(xiezhi_import::trim_cell("'=1+1"), "=1+1");
    assert_eq!(xiezhi_import::trim_cell("'张三"), "'张三", "only before a formula start");
}
