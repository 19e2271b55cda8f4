//! 中文数字 as statutes write article, 款 and 项 numbers: 一 … 九, 十, 十一, 二十, 一百零三,
//! 一百一十, 一千一百六十五, 二千 (两千 is read too). Arabic digits, ASCII or full-width, are read
//! by [`parse_number`].

const DIGITS: [char; 10] = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// `n` (1 ..= 9999) as a statute writes it: 十 for 10, 十一 for 11, 一百零三, 一百一十, 一千零一.
pub fn to_chinese(n: u32) -> String {
    if n == 0 {
        return "零".to_owned();
    }
    let units = [(1000, '千'), (100, '百'), (10, '十')];
    let mut out = String::new();
    let mut rest = n;
    let mut pending_zero = false;
    for (value, unit) in units {
        let d = rest / value;
        rest %= value;
        if d > 0 {
            if pending_zero {
                out.push('零');
                pending_zero = false;
            }
            // 十一 … 十九 at the start, not 一十一; but 一百一十.
            if !(value == 10 && d == 1 && out.is_empty()) {
                out.push(DIGITS[d as usize]);
            }
            out.push(unit);
        } else if !out.is_empty() && rest > 0 {
            pending_zero = true;
        }
    }
    if rest > 0 {
        if pending_zero {
            out.push('零');
        }
        out.push(DIGITS[rest as usize]);
    }
    out
}

fn digit(c: char) -> Option<u32> {
    match c {
        '零' | '〇' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    }
}

/// A Chinese numeral (一百零三, 十二, 两千) as a number; `None` when the text is not one.
pub fn from_chinese(text: &str) -> Option<u32> {
    if text.is_empty() {
        return None;
    }
    let mut total = 0u32;
    let mut current: Option<u32> = None;
    let mut last_unit = u32::MAX;
    for c in text.chars() {
        if let Some(d) = digit(c) {
            if current.is_some_and(|v| v != 0) && d != 0 {
                return None; // two digits in a row (一二) is not a numeral
            }
            current = Some(d);
            continue;
        }
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            _ => return None,
        };
        if unit >= last_unit {
            return None; // units must fall: 一千一百, not 一百一千
        }
        last_unit = unit;
        // 十 alone at the start means 一十.
        let d = match current.take() {
            Some(0) => return None,
            Some(d) => d,
            None if total == 0 && unit == 10 => 1,
            None => return None,
        };
        total += d * unit;
    }
    if let Some(d) = current {
        total += d;
    }
    (total > 0).then_some(total)
}

/// A number as statutes and clerks write it: Chinese numerals, or Arabic digits (ASCII or
/// full-width).
pub fn parse_number(text: &str) -> Option<u32> {
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit() || ('０'..='９').contains(&c)) {
        let ascii: String = text
            .chars()
            .map(|c| {
                if c.is_ascii_digit() { c } else { char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or('0') }
            })
            .collect();
        return ascii.parse().ok().filter(|n| *n > 0);
    }
    from_chinese(text)
}

/// Whether `c` may be part of a number in a citation.
pub(crate) fn is_number_char(c: char) -> bool {
    digit(c).is_some() || matches!(c, '十' | '百' | '千') || c.is_ascii_digit() || ('０'..='９').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statute_numerals() {
        for (n, text) in [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (103, "一百零三"),
            (110, "一百一十"),
            (133, "一百三十三"),
            (264, "二百六十四"),
            (1000, "一千"),
            (1001, "一千零一"),
            (1010, "一千零一十"),
            (1165, "一千一百六十五"),
            (1260, "一千二百六十"),
            (2000, "二千"),
        ] {
            assert_eq!(to_chinese(n), text, "{n}");
            assert_eq!(from_chinese(text), Some(n), "{text}");
        }
        assert_eq!(from_chinese("两千"), Some(2000));
        assert_eq!(from_chinese("一十一"), Some(11));
        for bad in ["", "百", "一二", "一百一千", "十十", "零", "甲"] {
            assert_eq!(from_chinese(bad), None, "{bad}");
        }
        assert_eq!(parse_number("264"), Some(264));
        assert_eq!(parse_number("２６４"), Some(264));
        assert_eq!(parse_number("0"), None);
    }
}
