//! The shipped models read a synthetic scan (rendered from known text with a serif CJK font):
//! every character back, in reading order.

use xiezhi_ocr::{Ocr, edit_distance};

#[test]
fn a_scanned_iou_is_read_back() {
    let ocr = Ocr::embedded().expect("the embedded models load");
    let page = ocr.read_bytes(include_bytes!("fixtures/iou.png")).unwrap();
    let want = include_str!("fixtures/iou.txt");
    let lines: Vec<&str> = page.lines.iter().map(|l| l.text.as_str()).collect();
    assert_eq!(lines.len(), 3, "{lines:?}");
    let strip = |t: &str| t.chars().filter(|c| !c.is_whitespace()).collect::<Vec<_>>();
    let errors = edit_distance(&strip(&page.text()), &strip(want));
    assert_eq!(errors, 0, "{lines:?}");
    assert!(page.lines.iter().all(|l| l.score > 0.5 && l.angle.abs() < 0.05));
}

#[test]
fn bytes_that_are_no_image_are_refused() {
    let ocr = Ocr::embedded().unwrap();
    assert!(matches!(ocr.read_bytes(b"%PDF-1.4 not an image"), Err(xiezhi_ocr::OcrError::Decode(_))));
}
