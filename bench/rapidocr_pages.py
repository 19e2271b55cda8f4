#!/usr/bin/env python3
"""RapidOCR's Python pipeline (rapidocr-onnxruntime 1.4.4, PP-OCRv4) on the benchmark pages:
CER and seconds a page, to compare with `xiezhi bench ocr --pages DIR` on the same machine.

pip install rapidocr-onnxruntime==1.4.4 && python3 bench/rapidocr_pages.py DIR
"""
import glob, os, sys, time
from rapidocr_onnxruntime import RapidOCR

def distance(a, b):
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a):
        prev, row[0] = row[0], i + 1
        for j, cb in enumerate(b):
            cur = row[j + 1]
            row[j + 1] = prev if ca == cb else 1 + min(prev, row[j], row[j + 1])
            prev = cur
    return row[len(b)]

engine = RapidOCR()
errors = chars = 0
seconds = 0.0
pages = sorted(glob.glob(os.path.join(sys.argv[1], "page-*.jpg")))
for page in pages:
    truth = "".join(open(page[:-4] + ".txt").read().split())
    start = time.time()
    result, _ = engine(page)
    took = time.time() - start
    got = "".join("".join(r[1] for r in (result or [])).split())
    e = distance(got, truth)
    print(f"{page}: {e} of {len(truth)} wrong (CER {e * 100 / len(truth):.2f} %), {took:.2f} s")
    errors += e; chars += len(truth); seconds += took
print(f"{len(pages)} pages: CER {errors * 100 / chars:.3f} %, {seconds / len(pages):.2f} s a page")
