#!/usr/bin/env python3
"""Renders scanned-looking A4 pages of judgment text for the OCR benchmark.

python3 bench/ocr_pages.py OUTDIR [PAGES [SEED [SKIP]]]   (needs Pillow and a serif CJK font: fonts-noto-cjk)
SKIP paragraphs of the source text are passed over first (another seed and skip: other pages).

Text: the 指导性/典型案例 shipped in crates/xiezhi-legal/data/corpus.zip (official texts). Each page:
A4 at 200 dpi, Noto Serif CJK 12 pt, 1.5 line spacing, rotated by a small random angle
(|a| <= 0.8 degrees), Gaussian noise (sigma 8) and saved as JPEG quality 70. The exact text of
each page is written beside it (page-N.txt, one line per printed line).
"""
import io, os, random, sys, zipfile
from PIL import Image, ImageChops, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
DPI, W, H, MARGIN = 200, 1654, 2339, 190
SIZE = round(12 / 72 * DPI)  # 33 px
LEAD = round(SIZE * 1.5)

def texts():
    here = os.path.dirname(os.path.abspath(__file__))
    z = zipfile.ZipFile(os.path.join(here, "..", "crates", "xiezhi-legal", "data", "corpus.zip"))
    for name in sorted(z.namelist()):
        if name.startswith("lawrefbook/案例/"):
            body = z.read(name).decode("utf-8").split("<!-- INFO END -->")[-1]
            for line in body.splitlines():
                line = line.strip().lstrip("#").strip()
                if len(line) > 20 and not line.startswith("<!--"):
                    yield line

def main():
    out = sys.argv[1]
    pages = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    seed = int(sys.argv[3]) if len(sys.argv) > 3 else 20261205
    skip = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    os.makedirs(out, exist_ok=True)
    rng = random.Random(seed)
    font = ImageFont.truetype(FONT, SIZE, index=2)  # SC
    per_line = (W - 2 * MARGIN) // SIZE
    lines_per_page = (H - 2 * MARGIN) // LEAD
    source = texts()
    for _ in range(skip):
        next(source)
    for p in range(1, pages + 1):
        lines = []
        while len(lines) < lines_per_page:
            para = "　　" + next(source)
            while para and len(lines) < lines_per_page:
                lines.append(para[:per_line])
                para = para[per_line:]
        img = Image.new("L", (W, H), 255)
        d = ImageDraw.Draw(img)
        for i, line in enumerate(lines):
            d.text((MARGIN, MARGIN + i * LEAD), line, font=font, fill=0)
        angle = rng.uniform(-0.8, 0.8)
        img = img.rotate(angle, resample=Image.BICUBIC, fillcolor=255)
        noise = Image.effect_noise((W, H), 8)  # Gaussian around 128
        img = ImageChops.add(img, noise, 1.0, -128)
        img.save(os.path.join(out, f"page-{p}.jpg"), quality=70)
        with open(os.path.join(out, f"page-{p}.txt"), "w") as f:
            f.write("\n".join(l.replace("　", "") for l in lines) + "\n")
        print(f"page-{p}.jpg: {len(lines)} lines, {sum(len(l.replace('　','')) for l in lines)} characters, angle {angle:.2f}°")

main()
