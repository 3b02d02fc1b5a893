#!/usr/bin/env python3
"""Build the clean-English corpora used to measure false changes (not shipped).

Writes one .txt per document under OUT/news (Reuters-21578 sample from Debian's r-cran-tm),
OUT/austen (Jane Austen's novels from r-cran-janeaustenr, public domain, one file per chapter)
and OUT/handbook (The Debian Administrator's Handbook, en-US HTML, one file per page).
usage: benches/clean_corpus.py OUT   (needs Debian packages r-cran-tm, r-cran-janeaustenr,
debian-handbook; the lead builds it at /work/clean for measurements)
"""
import glob, html, os, re, subprocess, sys

def words(t):
    return len(t.split())

def main():
    out = sys.argv[1]
    tm = "/usr/lib/R/site-library/tm/texts"
    os.makedirs(f"{out}/news", exist_ok=True)
    n = 0
    for d in ("acq", "crude"):
        for f in sorted(glob.glob(f"{tm}/{d}/*.xml")):
            x = open(f, encoding="utf-8", errors="replace").read()
            m = re.search(r"<BODY>(.*?)</BODY>", x, re.S)
            if not m:
                continue
            body = html.unescape(m.group(1)).replace("\x03", "").strip()
            body = re.sub(r"\s*Reuter\s*$", "", body)
            open(f"{out}/news/{d}-{os.path.basename(f)[:-4]}.txt", "w").write(body + "\n")
            n += words(body)
    print("news", n)
    os.makedirs(f"{out}/austen", exist_ok=True)
    r = subprocess.run(["Rscript", "-e",
        "b<-janeaustenr::austen_books(); for (t in unique(b$book)) { x <- b$text[b$book==t]; "
        "cat(paste0('@@BOOK ', t, '\\n')); cat(x, sep='\\n') }"], capture_output=True, text=True, check=True)
    book, chap, buf, n = None, 0, [], 0
    def flush():
        nonlocal n
        t = "\n".join(buf).strip()
        if book and words(t) > 50:
            open(f"{out}/austen/{book}-{chap:03d}.txt", "w").write(t + "\n")
            n += words(t)
    for line in r.stdout.splitlines():
        if line.startswith("@@BOOK "):
            flush(); buf = []
            book, chap = re.sub(r"\W+", "-", line[7:].strip().lower()), 0
        elif re.match(r"^\s*(CHAPTER|Chapter) [IVXLC\d]+", line):
            flush(); buf = []; chap += 1
        else:
            buf.append(line)
    flush()
    print("austen", n)
    os.makedirs(f"{out}/handbook", exist_ok=True)
    n = 0
    for f in sorted(glob.glob("/usr/share/doc/debian-handbook/html/en-US/*.html")):
        x = open(f, encoding="utf-8", errors="replace").read()
        x = re.sub(r"(?is)<(script|style|pre)[^>]*>.*?</\1>", " ", x)
        ps = re.split(r"(?i)</?(?:p|div|h\d|li|td|dt|dd|tr|table|ul|ol)\b[^>]*>", x)
        ps = [re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", p))).strip() for p in ps]
        t = "\n\n".join(p for p in ps if len(p.split()) >= 8)
        if words(t) > 50:
            open(f"{out}/handbook/{os.path.basename(f)[:-5]}.txt", "w").write(t + "\n")
            n += words(t)
    print("handbook", n)

main()
