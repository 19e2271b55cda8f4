//! Documents read page by page: a text PDF gives its own text (every page, no OCR); a scanned
//! PDF, a multi-page TIFF in grey and one in CCITT group 4 (as office scanners write them) are
//! rendered and read. The fixtures are synthetic: `iou.txt` and `receipt.txt` rendered with a
//! serif CJK font (Pillow), saved as a two-page image PDF (JPEG pages) and as two-page TIFFs;
//! `complaint-text.txt` turned into a two-page PDF by LibreOffice.

use xiezhi_ocr::document::{Source, open};
use xiezhi_ocr::edit_distance;

fn strip(t: &str) -> Vec<char> {
    t.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The two scanned pages read back exactly (characters, whitespace aside), each with a high
/// confidence.
fn reads_iou_then_receipt(bytes: &[u8]) {
    let pages = open(bytes).unwrap();
    assert_eq!(pages.len(), 2);
    assert!(pages.text_layer().is_none(), "a scan has no text layer");
    for (i, want) in [include_str!("fixtures/iou.txt"), include_str!("fixtures/receipt.txt")].iter().enumerate() {
        let page = pages.read(i).unwrap();
        assert_eq!(page.source, Source::Ocr);
        assert_eq!(edit_distance(&strip(&page.text), &strip(want)), 0, "page {}: {}", i + 1, page.text);
        assert!(page.confidence > 0.9, "page {} confidence {}", i + 1, page.confidence);
        let png = pages.page_png(i, 600).unwrap().expect("a scanned page has an image");
        assert!(png.starts_with(b"\x89PNG"));
    }
}

#[test]
fn a_scanned_pdf_is_read_page_by_page() {
    reads_iou_then_receipt(include_bytes!("fixtures/iou-receipt-scan.pdf"));
}

#[test]
fn every_page_of_a_grey_tiff_is_read() {
    reads_iou_then_receipt(include_bytes!("fixtures/iou-receipt-grey.tiff"));
}

#[test]
fn every_page_of_a_group4_tiff_is_read() {
    reads_iou_then_receipt(include_bytes!("fixtures/iou-receipt-g4.tiff"));
}

#[test]
fn a_text_pdf_gives_its_own_text() {
    let pages = open(include_bytes!("fixtures/complaint-text.pdf")).unwrap();
    assert_eq!(pages.len(), 2);
    let layer = pages.text_layer().expect("both pages carry text");
    let got: Vec<char> = layer.iter().flat_map(|t| strip(t)).collect();
    let want = strip(include_str!("fixtures/complaint-text.txt"));
    assert_eq!(edit_distance(&got, &want), 0, "{}", layer.join("\n---\n"));
    assert!(strip(&layer[0]).starts_with(&strip("民事起诉状原告：甲某")));
    // A line per printed line: the runs of one line (the word processor writes the digits in
    // another font, as separate runs) join again, so 50000元 is searchable as written.
    let lines: Vec<&str> = layer[0].lines().collect();
    assert_eq!(lines[0], "民事起诉状");
    assert_eq!(lines[1], "原告：甲某，男，汉族，住某省某市某区某路1号。");
    assert_eq!(lines[4], "一、判令被告归还原告借款本金人民币50000元；");
    assert_eq!(lines[5], "二、判令被告按年利率3.65%支付自2025年1月1日起至实际清偿之日止的利息；");
    assert!(strip(&layer[1]).ends_with(&strip("具状人：甲某2026年1月5日")));
    let first = pages.read(0).unwrap();
    assert_eq!((first.source, first.confidence), (Source::TextLayer, 1.0));
    assert_eq!(pages.page_png(0, 600).unwrap(), None, "a text page has no scan to show");
}

/// A blank page reads as nothing, with confidence 0: a person looks at it (a blank back side
/// is quickly confirmed; a scan too dark to read is not silently empty).
#[test]
fn a_page_with_nothing_read_has_no_confidence() {
    let mut png = Vec::new();
    image::GrayImage::from_pixel(800, 600, image::Luma([255]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let pages = open(&png).unwrap();
    let page = pages.read(0).unwrap();
    assert_eq!((page.text.as_str(), page.confidence, page.source), ("", 0.0, Source::Ocr));
}
